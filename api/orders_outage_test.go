package api_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestOrdersAcceptedWhileTemporalIsDown: orders placed during an outage are
// accepted (201, pending), kept, and all progress once Temporal is back.
// Only the first of them waits on Temporal: after its start failed, the
// next are left to the relay at once.
func TestOrdersAcceptedWhileTemporalIsDown(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	p := newPlatform(t, func(s *settings) {
		s.ownTemporal = true // it stops Temporal
		s.logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	mug := p.newProduct(1290, "EUR", 100)
	_, token := p.newUser(false, true)

	p.temporal.Stop(t)
	var ids []string
	for range 3 {
		code, o := p.place(token, orderBody("tok_approve", line(mug.ID, 1)))
		if code != http.StatusCreated || o.Status != "pending" {
			t.Fatalf("place during the outage: %d %+v", code, o)
		}
		ids = append(ids, o.ID)
	}
	for i, id := range ids {
		l := logs.find(t, "order accepted; its workflow starts when Temporal is reachable", func(l map[string]any) bool { return l["order_id"] == id })
		deferred := strings.HasPrefix(fmt.Sprint(l["error"]), "the last start failed")
		if deferred != (i > 0) {
			t.Fatalf("order %d of the outage: %v; want only the first to have tried Temporal", i+1, l["error"])
		}
	}
	for _, id := range ids {
		o, err := p.orders().Get(p.ctx(), uuid.MustParse(id))
		if err != nil || o.WorkflowStarted {
			t.Fatalf("order %s: started %v, err %v", id, o.WorkflowStarted, err)
		}
	}
	if code, _ := p.act(token, ids[0], "cancel"); code != http.StatusServiceUnavailable {
		t.Fatalf("cancel before the workflow exists: %d, want 503", code)
	}

	p.temporal.Start(t)
	for _, id := range ids {
		p.waitStatus(token, id, "confirmed")
	}
	if got := p.product(mug.ID); got.Reserved != 3 {
		t.Fatalf("reserved %d, want 3", got.Reserved)
	}
}

func TestListOrders(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.ownTemporal = true }) // it stops Temporal
	mug := p.newProduct(100, "EUR", 100)
	ann, annToken := p.newUser(false, true)
	_, bobToken := p.newUser(false, true)
	var annOrders []string
	for range 5 {
		_, o := p.place(annToken, orderBody("tok_approve", line(mug.ID, 1)))
		annOrders = append(annOrders, o.ID)
	}
	_, declined := p.place(bobToken, orderBody("tok_decline", line(mug.ID, 1)))
	p.waitStatus(bobToken, declined.ID, "failed")

	type page struct {
		Data       []order `json:"data"`
		NextCursor string  `json:"next_cursor"`
	}
	// Ann pages through her own orders, newest first, 2 at a time.
	var seen []string
	cursor := ""
	for {
		var pg page
		path := "/api/v1/orders/?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		if code := p.do(http.MethodGet, path, annToken, nil, &pg); code != http.StatusOK {
			t.Fatalf("list: %d", code)
		}
		for _, o := range pg.Data {
			if o.CustomerID != ann.ID {
				t.Fatalf("Ann sees someone else's order %+v", o)
			}
			seen = append(seen, o.ID)
		}
		if pg.NextCursor == "" {
			break
		}
		cursor = pg.NextCursor
	}
	if len(seen) != 5 {
		t.Fatalf("Ann saw %d orders, want 5", len(seen))
	}
	for i := range seen {
		if seen[i] != annOrders[4-i] {
			t.Fatalf("order %d is %s, want %s (newest first)", i, seen[i], annOrders[4-i])
		}
	}
	// The superuser sees everyone's, and filters.
	var all, failed page
	p.do(http.MethodGet, "/api/v1/orders/?limit=100", p.admin, nil, &all)
	p.do(http.MethodGet, "/api/v1/orders/?status=failed", p.admin, nil, &failed)
	if len(all.Data) != 6 || len(failed.Data) != 1 || failed.Data[0].ID != declined.ID {
		t.Fatalf("all %d, failed %+v", len(all.Data), failed.Data)
	}
	var annOnly page
	p.do(http.MethodGet, "/api/v1/orders/?customer_id="+ann.ID, p.admin, nil, &annOnly)
	if len(annOnly.Data) != 5 {
		t.Fatalf("customer filter: %d", len(annOnly.Data))
	}
	var none page
	p.do(http.MethodGet, "/api/v1/orders/?created_from=2999-01-01T00:00:00Z", p.admin, nil, &none)
	if len(none.Data) != 0 {
		t.Fatalf("created_from in the future: %d", len(none.Data))
	}
	for _, q := range []string{"status=lost", "limit=101", "cursor=not-a-cursor", "created_from=yesterday"} {
		if code := p.do(http.MethodGet, "/api/v1/orders/?"+q, p.admin, nil, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", q, code)
		}
	}
	if code := p.do(http.MethodGet, "/api/v1/orders/"+declined.ID+"/events", annToken, nil, nil); code != http.StatusNotFound {
		t.Fatalf("Ann reads Bob's events: %d", code)
	}
}
