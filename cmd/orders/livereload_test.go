package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/acme/orders/internal/testenv"
)

// TestLiveReloadRebuildsAndRestarts runs make dev's watcher (bin/air with
// the repository's .air.toml) on a stand-in for cmd/orders: a change of Go
// code rebuilds the binary and restarts it as `orders dev`, the old process
// stopped with SIGINT so that it drains.
func TestLiveReloadRebuildsAndRestarts(t *testing.T) {
	testenv.Integration(t)
	root := repoRoot(t)
	air := filepath.Join(root, "bin", "air")
	if _, err := os.Stat(air); err != nil {
		t.Fatalf("no %s: run make tools", air)
	}
	dir := t.TempDir()
	config, err := os.ReadFile(filepath.Join(root, ".air.toml"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".air.toml", string(config))
	write("go.mod", "module standin\n\ngo 1.26\n")
	program := func(version string) string {
		return `package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
)

func main() {
	log, _ := os.OpenFile("starts.log", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	fmt.Fprintf(log, "started ` + version + ` %s\n", strings.Join(os.Args[1:], " "))
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	fmt.Fprintf(log, "interrupted ` + version + `\n")
}
`
	}
	write("cmd/orders/main.go", program("v1"))

	cmd := exec.Command(air, "-c", ".air.toml")
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	})
	waitForLog := func(want string) {
		t.Helper()
		deadline := time.Now().Add(2 * time.Minute)
		for {
			got, _ := os.ReadFile(filepath.Join(dir, "starts.log"))
			if strings.Contains(string(got), want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %q in starts.log:\n%s", want, got)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitForLog("started v1 dev\n")
	write("cmd/orders/main.go", program("v2"))
	waitForLog("interrupted v1\nstarted v2 dev\n")
	if _, err := os.Stat(filepath.Join(dir, "bin", "orders")); err != nil {
		t.Fatalf("not built into bin/orders: %v", err)
	}
}
