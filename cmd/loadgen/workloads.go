package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// workloadRunners are the workloads against the platform's HTTP API.
var workloadRunners = map[string]func(ctx context.Context, b *bench, r *result) error{
	"place":    runPlace,
	"confirm":  runConfirm,
	"webhooks": runWebhooks,
	"read":     runRead,
	"mix":      runMix,
	"rate":     runRate,
	"catalog":  runCatalog,
	"lists":    runLists,

	"orders":      runChaosOrders,
	"oversell":    runOversell,
	"idempotency": runIdempotency,
}

// post places one order as customer i, recording it under "POST /orders".
func (b *bench) post(ctx context.Context, r *result, i int) (placedOrder, error) {
	c := b.customers[i%len(b.customers)]
	p := placedOrder{sent: time.Now()}
	err := r.timed(ctx, "POST /orders", func() (err error) {
		p.order, err = c.placeOrder(ctx, b.key(), b.lines())
		return err
	})
	if err == nil {
		c.placed(p.ID)
		b.placed.Add(1)
		b.mu.Lock()
		b.unsettled = append(b.unsettled, p)
		b.mu.Unlock()
	}
	return p, err
}

func runPlace(ctx context.Context, b *bench, r *result) error {
	before := b.cpu()
	r.elapsed = b.closedLoop(ctx, r, func(ctx context.Context, i int) error {
		_, err := b.post(ctx, r, i)
		return err
	})
	accepted := len(r.op("POST /orders").latencies)
	r.figures = append(r.figures, figure{Key: "place.accepted_per_s", Label: "POST /orders accepted", Unit: "/s", Value: float64(accepted) / r.elapsed.Seconds()})
	r.figures = append(r.figures, b.resourceFigures("place", before, float64(accepted), "accepted order")...)
	return nil
}

// runConfirm places orders in a closed loop for the run's duration, then
// waits until every one is confirmed: the rate is orders confirmed over the
// time from the first POST to the last confirmation (the database's
// timestamps), so a backlog the engine has not worked off counts against it.
func runConfirm(ctx context.Context, b *bench, r *result) error {
	before := b.cpu()
	p, err := b.confirmPhase(ctx, r)
	if err != nil {
		return err
	}
	r.elapsed = time.Since(p.start)
	// The confirmation e-mails are part of an order's cost: CPU is read once
	// they are sent (confirmPhase settles).
	r.figures = append(r.figures, b.resourceFigures("confirm", before, float64(p.confirmed), "confirmed order")...)
	r.figures = append(r.figures,
		figure{Key: "confirm.confirmed_per_s", Label: "orders reaching confirmed", Unit: "/s", Value: p.rate},
		figure{Key: "confirm.not_confirmed", Label: "orders failed, cancelled or stuck", Unit: "", Value: float64(p.outcome.failed + p.outcome.stuck)},
	)
	if p.last.ID != "" {
		events, err := b.historyEvents(ctx, p.last.ID)
		if err != nil {
			return err
		}
		r.figures = append(r.figures, figure{Key: "confirm.history_events", Label: "history events per order to confirmed (e-mail incl.)", Value: float64(events)})
	}
	return nil
}

// phase is one closed-loop run of orders to confirmed.
type phase struct {
	start, stopped time.Time // of the load
	outcome        confirmOutcome
	confirmed      int
	rate           float64     // orders confirmed per second, from the first POST to the last confirmation
	last           placedOrder // the last order placed
}

// confirmPhase places orders in a closed loop for -duration, waits until
// each is confirmed, and settles (unmeasured) before returning.
func (b *bench) confirmPhase(ctx context.Context, r *result) (phase, error) {
	p := phase{start: time.Now()}
	b.closedLoop(ctx, r, func(ctx context.Context, i int) error {
		_, err := b.post(ctx, r, i)
		return err
	})
	p.stopped = time.Now()
	placed := b.placedThisRun()
	var err error
	if p.outcome, err = b.waitConfirmed(ctx, placed, 2*time.Minute); err != nil {
		return p, err
	}
	timing, err := b.confirmTimes(ctx, placed)
	if err != nil {
		return p, err
	}
	p.confirmed = timing.confirmed
	if span := timing.last.Sub(p.start).Seconds(); span > 0 {
		p.rate = float64(timing.confirmed) / span
	}
	if len(placed) > 0 {
		p.last = placed[len(placed)-1]
	}
	return p, b.settle(ctx)
}

