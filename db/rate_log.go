package db

import (
	"context"
	"sync"
	"time"
)

// RateLog logs the attempts at rate-limited operations in PostgreSQL
// (rate_limit_attempts), so that a limit holds across every API replica,
// whichever one a request reaches. Times are the database's clock. The log
// forgets idle clients itself, at most once per window.
type RateLog struct {
	store *Store

	mu         sync.Mutex
	sweptUntil time.Time
}

// NewRateLog logs through store.
func NewRateLog(store *Store) *RateLog { return &RateLog{store: store} }

// Record logs one attempt by client at bucket, keeping the latest keep, and
// returns those made within the last window, oldest first, this one last.
func (l *RateLog) Record(ctx context.Context, bucket, client string, keep int, window time.Duration) ([]time.Time, error) {
	recent, err := l.store.Q().RecordRateLimitAttempt(ctx, RecordRateLimitAttemptParams{
		Bucket: bucket, Client: client, Keep: int32(min(keep, 1<<30)), WindowSeconds: window.Seconds(),
	})
	if err != nil {
		return nil, err
	}
	l.sweep(ctx, window)
	return recent, nil
}

// sweep deletes the logs of clients idle for a window; a failure is left to
// the next sweep.
func (l *RateLog) sweep(ctx context.Context, window time.Duration) {
	l.mu.Lock()
	due := time.Now().After(l.sweptUntil)
	if due {
		l.sweptUntil = time.Now().Add(window)
	}
	l.mu.Unlock()
	if due {
		_, _ = l.store.Q().DeleteRateLimitLogsBefore(ctx, window.Seconds())
	}
}
