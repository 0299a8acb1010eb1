package archtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTheRepositoryCarriesItsOwnMap: no file points outside the
// repository (a clone has nothing beside it), every relative link of the
// docs leads to a file that exists, and the README stays a newcomer's page.
func TestTheRepositoryCarriesItsOwnMap(t *testing.T) {
	root := repoRoot(t)
	out, err := exec.Command("git", "-C", root, "ls-files").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)\s]*)?\)`)
	outside := "../" + "shared" // the brief beside a checkout, which a clone does not have
	for _, name := range strings.Fields(string(out)) {
		if strings.HasPrefix(name, "api/docs/assets/") || strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".sum") {
			continue // vendored pages, recorded histories, checksums
		}
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), outside) {
			t.Errorf("%s points outside the repository (%s)", name, outside)
		}
		if !strings.HasSuffix(name, ".md") {
			continue
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, filepath.Dir(name), target)); err != nil {
				t.Errorf("%s links to %s, which does not exist", name, target)
			}
		}
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(readme), "\n"); n > 250 {
		t.Errorf("README.md has %d lines: at most 250, the rest belongs in docs/", n)
	}
}
