package api

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/acme/orders/internal/testenv"
)

// chromium finds the browser: $CHROMIUM, or Debian's package (which .ci/run installs).
func chromium(t *testing.T) string {
	t.Helper()
	testenv.Integration(t) // seconds of browser time: not the fast tier
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install chromium); .ci/run installs it")
	}
	return p
}

// TestDocsRenderOffline loads /docs and /redoc in headless Chromium with every
// host but localhost unresolvable, and checks that the pages rendered the
// OpenAPI document: the static HTML holds none of what the checks look for.
func TestDocsRenderOffline(t *testing.T) {
	browser := chromium(t)
	srv := newServer(t, Options{})
	// Each page renders differently; these strings come only from the document.
	pages := map[string][]string{
		"/docs":  {"Order Platform API", "/api/v1/utils/health-check", "test-workflow"},
		"/redoc": {"Order Platform API (1.0.0)", ">utils<"},
		// A deep link opens the operation, with who may call it.
		"/docs#/orders/approve-order": {"the scope <code>orders:write</code>"},
	}
	for page, wants := range pages {
		t.Run(page, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, browser,
				"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir="+t.TempDir(),
				"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
				"--virtual-time-budget=15000", "--dump-dom", srv.URL+page).Output()
			if err != nil {
				t.Fatalf("chromium: %v", err)
			}
			dom := string(out)
			for _, want := range wants {
				if !strings.Contains(dom, want) {
					t.Fatalf("%s did not render %q; DOM starts %.500s", page, want, dom)
				}
			}
		})
	}
}
