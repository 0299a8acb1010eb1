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
	dir, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("testenv: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// TemporalCLI is the path of the Temporal CLI the tests run: $TEMPORAL_CLI, or
// bin/temporal as `make tools` builds it.
func TemporalCLI(t testing.TB) string {
	t.Helper()
	path, err := temporalCLI()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func temporalCLI() (string, error) {
	path := os.Getenv("TEMPORAL_CLI")
	if path == "" {
		root, err := repoRoot()
		if err != nil {
			return "", err
		}
		path = filepath.Join(root, "bin", "temporal")
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("testenv: Temporal CLI not found at %s: run `make tools` first", path)
	}
	return path, nil
}

// Temporal is a real Temporal dev server, in memory: one test's own (which
// may stop and start it), or a package's shared one (SharedTemporal).
type Temporal struct {
	cli      string
	hostPort string
	bare     bool // without the order search attributes
	server   *testsuite.DevServer
}

// SearchAttributes are the order workflows' search attributes as the dev
// server's --search-attribute flags take them: every server a test starts
// has them, as `orders register-search-attributes` sets them up elsewhere
// (a test in workflows keeps the two lists the same).
var SearchAttributes = []string{
	"OrderStatus=Keyword", "CustomerEmail=Keyword", "OrderTotalCents=Int", "OrderCurrency=Keyword", "OrderStatusChangedAt=Datetime",
}

// StartTemporal starts a dev server for this test alone, on a free loopback
// port; it is stopped when the test ends. Tests that stop the server use
// their own; the others share one (SharedTemporal).
func StartTemporal(t testing.TB) *Temporal {
	t.Helper()
	Integration(t)
	ts, err := newTemporal()
	if err != nil {
		t.Fatal(err)
	}
	ts.Start(t)
	t.Cleanup(func() { ts.Stop(t) })
	return ts
}

// StartBareTemporal is StartTemporal without the order search attributes,
// as a new namespace is before `orders register-search-attributes`.
func StartBareTemporal(t testing.TB) *Temporal {
	t.Helper()
	Integration(t)
	ts, err := newTemporal()
	if err != nil {
		t.Fatal(err)
	}
	ts.bare = true
	ts.Start(t)
	t.Cleanup(func() { ts.Stop(t) })
	return ts
}

func newTemporal() (*Temporal, error) {
	cli, err := temporalCLI()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	return &Temporal{cli: cli, hostPort: fmt.Sprintf("127.0.0.1:%d", port)}, nil
}

// HostPort is the frontend address, for TEMPORAL_ADDRESS.
func (ts *Temporal) HostPort() string { return ts.hostPort }

// Start (re)starts the server on the same address, e.g. after Stop.
func (ts *Temporal) Start(t testing.TB) {
	t.Helper()
	if err := ts.start(); err != nil {
		t.Fatal(err)
	}
}

func (ts *Temporal) start() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var extra []string
	if !ts.bare {
		for _, sa := range SearchAttributes {
			extra = append(extra, "--search-attribute", sa)
		}
	}
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  ts.cli,
		ClientOptions: &client.Options{HostPort: ts.hostPort, Namespace: "default"},
		LogLevel:      "error",
		Stdout:        io.Discard,
		Stderr:        io.Discard,
		ExtraArgs:     extra,
	})
	if err != nil {
		return fmt.Errorf("testenv: start Temporal dev server: %w", err)
	}
	ts.server = srv
	return nil
}

// Stop shuts the server down; Start brings it back on the same address.
func (ts *Temporal) Stop(t testing.TB) {
	if err := ts.stop(); err != nil {
		t.Logf("testenv: stop Temporal dev server: %v", err)
	}
}

func (ts *Temporal) stop() error {
	if ts.server == nil {
		return nil
	}
	err := ts.server.Stop()
	ts.server = nil
	return err
}

// Client dials the server; the client is closed when the test ends.
func (ts *Temporal) Client(t testing.TB) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: ts.hostPort, Namespace: "default"})
	if err != nil {
		t.Fatalf("testenv: dial Temporal: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// FreePort asks the kernel for a loopback port that is free right now.
func FreePort(t testing.TB) int {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
