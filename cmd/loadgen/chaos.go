package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The chaos workloads: clients that behave as real ones do under faults
// (retry under the same Idempotency-Key until they get an answer), then a
// check, from the database, that nothing was duplicated, lost or left
// stuck, and that stock matches the orders. `make chaos` runs them while it
// kills and freezes the platform's parts.

// chaosTally is what the clients saw.
type chaosTally struct {
	mu       sync.Mutex
	statuses map[int]int         // every answer, by status (0: no answer)
	orderIDs map[string][]string // by key: the distinct order IDs answered
	sent     atomic.Int64        // orders attempted (keys)
	gaveUp   atomic.Int64        // keys never answered 2xx before the deadline
	// outage is the longest time a client went without a 2xx.
	outage time.Duration
	// posts is every answered POST: when it was sent, how long it took.
	posts []sentPost
}

type sentPost struct {
	at   time.Time
	took time.Duration
}

func (t *chaosTally) posted(at time.Time, took time.Duration) {
	t.mu.Lock()
	t.posts = append(t.posts, sentPost{at, took})
	t.mu.Unlock()
}

// duringFaults summarizes the POSTs sent while a fault lasted, by the
// chaos script's record of them (-faults: lines "begin UNIXTIME" and "end
// UNIXTIME"); false when none is recorded.
func (t *chaosTally) duringFaults(path string) (latencySummary, bool, error) {
	if path == "" {
		return latencySummary{}, false, nil
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return latencySummary{}, false, nil
	}
	if err != nil {
		return latencySummary{}, false, err
	}
	var windows [][2]time.Time
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		what, at, _ := strings.Cut(line, " ")
		secs, err := strconv.ParseFloat(at, 64)
		if err != nil {
			return latencySummary{}, false, fmt.Errorf("%s: %q", path, line)
		}
		when := time.Unix(0, int64(secs*float64(time.Second)))
		switch {
		case what == "begin":
			windows = append(windows, [2]time.Time{when, {}})
		case what == "end" && len(windows) > 0:
			windows[len(windows)-1][1] = when
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var ds []time.Duration
	for _, p := range t.posts {
		for _, w := range windows {
			if !p.at.Before(w[0]) && (w[1].IsZero() || p.at.Before(w[1])) {
				ds = append(ds, p.took)
				break
			}
		}
	}
	return summarize(ds), len(windows) > 0, nil
}

func (t *chaosTally) answer(status int) {
	t.mu.Lock()
	t.statuses[status]++
	t.mu.Unlock()
}

func (t *chaosTally) accepted(key, id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !slices.Contains(t.orderIDs[key], id) {
		t.orderIDs[key] = append(t.orderIDs[key], id)
	}
}

func (t *chaosTally) waited(d time.Duration) {
	t.mu.Lock()
	t.outage = max(t.outage, d)
	t.mu.Unlock()
}

// allowed says whether the API may answer status under chaos: a success, a
// conflict, "too many requests" or "unavailable"; no answer at all only
// while the API itself is being killed.
func allowed(status int, allowNoAnswer bool) bool {
	switch {
	case status/100 == 2, status == http.StatusConflict, status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable:
		return true
	case status == 0:
		return allowNoAnswer
	}
	return false
}

// placeUntilAnswered places one order as a client under faults would: the
// same key and body on every retry, backing off, until a 2xx or the deadline.
// Every attempt's latency is the run's POST /orders.
func (b *bench) placeUntilAnswered(ctx context.Context, r *result, t *chaosTally, i int, key string, lines []orderLine, deadline time.Time) {
	c := b.customers[i%len(b.customers)]
	t.sent.Add(1)
	start := time.Now()
	wait := 100 * time.Millisecond
	for {
		var o order
		at := time.Now()
		err := r.timed(ctx, "POST /orders", func() (err error) {
			o, err = c.placeOrder(ctx, key, lines)
			return err
		})
		if statusOf(err) != 0 || err == nil {
			t.posted(at, time.Since(at))
		}
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			t.answer(http.StatusCreated)
			t.accepted(key, o.ID)
			t.waited(time.Since(start))
			c.placed(o.ID)
			return
		}
		t.answer(statusOf(err))
		if time.Now().After(deadline) {
			t.gaveUp.Add(1)
			return
		}
		if sleep(ctx, wait) != nil {
			return
		}
		wait = min(wait*2, 2*time.Second)
	}
}

// chaosCheck is the verdict of one chaos workload, from the database.
type chaosCheck struct {
	sent, accepted, confirmed, failed int
	duplicated, lost, stuck           int
	stockMismatches                   []string
	badStatuses                       map[int]int
	recovery                          time.Duration
	longestWait                       time.Duration
}

