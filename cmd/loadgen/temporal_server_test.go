package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/acme/orders/internal/testenv"
)

// TestClusterBenchServerRunsUntilStopped: make bench CLUSTER=1's Temporal
// server answers at the address it writes, and is gone, with its
// databases, once stopped.
func TestClusterBenchServerRunsUntilStopped(t *testing.T) {
	testenv.RequireTemporalServer(t)
	state := filepath.Join(t.TempDir(), "temporal.state")
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- runTemporalServer(ctx, []string{"-state", state}, io.Discard, io.Discard) }()
	var address, pid string
	for deadline := time.Now().Add(3 * time.Minute); address == ""; time.Sleep(200 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("temporal-server ended before it was up: %v", err)
		default:
		}
		if b, err := os.ReadFile(state); err == nil && strings.HasSuffix(string(b), "\n") {
			address, pid, _ = strings.Cut(strings.TrimSpace(string(b)), " ")
		}
		if time.Now().After(deadline) {
			t.Fatal("temporal-server wrote no state")
		}
	}
	c, err := client.Dial(client.Options{HostPort: address, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CheckHealth(t.Context(), &client.CheckHealthRequest{}); err != nil {
		t.Fatalf("the server at %s: %v", address, err)
	}
	c.Close()
	stop()
	if err := <-done; err != nil {
		t.Fatalf("stopping: %v", err)
	}
	n, err := strconv.Atoi(pid)
	if err != nil {
		t.Fatalf("state %q %q: %v", address, pid, err)
	}
	if err := syscall.Kill(n, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the server process %d after the stop: %v, want gone", n, err)
	}
}
