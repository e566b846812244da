//go:build e2e

package e2e

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/tests/harness"
)

// repoTemplate is the repository's root and its template.yaml, parsed.
func repoTemplate(t *testing.T) (string, *samtemplate.Template) {
	t.Helper()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return root, tpl
}

// maxBootstrapBytes bounds every function's deployed bootstrap: 15 MB.
const maxBootstrapBytes = 15_000_000

// TestSAMBuildTargets runs what `sam build` runs for BuildMethod makefile,
// `make build-<LogicalId> ARTIFACTS_DIR=<dir>`, for every function in the
// template, and checks the artefact Lambda will start: a static
// linux/arm64 executable named bootstrap, under maxBootstrapBytes.
func TestSAMBuildTargets(t *testing.T) {
	root, tpl := repoTemplate(t)
	ids := tpl.FunctionIDs()
	sort.Strings(ids)
	if len(ids) == 0 {
		t.Fatal("no functions in template.yaml")
	}
	for _, id := range ids {
		fn := tpl.Functions[id]
		t.Run(id, func(t *testing.T) {
			if fn.BuildMethod != "makefile" || fn.Runtime != "provided.al2023" || fn.Handler != "bootstrap" ||
				len(fn.Architectures) != 1 || fn.Architectures[0] != "arm64" {
				t.Errorf("%s: BuildMethod %q Runtime %q Handler %q Architectures %v", id, fn.BuildMethod, fn.Runtime, fn.Handler, fn.Architectures)
			}
			dir := t.TempDir()
			cmd := exec.Command("make", "--no-print-directory", "build-"+id, "ARTIFACTS_DIR="+dir)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("make build-%s: %v\n%s", id, err, out)
			}
			f, err := elf.Open(filepath.Join(dir, "bootstrap"))
			if err != nil {
				t.Fatalf("bootstrap: %v", err)
			}
			defer f.Close()
			if f.Machine != elf.EM_AARCH64 || f.OSABI != elf.ELFOSABI_NONE || f.Type != elf.ET_EXEC {
				t.Errorf("bootstrap is %v %v %v, want a linux/arm64 executable", f.Machine, f.OSABI, f.Type)
			}
			for _, p := range f.Progs {
				if p.Type == elf.PT_INTERP {
					t.Errorf("bootstrap is dynamically linked; CGO_ENABLED=0 must make it static")
				}
			}
			st, err := os.Stat(filepath.Join(dir, "bootstrap"))
			if err != nil {
				t.Fatal(err)
			}
			// The handbook's bound on what one function carries (docs/benchmarks.md).
			if st.Size() > maxBootstrapBytes {
				t.Errorf("%s bootstrap is %d bytes, over the %d-byte bound: it links something it does not serve", id, st.Size(), maxBootstrapBytes)
			}
			t.Logf("%s bootstrap: %d bytes", id, st.Size())
		})
	}
}