func (c chaosCheck) ok() bool {
	return c.duplicated == 0 && c.lost == 0 && c.stuck == 0 && len(c.stockMismatches) == 0 && len(c.badStatuses) == 0
}

func (c chaosCheck) print(w io.Writer, name string) {
	verdict := "PASS"
	if !c.ok() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "\n%s: %s\n", name, verdict)
	fmt.Fprintf(w, "  %-34s %d\n", "orders sent", c.sent)
	fmt.Fprintf(w, "  %-34s %d\n", "accepted (2xx)", c.accepted)
	fmt.Fprintf(w, "  %-34s %d\n", "confirmed", c.confirmed)
	fmt.Fprintf(w, "  %-34s %d\n", "failed (out of stock, declined)", c.failed)
	fmt.Fprintf(w, "  %-34s %d\n", "duplicated", c.duplicated)
	fmt.Fprintf(w, "  %-34s %d\n", "lost", c.lost)
	fmt.Fprintf(w, "  %-34s %d\n", "stuck", c.stuck)
	fmt.Fprintf(w, "  %-34s %s\n", "stock matches the orders", yesNo(len(c.stockMismatches) == 0, c.stockMismatches))
	fmt.Fprintf(w, "  %-34s %s\n", "answers other than 2xx/409/429/503", errorText(c.badStatuses))
	fmt.Fprintf(w, "  %-34s %.1fs\n", "longest a client waited for a 2xx", c.longestWait.Seconds())
	fmt.Fprintf(w, "  %-34s %.1fs\n", "time to recover (load end to settled)", c.recovery.Seconds())
}

func yesNo(ok bool, why []string) string {
	if ok {
		return "yes"
	}
	return fmt.Sprintf("no: %v", why)
}

// verify waits until every order of this run has settled (confirmed or
// failed), for up to limit, then checks the database against what the
// clients were told.
func (b *bench) verify(ctx context.Context, t *chaosTally, loadEnd time.Time, limit time.Duration, allowNoAnswer bool) (chaosCheck, error) {
	pool, err := pgxpool.New(ctx, b.o.database)
	if err != nil {
		return chaosCheck{}, err
	}
	defer pool.Close()
	prefix := "load-" + b.runID + "-%"
	var c chaosCheck
	deadline := time.Now().Add(limit)
	for {
		var open int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM orders WHERE idempotency_key LIKE $1 AND status IN ('pending', 'awaiting_approval')`, prefix).Scan(&open)
		if err == nil && open == 0 {
			break
		}
		if time.Now().After(deadline) {
			c.stuck = open
			break
		}
		if err := sleep(ctx, 250*time.Millisecond); err != nil {
			return c, err
		}
	}
	c.recovery = time.Since(loadEnd)

	t.mu.Lock()
	defer t.mu.Unlock()
	c.sent, c.longestWait = int(t.sent.Load()), t.outage
	keys := make([]string, 0, len(t.orderIDs))
	for key, ids := range t.orderIDs {
		keys = append(keys, key)
		if len(ids) > 1 {
			c.duplicated += len(ids) - 1 // one key answered with two orders
		}
	}
	c.accepted = len(keys)
	c.badStatuses = map[int]int{}
	for status, n := range t.statuses {
		if !allowed(status, allowNoAnswer) {
			c.badStatuses[status] = n
		}
	}

	var dupKeys, found int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM orders WHERE idempotency_key LIKE $1 GROUP BY customer_id, idempotency_key HAVING count(*) > 1) d`, prefix).Scan(&dupKeys); err != nil {
		return c, err
	}
	c.duplicated += dupKeys
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM orders WHERE idempotency_key = ANY($1)`, keys).Scan(&found); err != nil {
		return c, err
	}
	c.lost = len(keys) - found
	if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'confirmed'), count(*) FILTER (WHERE status = 'failed')
		FROM orders WHERE idempotency_key LIKE $1`, prefix).Scan(&c.confirmed, &c.failed); err != nil {
		return c, err
	}
	// Every unit reserved is held by a confirmed order, and nothing left the shelf.
	rows, err := pool.Query(ctx, `
		SELECT p.sku, i.on_hand, i.reserved,
		       coalesce((SELECT sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id
		                 WHERE l.product_id = p.id AND o.status = 'confirmed'), 0)
		FROM products p JOIN inventory i ON i.product_id = p.id
		WHERE p.sku LIKE $1`, "LOAD-"+b.runID+"-%")
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var sku string
		var onHand, reserved, held int64
		if err := rows.Scan(&sku, &onHand, &reserved, &held); err != nil {
			return c, err
		}
		if reserved != held || onHand != b.stock[sku] {
			c.stockMismatches = append(c.stockMismatches, fmt.Sprintf("%s: on hand %d (want %d), reserved %d, held by confirmed orders %d", sku, onHand, b.stock[sku], reserved, held))
		}
	}
	return c, rows.Err()
}

