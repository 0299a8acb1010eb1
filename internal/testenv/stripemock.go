package testenv

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// StartStripeMock starts stripe-mock (bin/stripe-mock), Stripe's API test
// server, for this test alone and returns its base URL. It answers every
// call as Stripe would shape it, after checking the request against
// Stripe's OpenAPI document; it keeps no state.
func StartStripeMock(t testing.TB) string {
	t.Helper()
	Integration(t)
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "bin", "stripe-mock")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("testenv: stripe-mock not found at %s: run `make tools` first", bin)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-http-addr", fmt.Sprintf("127.0.0.1:%d", port), "-https-addr", "127.0.0.1:") // HTTPS on a port of its own choosing
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: start stripe-mock: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/balance", nil)
		req.SetBasicAuth("sk_test_123", "")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: stripe-mock did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
