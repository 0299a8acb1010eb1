package db_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/testenv"
)

// TestRateLogAdmitsTheLimitUnderConcurrency: twenty attempts at once, from
// as many connections, each see the ones logged before them, so exactly
// five find room under a limit of five; each gets its own attempt last.
func TestRateLogAdmitsTheLimitUnderConcurrency(t *testing.T) {
	pool, _ := testenv.NewPool(t)
	log := db.NewRateLog(db.NewStore(pool))
	const limit, attempts = 5, 20
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		admitted int
		seen     = map[time.Time]bool{}
	)
	for range attempts {
		wg.Go(func() {
			recent, err := log.Record(t.Context(), "login", "192.0.2.1", limit+1, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if len(recent) == 0 || len(recent) > limit+1 || !slices.IsSortedFunc(recent, time.Time.Compare) {
				t.Errorf("recent attempts %v: want 1 to %d, oldest first", recent, limit+1)
				return
			}
			if own := recent[len(recent)-1]; seen[own] {
				t.Errorf("two attempts returned %s as their own", own)
			} else {
				seen[own] = true
			}
			if len(recent) <= limit {
				admitted++
			}
		})
	}
	wg.Wait()
	if admitted != limit {
		t.Fatalf("%d of %d concurrent attempts found room under a limit of %d", admitted, attempts, limit)
	}
}

// TestRateLogForgets: attempts older than the window are not returned, and
// Forget removes the clients idle for longer than it is given, in batches.
func TestRateLogForgets(t *testing.T) {
	pool, _ := testenv.NewPool(t)
	store := db.NewStore(pool)
	const window = time.Second
	record := func(log *db.RateLog, client string) []time.Time {
		recent, err := log.Record(t.Context(), "signup", client, 3, window)
		if err != nil {
			t.Fatal(err)
		}
		return recent
	}
	log := db.NewRateLog(store)
	record(log, "192.0.2.1")
	record(log, "192.0.2.1")
	time.Sleep(window + 100*time.Millisecond)
	if recent := record(log, "192.0.2.1"); len(recent) != 1 {
		t.Fatalf("after a window: %d recent attempts, want 1 (this one)", len(recent))
	}
	record(log, "192.0.2.2")
	record(log, "192.0.2.4")
	time.Sleep(window + 100*time.Millisecond)
	record(log, "192.0.2.3")
	if n, err := log.Forget(t.Context(), window, 1); err != nil || n != 3 {
		t.Fatalf("forgot %d clients (%v), want 3", n, err)
	}
	rows, _ := pool.Query(t.Context(), "SELECT client FROM rate_limit_attempts ORDER BY client")
	clients, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || !slices.Equal(clients, []string{"192.0.2.3"}) {
		t.Fatalf("after Forget: %v (%v), want only the client just seen", clients, err)
	}
}
