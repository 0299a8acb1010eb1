package db

import (
	"context"
	"sync"
	"time"
)

// RateCounter counts rate-limited requests in PostgreSQL (rate_limit_hits),
// so that a limit holds across every API replica, whichever one a request
// reaches. Windows are aligned on the database's clock. The counter deletes
// ended windows itself, at most once per window.
type RateCounter struct {
	store *Store

	mu         sync.Mutex
	sweptUntil time.Time
}

// NewRateCounter counts through store.
func NewRateCounter(store *Store) *RateCounter { return &RateCounter{store: store} }

// Hit counts one request from client to bucket in the current window and
// returns the window's count and how long until it ends.
func (c *RateCounter) Hit(ctx context.Context, bucket, client string, window time.Duration) (int, time.Duration, error) {
	row, err := c.store.Q().CountRateLimitHit(ctx, CountRateLimitHitParams{
		Bucket: bucket, Client: client, WindowSeconds: window.Seconds(),
	})
	if err != nil {
		return 0, 0, err
	}
	c.sweep(ctx, window)
	return int(row.Hits), time.Duration(row.EndsInSeconds * float64(time.Second)), nil
}

// sweep deletes the windows that ended a window ago or earlier; a failure
// is left to the next sweep.
func (c *RateCounter) sweep(ctx context.Context, window time.Duration) {
	c.mu.Lock()
	due := time.Now().After(c.sweptUntil)
	if due {
		c.sweptUntil = time.Now().Add(window)
	}
	c.mu.Unlock()
	if due {
		_, _ = c.store.Q().DeleteRateLimitHitsBefore(ctx, 2*window.Seconds())
	}
}
