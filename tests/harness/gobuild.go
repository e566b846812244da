package harness

import (
	"context"
	"fmt"
	"os/exec"
)

// GoBuild builds the package pkg of the module at root into out, for this machine (the
// local runner, for the browser tests).
func GoBuild(ctx context.Context, root, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %v\n%s", pkg, err, b)
	}
	return nil
}
