package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/acme/orders/internal/testenv"
)

// The production scenarios on the real Temporal server on PostgreSQL
// (make test-cluster; make test runs them once make cluster-tools built it).

// TestClusterOrderLifecycle: an order shipped and delivered, one approved,
// one cancelled with its stock and payment given back, one declined, all
// through HTTP, and each found by its status in the server's SQL visibility.
func TestClusterOrderLifecycle(t *testing.T) {
	server := testenv.SharedTemporalServer(t)
	p := startClusterPlatform(t, server.HostPort(), 1, 1, nil)
	tc := server.Client(t)
	mug := p.product("MUG", 1290, 10)
	tv := p.product("TV", 150000, 2) // above the approval threshold

	delivered := p.place(mug, 1, "tok_approve")
	p.waitStatus(delivered, "confirmed", time.Minute)
	p.act(delivered, "ship", "shipped")
	p.act(delivered, "deliver", "delivered")

	approved := p.place(tv, 1, "tok_approve")
	p.waitStatus(approved, "awaiting_approval", time.Minute)
	p.act(approved, "approve", "confirmed")

	cancelled := p.place(mug, 2, "tok_approve")
	p.waitStatus(cancelled, "confirmed", time.Minute)
	p.act(cancelled, "cancel", "cancelled")

	declined := p.place(mug, 1, "tok_decline")
	p.waitStatus(declined, "failed", time.Minute)

	// Stock: the delivered mug left the shelf, the cancelled two came back.
	if got := p.count(`SELECT on_hand * 1000 + reserved FROM inventory WHERE product_id = $1`, mug); got != 9*1000+0 {
		t.Errorf("mug stock: on_hand*1000+reserved = %d, want 9000", got)
	}
	if got := p.count(`SELECT reserved FROM inventory WHERE product_id = $1`, tv); got != 1 {
		t.Errorf("tv reserved = %d, want 1 (the approved order)", got)
	}
	for id, want := range map[string]string{delivered: "captured", cancelled: "voided", approved: "authorized"} {
		if got := p.count(`SELECT count(*) FROM payments WHERE order_id = $1 AND status = $2`, id, want); got != 1 {
			t.Errorf("order %s: no %s payment", id, want)
		}
	}
	for id, status := range map[string]string{delivered: "delivered", approved: "confirmed", cancelled: "cancelled", declined: "failed"} {
		waitVisible(t, tc, fmt.Sprintf("WorkflowId = 'order-%s' AND OrderStatus = '%s'", id, status), 1)
	}
}

// TestClusterTemporalOutage: the Temporal server stops; orders placed
// meanwhile are accepted, and their workflows start once it is back,
// each order confirmed once.
func TestClusterTemporalOutage(t *testing.T) {
	server := testenv.StartTemporalServer(t)
	p := startClusterPlatform(t, server.HostPort(), 1, 1, nil)
	lamp := p.product("LAMP", 2500, 20)
	first := p.place(lamp, 1, "tok_approve")
	p.waitStatus(first, "confirmed", 2*time.Minute)

	server.Stop(t)
	var during []string
	for range 5 {
		during = append(during, p.place(lamp, 1, "tok_approve"))
	}
	if got := p.count(`SELECT count(*) FROM orders WHERE workflow_started_at IS NULL`); got != len(during) {
		t.Errorf("%d orders wait for their workflow while Temporal is down, want %d", got, len(during))
	}
	server.Start(t)
	for _, id := range during {
		p.waitStatus(id, "confirmed", 2*time.Minute)
	}
	if got := p.count(`SELECT count(*) FROM orders`); got != 1+len(during) {
		t.Errorf("%d orders, want %d", got, 1+len(during))
	}
	if got := p.count(`SELECT count(*) FROM order_events WHERE to_status = 'confirmed'`); got != 1+len(during) {
		t.Errorf("%d confirmations, want one per order (%d)", got, 1+len(during))
	}
	if got := p.count(`SELECT reserved FROM inventory WHERE product_id = $1`, lamp); got != 1+len(during) {
		t.Errorf("%d reserved, want %d", got, 1+len(during))
	}
}

