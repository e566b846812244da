package alert_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/slo"
)

// Every page links its runbook; a link to nothing at 3 a.m. is worse than no link.
func TestEveryObjectiveHasARunbook(t *testing.T) {
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..")
	paths := []string{alert.NoDataRunbook}
	for _, f := range cat.Flows {
		for _, o := range f.Objectives {
			paths = append(paths, o.Runbook)
		}
	}
	for _, p := range paths {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Errorf("runbook %s: %v", p, err)
			continue
		}
		for _, section := range []string{"## What", "## First checks", "## Mitigations", "## When to escalate"} {
			if !strings.Contains(string(b), section) {
				t.Errorf("runbook %s has no %q section", p, section)
			}
		}
	}
}
