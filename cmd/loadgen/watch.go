package main

import (
	"context"
	"fmt"
	"time"
)

// The bench watches its orders in the platform's database, not through the
// API: a watch that read each order until it was confirmed, then its
// timeline, made about three API requests per order, and the API's CPU per
// confirmed order counted them as the platform's.

// confirmOutcome counts what became of a set of orders.
type confirmOutcome struct{ confirmed, failed, stuck int }

// watchInterval is how often the watch reads the orders still pending.
const watchInterval = 50 * time.Millisecond

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
		rows, err := b.pool.Query(ctx, `SELECT id::text, status::text FROM orders WHERE id = ANY($1::uuid[]) AND status <> 'pending'`, pending)
		if err != nil {
			return out, fmt.Errorf("watch orders: %w", err)
		}
		left := map[string]bool{}
		for _, id := range pending {
			left[id] = true
		}
		for rows.Next() {
			var id, status string
			if err := rows.Scan(&id, &status); err != nil {
				return out, err
			}
			delete(left, id)
			if status == "failed" || status == "cancelled" {
				out.failed++
			} else {
				out.confirmed++
			}
		}
		if err := rows.Err(); err != nil {
			return out, fmt.Errorf("watch orders: %w", err)
		}
		pending = pending[:0]
		for id := range left {
			pending = append(pending, id)
		}
		if len(pending) == 0 {
			break
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
