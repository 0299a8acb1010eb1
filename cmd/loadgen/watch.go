package main

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// The bench watches its orders in the platform's database, not through the
// API: a watch that read each order until it was confirmed, then its
// timeline, made about three API requests per order, and the API's CPU per
// confirmed order counted them as the platform's.

// confirmOutcome counts what became of a set of orders.
type confirmOutcome struct{ confirmed, failed, stuck int }

// watchInterval is how often the watch looks, unless the whole batch it
// looked at had moved; watchBatch is how many orders, the oldest pending,
// it looks at: orders leave pending about in the order they were placed, so
// a look costs the database the same however many are still pending.
const (
	watchInterval = 50 * time.Millisecond
	watchBatch    = 100
)

// waitConfirmed waits until every order has left pending (confirmed, or
// ended otherwise), for up to limit; those still pending then are stuck.
func (b *bench) waitConfirmed(ctx context.Context, placed []placedOrder, limit time.Duration) (confirmOutcome, error) {
	var out confirmOutcome
	pending := make([]string, len(placed))
	for i, p := range placed {
		pending[i] = p.ID
	}
	deadline := time.Now().Add(limit)
	for len(pending) > 0 {
		batch := pending[:min(watchBatch, len(pending))]
		left, err := b.leftPending(ctx, batch, &out)
		if err != nil {
			return out, fmt.Errorf("watch orders: %w", err)
		}
		whole := len(left) == len(batch)
		pending = slices.DeleteFunc(pending, func(id string) bool { return left[id] })
		if whole {
			continue // the next batch may have moved already
		}
		if time.Now().After(deadline) {
			out.stuck = len(pending)
			break
		}
		if err := sleep(ctx, watchInterval); err != nil {
			return out, err
		}
	}
	return out, nil
}

// leftPending is which of ids have left pending, each counted in out.
func (b *bench) leftPending(ctx context.Context, ids []string, out *confirmOutcome) (map[string]bool, error) {
	rows, err := b.pool.Query(ctx, `SELECT id::text, status::text FROM orders WHERE id = ANY($1::uuid[]) AND status <> 'pending'`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	left := map[string]bool{}
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			return nil, err
		}
		left[id] = true
		if status == "failed" || status == "cancelled" {
			out.failed++
		} else {
			out.confirmed++
		}
	}
	return left, rows.Err()
}

// confirmTiming is when orders were confirmed, from their timelines.
type confirmTiming struct {
	confirmed int
	last      time.Time
	latency   latencySummary // from sending the POST to the confirmed entry's time (one machine, one clock)
}

// confirmTimes reads when each order was confirmed from its timeline.
func (b *bench) confirmTimes(ctx context.Context, placed []placedOrder) (confirmTiming, error) {
	var t confirmTiming
	sent := make(map[string]time.Time, len(placed))
	ids := make([]string, len(placed))
	for i, p := range placed {
		sent[p.ID], ids[i] = p.sent, p.ID
	}
	rows, err := b.pool.Query(ctx, `SELECT order_id::text, created_at FROM order_events WHERE order_id = ANY($1::uuid[]) AND to_status = 'confirmed'`, ids)
	if err != nil {
		return t, fmt.Errorf("read timelines: %w", err)
	}
	defer rows.Close()
	var latencies []time.Duration
	for rows.Next() {
		var id string
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return t, err
		}
		latencies = append(latencies, at.Sub(sent[id]))
		if at.After(t.last) {
			t.last = at
		}
	}
	if err := rows.Err(); err != nil {
		return t, fmt.Errorf("read timelines: %w", err)
	}
	t.confirmed, t.latency = len(latencies), summarize(latencies)
	return t, nil
}
