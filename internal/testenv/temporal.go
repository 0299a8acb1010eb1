package testenv

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"
)

// RepoRoot is the folder holding go.mod, found from the test's working directory.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testenv: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// TemporalCLI is the path of the Temporal CLI the tests run: $TEMPORAL_CLI, or
// bin/temporal as `make tools` builds it.
func TemporalCLI(t testing.TB) string {
	t.Helper()
	path := os.Getenv("TEMPORAL_CLI")
	if path == "" {
		path = filepath.Join(RepoRoot(t), "bin", "temporal")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("testenv: Temporal CLI not found at %s: run `make tools` first", path)
	}
	return path
}

// Temporal is a real Temporal dev server owned by one test.
type Temporal struct {
	t        testing.TB
	cli      string
	hostPort string
	server   *testsuite.DevServer
}

// StartTemporal starts an in-memory dev server on a free loopback port; it is
// stopped when the test ends.
func StartTemporal(t testing.TB) *Temporal {
	t.Helper()
	ts := &Temporal{t: t, cli: TemporalCLI(t), hostPort: fmt.Sprintf("127.0.0.1:%d", FreePort(t))}
	ts.Start()
	t.Cleanup(ts.Stop)
	return ts
}

// HostPort is the frontend address, for TEMPORAL_ADDRESS.
func (ts *Temporal) HostPort() string { return ts.hostPort }

// Start (re)starts the server on the same address, e.g. after Stop.
func (ts *Temporal) Start() {
	ts.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  ts.cli,
		ClientOptions: &client.Options{HostPort: ts.hostPort, Namespace: "default"},
		LogLevel:      "error",
		Stdout:        io.Discard,
		Stderr:        io.Discard,
	})
	if err != nil {
		ts.t.Fatalf("testenv: start Temporal dev server: %v", err)
	}
	ts.server = srv
}

// Stop shuts the server down; Start brings it back on the same address.
func (ts *Temporal) Stop() {
	if ts.server == nil {
		return
	}
	if err := ts.server.Stop(); err != nil {
		ts.t.Logf("testenv: stop Temporal dev server: %v", err)
	}
	ts.server = nil
}

// Client dials the server; the client is closed when the test ends.
func (ts *Temporal) Client() client.Client {
	ts.t.Helper()
	c, err := client.Dial(client.Options{HostPort: ts.hostPort, Namespace: "default"})
	if err != nil {
		ts.t.Fatalf("testenv: dial Temporal: %v", err)
	}
	ts.t.Cleanup(c.Close)
	return c
}

// FreePort asks the kernel for a loopback port that is free right now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