type placedOrder struct {
	order
	sent time.Time // when its POST was sent
}

func runRead(ctx context.Context, b *bench, r *result) error {
	if err := b.ensureOrders(ctx, r); err != nil {
		return err
	}
	before := b.cpu()
	r.elapsed = b.closedLoop(ctx, r, func(ctx context.Context, i int) error { return b.read(ctx, r, i) })
	reads := r.op("GET /orders/{id}")
	r.figures = append(r.figures,
		figure{Key: "read.per_s", Label: "GET /orders/{id}", Unit: "/s", Value: float64(len(reads.latencies)) / r.elapsed.Seconds()},
		figure{Key: "read.p99_ms", Label: "GET /orders/{id} p99", Unit: "ms", Value: summarize(reads.latencies).P99})
	r.figures = append(r.figures, b.resourceFigures("read", before, 0, "")...)
	return nil
}

func (b *bench) read(ctx context.Context, r *result, i int) error {
	c := b.customers[i%len(b.customers)]
	id, _ := c.anyOrder()
	return r.timed(ctx, "GET /orders/{id}", func() error {
		_, err := c.getOrder(ctx, id)
		return err
	})
}

// ensureOrders gives every customer an order to read.
func (b *bench) ensureOrders(ctx context.Context, r *result) error {
	for i, c := range b.customers {
		if _, ok := c.anyOrder(); ok {
			continue
		}
		if _, err := b.post(ctx, r, i); err != nil {
			return fmt.Errorf("place an order to read: %w", err)
		}
	}
	delete(r.ops, "POST /orders")
	return nil
}

func runMix(ctx context.Context, b *bench, r *result) error {
	if err := b.ensureOrders(ctx, r); err != nil {
		return err
	}
	before := b.cpu()
	r.elapsed = b.closedLoop(ctx, r, func(ctx context.Context, i int) error {
		switch n := rand.IntN(10); {
		case n < 2:
			_, err := b.post(ctx, r, i)
			return err
		case n < 8:
			return b.read(ctx, r, i)
		default:
			return r.timed(ctx, "GET /orders", func() error { return b.customers[i%len(b.customers)].listOrders(ctx) })
		}
	})
	total := 0
	for _, s := range r.ops {
		total += len(s.latencies)
	}
	r.figures = append(r.figures, figure{Key: "mix.per_s", Label: "requests (20% POST, 60% GET, 20% list)", Unit: "/s", Value: float64(total) / r.elapsed.Seconds()})
	r.figures = append(r.figures, b.resourceFigures("mix", before, 0, "")...)
	return nil
}

// runRate places orders at a fixed arrival rate (open loop: an arrival does
// not wait for the one before), then times each from placed to confirmed.
func runRate(ctx context.Context, b *bench, r *result) error {
	start := time.Now()
	if err := b.openLoop(ctx, r, b.o.rate, b.o.duration); err != nil {
		return err
	}
	r.elapsed = time.Since(start)
	placed := b.placedThisRun()
	if _, err := b.waitConfirmed(ctx, placed, 2*time.Minute); err != nil {
		return err
	}
	timing, err := b.confirmTimes(ctx, placed)
	if err != nil {
		return err
	}
	label := fmt.Sprintf("at %.0f orders/s", b.o.rate)
	r.figures = append(r.figures,
		figure{Key: "rate.to_confirmed_p50_ms", Label: "POST to confirmed p50 " + label, Unit: "ms", Value: timing.latency.P50},
		figure{Key: "rate.to_confirmed_p99_ms", Label: "POST to confirmed p99 " + label, Unit: "ms", Value: timing.latency.P99},
		figure{Key: "rate.confirmed", Label: "confirmed of placed", Unit: fmt.Sprintf("of %d", len(placed)), Value: float64(timing.confirmed)},
	)
	return nil
}
