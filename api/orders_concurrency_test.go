package api_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/google/uuid"
)

func TestIdempotentPlacement(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	mug := p.newProduct(1290, "EUR", 100)
	_, token := p.newUser(false, true)
	key := uuid.NewString()
	body := orderBody("tok_approve", line(mug.ID, 1))

	code, first := p.placeWithKey(token, key, body)
	if code != http.StatusCreated {
		t.Fatalf("first: %d", code)
	}
	code, again := p.placeWithKey(token, key, body)
	if code != http.StatusCreated || again.ID != first.ID {
		t.Fatalf("retry: %d, id %s vs %s", code, again.ID, first.ID)
	}
	if code, _ := p.placeWithKey(token, key, orderBody("tok_approve", line(mug.ID, 2))); code != http.StatusUnprocessableEntity {
		t.Fatalf("same key, other body: %d, want 422", code)
	}
	// Keys are per customer: another customer's identical key is a new order.
	_, other := p.newUser(false, true)
	if code, o := p.placeWithKey(other, key, body); code != http.StatusCreated || o.ID == first.ID {
		t.Fatalf("other customer, same key: %d %s", code, o.ID)
	}

	// Concurrent duplicates create one order.
	key = uuid.NewString()
	const n = 20
	ids := make([]string, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := p.api.Do(http.MethodPost, "/api/v1/orders", "Authorization: Bearer "+token, "Idempotency-Key: "+key, body)
			codes[i] = resp.Code
			var o order
			if resp.Code == http.StatusCreated {
				decode(t, resp.Body.Bytes(), &o)
			}
			ids[i] = o.ID
		}()
	}
	wg.Wait()
	for i := range n {
		if codes[i] != http.StatusCreated || ids[i] != ids[0] {
			t.Fatalf("duplicate %d: %d %s, first %s", i, codes[i], ids[i], ids[0])
		}
	}
	var count int
	if err := p.pool.QueryRow(p.ctx(), "SELECT count(*) FROM orders WHERE idempotency_key = $1", key).Scan(&count); err != nil || count != 1 {
		t.Fatalf("%d orders for one key (%v)", count, err)
	}
	p.waitStatus(token, ids[0], "confirmed")
}

// TestScarceStock: many customers order the last units at once; exactly as
// many orders are confirmed as there were units, the rest fail, and stock
// never goes negative.
func TestScarceStock(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	const units, buyers = 5, 20
	lamp := p.newProduct(4990, "EUR", units)
	tokens := make([]string, buyers)
	for i := range tokens {
		_, tokens[i] = p.newUser(false, true)
	}
	ids := make([]string, buyers)
	var wg sync.WaitGroup
	for i := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := p.api.Do(http.MethodPost, "/api/v1/orders", "Authorization: Bearer "+tokens[i],
				"Idempotency-Key: "+uuid.NewString(), orderBody("tok_approve", line(lamp.ID, 1)))
			if resp.Code != http.StatusCreated {
				t.Errorf("buyer %d: %d", i, resp.Code)
				return
			}
			var o order
			decode(t, resp.Body.Bytes(), &o)
			ids[i] = o.ID
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	confirmed, failed := 0, 0
	for i, id := range ids {
		o := p.waitSettled(tokens[i], id)
		switch o.Status {
		case "confirmed":
			confirmed++
		case "failed":
			failed++
		default:
			t.Fatalf("order %s ended %s", id, o.Status)
		}
	}
	if confirmed != units || failed != buyers-units {
		t.Fatalf("%d confirmed and %d failed, want %d and %d", confirmed, failed, units, buyers-units)
	}
	if got := p.product(lamp.ID); got.Reserved != units || got.OnHand != units || got.Available != 0 {
		t.Fatalf("stock %+v", got)
	}
}
