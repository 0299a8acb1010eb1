package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acme/orders/internal/testenv"
)

// TestClusterWebhookSurvivesAWorkerKill: the worker delivering an
// endpoint's events is killed with SIGKILL while the receiver holds a
// delivery; the other worker takes the delivery over (its heartbeats stop)
// and the receiver gets every event of the order, in order.
func TestClusterWebhookSurvivesAWorkerKill(t *testing.T) {
	server := testenv.SharedTemporalServer(t)
	p := startClusterPlatform(t, server.HostPort(), 1, 2, map[string]string{"WEBHOOK_ALLOW_PRIVATE_URLS": "true"})
	tc := server.Client(t)

	var (
		mu      sync.Mutex
		arrived []string // event types, in arrival order
		held    = make(chan struct{})
		holding = make(chan struct{}, 1)
	)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var e struct{ Type string }
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &e)
		mu.Lock()
		arrived = append(arrived, e.Type)
		first := len(arrived) == 1
		mu.Unlock()
		if first { // the first delivery hangs until the test lets go
			holding <- struct{}{}
			<-held
		}
	}))
	defer receiver.Close()
	defer close(held)

	var hook struct{ ID string }
	call(t, http.MethodPost, p.bases[0]+"/webhooks", p.token, fmt.Sprintf(`{"url":%q}`, receiver.URL), http.StatusCreated, &hook)
	mug := p.product("MUG", 1290, 10)
	id := p.place(mug, 1, "tok_approve")
	select {
	case <-holding:
	case <-time.After(60 * time.Second):
		t.Fatal("no delivery reached the receiver")
	}

	// Kill the worker whose pump holds the delivery.
	desc, err := tc.DescribeWorkflow(context.Background(), "webhook-endpoint-"+hook.ID, "")
	if err != nil || len(desc.RawResponse.PendingActivities) == 0 {
		t.Fatalf("the endpoint's workflow: %v %v", desc, err)
	}
	identity := desc.RawResponse.PendingActivities[0].LastWorkerIdentity
	pid, _ := strconv.Atoi(strings.Split(identity, "@")[0])
	i := slices.IndexFunc(p.workers, func(w *proc) bool { return w.cmd.Process.Pid == pid })
	if i < 0 {
		t.Fatalf("no worker is %s", identity)
	}
	p.workers[i].kill()

	p.waitStatus(id, "confirmed", time.Minute)
	p.act(id, "ship", "shipped")
	p.act(id, "deliver", "delivered")
	want := []string{"order.placed", "order.confirmed", "order.shipped", "order.delivered"}
	deadline := time.Now().Add(90 * time.Second)
	for {
		mu.Lock()
		// The held attempt never answered: the event comes again.
		got := slices.Clone(arrived[1:])
		mu.Unlock()
		if slices.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) || len(got) > len(want) {
			t.Fatalf("after the kill the receiver got %v, want %v", got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