// TestClusterScaleOut: two API processes and two worker processes share the
// cluster; clients place orders through both APIs for more units than are in
// stock, and one worker is killed with SIGKILL mid-stream. Every accepted
// order reaches its final state exactly once: exactly the stock is
// confirmed, the rest failed, nothing duplicated, lost or stuck. The
// figures are logged (go test -v; deploy/README.md).
func TestClusterScaleOut(t *testing.T) {
	server := testenv.SharedTemporalServer(t)
	p := startClusterPlatform(t, server.HostPort(), 2, 2, nil)
	tc := server.Client(t)
	const orders, stock, clients, killAfter = 160, 120, 8, 40
	product := p.product("SCALE", 500, stock)

	var (
		accepted atomic.Int32
		mu       sync.Mutex
		ids      = map[string]string{} // key → order ID
		latency  []time.Duration
		failures []string
		killed   time.Time
		next     = make(chan int)
		wg       sync.WaitGroup
	)
	go func() {
		for i := range orders {
			next <- i
		}
		close(next)
	}()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for i := range next {
				key := uuid.NewString()
				took, id, err := placeUntilAccepted(p.bases[i%len(p.bases)], p.token, key, orderBody(product, 1, "tok_approve"))
				mu.Lock()
				if err != nil {
					failures = append(failures, err.Error())
				} else {
					ids[key] = id
					latency = append(latency, took)
				}
				mu.Unlock()
				if accepted.Add(1) == killAfter {
					p.workers[0].kill()
					mu.Lock()
					killed = time.Now()
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	placed := time.Since(start)
	if len(failures) > 0 {
		t.Fatalf("%d orders not accepted: %v", len(failures), failures[:min(len(failures), 5)])
	}

	// Settled: no order pending any more.
	deadline := time.Now().Add(3 * time.Minute)
	for p.count(`SELECT count(*) FROM orders WHERE status IN ('pending', 'awaiting_approval')`) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d orders still pending 3 minutes after the last was placed",
				p.count(`SELECT count(*) FROM orders WHERE status IN ('pending', 'awaiting_approval')`))
		}
		time.Sleep(250 * time.Millisecond)
	}
	settledAt := time.Now()

	orderIDs := map[string]bool{}
	for _, id := range ids {
		orderIDs[id] = true
	}
	for what, got := range map[string][2]int{
		"orders accepted, one per key":                {len(orderIDs), orders},
		"orders in the database":                      {p.count(`SELECT count(*) FROM orders`), orders},
		"orders confirmed (the stock)":                {p.count(`SELECT count(*) FROM orders WHERE status = 'confirmed'`), stock},
		"orders failed (out of stock)":                {p.count(`SELECT count(*) FROM orders WHERE status = 'failed'`), orders - stock},
		"orders that reached their state not once":    {p.count(`SELECT count(*) FROM orders o WHERE (SELECT count(*) FROM order_events e WHERE e.order_id = o.id AND e.to_status = o.status) <> 1`), 0},
		"units reserved":                              {p.count(`SELECT reserved FROM inventory WHERE product_id = $1`, product), stock},
		"reservations held by confirmed orders":       {p.count(`SELECT count(*) FROM stock_reservations r JOIN orders o ON o.id = r.order_id WHERE r.state = 'held' AND o.status = 'confirmed'`), stock},
		"payments authorized for confirmed orders":    {p.count(`SELECT count(*) FROM payments pa JOIN orders o ON o.id = pa.order_id WHERE pa.status = 'authorized' AND o.status = 'confirmed'`), stock},
		"failed orders holding a payment or any unit": {p.count(`SELECT count(*) FROM orders o WHERE o.status = 'failed' AND (EXISTS (SELECT 1 FROM payments pa WHERE pa.order_id = o.id AND pa.status = 'authorized') OR EXISTS (SELECT 1 FROM stock_reservations r WHERE r.order_id = o.id AND r.state = 'held'))`), 0},
	} {
		if got[0] != got[1] {
			t.Errorf("%s: %d, want %d", what, got[0], got[1])
		}
	}
	queue := p.env["TEMPORAL_TASK_QUEUE"]
	waitVisible(t, tc, fmt.Sprintf("TaskQueue = '%s' AND OrderStatus = 'confirmed'", queue), stock)
	waitVisible(t, tc, fmt.Sprintf("TaskQueue = '%s' AND OrderStatus = 'failed'", queue), orders-stock)
	shards := server.ShardsInUse(t)
	if shards < 2 {
		t.Errorf("the workflows live on %d history shard(s); want them spread over the %d", shards, testenv.HistoryShards)
	}

	slices.Sort(latency)
	t.Logf("scale-out: %d orders through 2 APIs in %.1fs (%.0f orders/s accepted), POST p50 %s p99 %s; "+
		"worker-0 SIGKILLed after %d; all settled %.1fs after the start, %.1fs after the kill; workflows on %d of %d history shards",
		orders, placed.Seconds(), float64(orders)/placed.Seconds(), latency[len(latency)/2].Round(time.Millisecond),
		latency[len(latency)*99/100].Round(time.Millisecond), killAfter, settledAt.Sub(start).Seconds(), settledAt.Sub(killed).Seconds(), shards, testenv.HistoryShards)
}

