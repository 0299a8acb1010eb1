package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/acme/orders/internal/config"
	"github.com/acme/orders/internal/testenv"
)

// TestShutdownLetsInFlightRequestsFinish: SIGTERM (ctx cancelled) while a
// request is being served; the request still gets its full answer, new
// connections are refused, and the server returns cleanly.
func TestShutdownLetsInFlightRequestsFinish(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	e := env{
		cfg: config.Config{HTTP: config.HTTP{Addr: addr, ReadTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second,
			IdleTimeout: 5 * time.Second, ShutdownTimeout: 10 * time.Second}},
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	started := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(started)
		time.Sleep(time.Second)
		_, _ = w.Write([]byte("finished"))
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serveHTTP(ctx, e, slow) }()

	var resp *http.Response
	var err error
	got := make(chan struct{})
	go func() {
		defer close(got)
		for range 50 { // until the listener is up
			if resp, err = http.Get("http://" + addr); err == nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	<-started
	cancel() // the signal arrives mid-request
	<-got
	if err != nil {
		t.Fatalf("in-flight request: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, []byte("finished")) {
		t.Fatalf("in-flight request got %d %q", resp.StatusCode, body)
	}
	if err := <-served; err != nil {
		t.Fatalf("server: %v", err)
	}
	if _, err := http.Get("http://" + addr); err == nil {
		t.Fatal("server still accepts after shutdown")
	}
}
