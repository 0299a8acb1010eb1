package db

import (
	"context"
	"time"
)

// RateLog logs the attempts at rate-limited operations in PostgreSQL
// (rate_limit_attempts), so that a limit holds across every API replica,
// whichever one a request reaches. Times are the database's clock. Idle
// clients are forgotten by the clean-up job (Forget).
type RateLog struct {
	store *Store
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
	return recent, nil
}

// Forget deletes the logs of clients idle for longer than idle, a batch
// of rows per statement, and returns how many.
func (l *RateLog) Forget(ctx context.Context, idle time.Duration, batch int32) (int64, error) {
	return InBatches(ctx, batch, func(ctx context.Context, maxRows int32) (int64, error) {
		return l.store.Q().DeleteRateLimitLogsBefore(ctx, DeleteRateLimitLogsBeforeParams{AgeSeconds: idle.Seconds(), MaxRows: maxRows})
	})
}