// TestClusterRateLimitsHoldAcrossAPIs: behind a trusted proxy, each client
// is limited by its own address (X-Forwarded-For), not the proxy's, and its
// count is shared by both API processes.
func TestClusterRateLimitsHoldAcrossAPIs(t *testing.T) {
	server := testenv.SharedTemporalServer(t)
	p := startClusterPlatform(t, server.HostPort(), 2, 0, map[string]string{
		"RATE_LIMIT_LOGIN": "4", "TRUSTED_PROXIES": "127.0.0.1/32",
	})
	attempt := func(base, client string) int {
		req, _ := http.NewRequest(http.MethodPost, base+"/login/access-token",
			strings.NewReader("username=root%40example.com&password=wrong-password"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "192.0.2.1, "+client) // the first entry is the client's own claim
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 4 {
		if code := attempt(p.bases[i%2], "198.51.100.1"); code != http.StatusBadRequest {
			t.Fatalf("attempt %d from 198.51.100.1 through api-%d: %d, want 400 (wrong password)", i+1, i%2, code)
		}
	}
	for i := range 2 {
		if code := attempt(p.bases[i], "198.51.100.1"); code != http.StatusTooManyRequests {
			t.Errorf("5th attempt from 198.51.100.1 through api-%d: %d, want 429", i, code)
		}
	}
	if code := attempt(p.bases[1], "198.51.100.2"); code != http.StatusBadRequest {
		t.Errorf("another client behind the same proxy: %d, want 400", code)
	}
}

// placeUntilAccepted posts one order under key until the API accepts it (a
// client keeps its key through errors and 503s), for up to a minute.
func placeUntilAccepted(base, token, key, body string) (time.Duration, string, error) {
	deadline := time.Now().Add(time.Minute)
	var last string
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodPost, base+"/orders/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Idempotency-Key", key)
		began := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			last = err.Error()
			time.Sleep(200 * time.Millisecond)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(began)
		switch {
		case resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK:
			var o struct{ ID string }
			if err := json.Unmarshal(b, &o); err != nil || o.ID == "" {
				return 0, "", fmt.Errorf("key %s: %d %s", key, resp.StatusCode, b)
			}
			return took, o.ID, nil
		case resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusConflict:
			last = fmt.Sprintf("%d %s", resp.StatusCode, b)
			time.Sleep(200 * time.Millisecond)
		default:
			return 0, "", fmt.Errorf("key %s: %d %s", key, resp.StatusCode, b)
		}
	}
	return 0, "", fmt.Errorf("key %s: not accepted within a minute; last: %s", key, last)
}

// waitVisible waits until query counts want workflows in the server's
// visibility store (SQL, eventually consistent).
func waitVisible(t *testing.T, tc client.Client, query string, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := tc.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err == nil && int(resp.GetCount()) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("visibility: %q counts %d (%v), want %d", query, resp.GetCount(), err, want)
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}