// runChaosOrders is the closed loop of clients placing orders through
// whatever the chaos script does meanwhile; it fails unless the check holds.
// With -pace, the clients start at most that many orders a second between
// them, as customers who do not order faster when the API answers faster:
// a fault that makes the API quicker (Temporal down: orders wait in the
// outbox) then leaves the backlog real traffic would.
func runChaosOrders(ctx context.Context, b *bench, r *result) error {
	t := &chaosTally{statuses: map[int]int{}, orderIDs: map[string][]string{}}
	deadline := time.Now().Add(b.o.duration + b.o.recovery)
	var pace <-chan time.Time
	if b.o.pace > 0 {
		tick := time.NewTicker(time.Duration(float64(time.Second) / b.o.pace))
		defer tick.Stop()
		pace = tick.C
	}
	r.elapsed = b.closedLoop(ctx, r, func(loopCtx context.Context, i int) error {
		if pace != nil {
			select {
			case <-pace:
			case <-loopCtx.Done():
			}
		}
		if loopCtx.Err() != nil {
			return nil
		}
		// The order is retried past the load's end: a client keeps its promise.
		b.placeUntilAnswered(ctx, r, t, i, b.key(), b.lines(), deadline)
		return nil
	})
	_, err := b.chaosVerdict(ctx, r, t, time.Now())
	return err
}

// chaosVerdict checks and prints what became of the orders; an error
// unless the check holds.
func (b *bench) chaosVerdict(ctx context.Context, r *result, t *chaosTally, loadEnd time.Time) (chaosCheck, error) {
	check, err := b.verify(ctx, t, loadEnd, b.o.recovery, b.o.allowNoAnswer)
	if err != nil {
		return check, fmt.Errorf("verify: %w", err)
	}
	check.print(b.out, r.name)
	if faulty, ok, err := t.duringFaults(b.o.faults); err != nil {
		return check, err
	} else if ok {
		fmt.Fprintf(b.out, "  %-34s %d; p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", "POST /orders while the fault lasted", faulty.N, faulty.P50, faulty.P99, faulty.Max)
	}
	if !check.ok() {
		return check, fmt.Errorf("%s: the platform lost, duplicated or stuck orders, or answered what it must not", r.name)
	}
	return check, nil
}

// oversellStock is the oversell storm's stock: far fewer units than buyers.
const oversellStock = 25

// runOversell: every client orders one unit of one scarce product, many
// times over; exactly the stock is confirmed, every other order fails, and
// nothing stays reserved by a failed one.
func runOversell(ctx context.Context, b *bench, r *result) error {
	sku := fmt.Sprintf("LOAD-%s-scarce-%d", b.runID, b.seq.Add(1))
	id, err := b.admin.createProduct(ctx, sku, oversellStock)
	if err != nil {
		return err
	}
	b.stock[sku] = oversellStock
	t := &chaosTally{statuses: map[int]int{}, orderIDs: map[string][]string{}}
	deadline := time.Now().Add(b.o.duration + b.o.recovery)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range b.o.clients {
		wg.Go(func() {
			for range oversellStock * 4 / b.o.clients {
				b.placeUntilAnswered(ctx, r, t, i, b.key(), []orderLine{{ProductID: id, Quantity: 1}}, deadline)
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	check, err := b.chaosVerdict(ctx, r, t, time.Now())
	if err != nil {
		return err
	}
	if check.confirmed != oversellStock {
		return fmt.Errorf("oversell storm: %d orders confirmed for %d units", check.confirmed, oversellStock)
	}
	return nil
}

// runIdempotency: every client sends the same order under the same key,
// at once and repeatedly; one order exists, and every answer names it.
func runIdempotency(ctx context.Context, b *bench, r *result) error {
	t := &chaosTally{statuses: map[int]int{}, orderIDs: map[string][]string{}}
	key, lines := b.key(), b.lines()
	deadline := time.Now().Add(b.o.duration + b.o.recovery)
	var wg sync.WaitGroup
	start := time.Now()
	for range b.o.clients {
		wg.Go(func() {
			for range 10 {
				// One customer for all: a key is the customer's own.
				b.placeUntilAnswered(ctx, r, t, 0, key, lines, deadline)
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	if _, err := b.chaosVerdict(ctx, r, t, time.Now()); err != nil {
		return err
	}
	if n := len(t.orderIDs[key]); n != 1 {
		return fmt.Errorf("idempotency storm: %d orders for one key", n)
	}
	return nil
}
