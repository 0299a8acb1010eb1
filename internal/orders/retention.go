package orders

import (
	"context"
	"time"

	"github.com/acme/orders/db"
)

// retentionBatch is how many rows one clean-up statement touches.
const retentionBatch = 1000

// ClearIdempotencyKeys forgets the Idempotency-Keys of the orders placed
// before before: a retry under one of them then places a new order. The
// orders themselves stay, their updated_at too.
func (s *Store) ClearIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	n, err := db.InBatches(ctx, retentionBatch, func(ctx context.Context, maxRows int32) (int64, error) {
		return s.db.Q().ClearIdempotencyKeys(ctx, db.ClearIdempotencyKeysParams{Before: before, MaxRows: maxRows})
	})
	return n, dbErrors.Of(err)
}

// PurgeProviderEvents forgets the payment provider's events taken before
// before: the provider stops redelivering an event within days, so a
// redelivery is no longer expected.
func (s *Store) PurgeProviderEvents(ctx context.Context, before time.Time) (int64, error) {
	n, err := db.InBatches(ctx, retentionBatch, func(ctx context.Context, maxRows int32) (int64, error) {
		return s.db.Q().PurgeProviderEvents(ctx, db.PurgeProviderEventsParams{Before: before, MaxRows: maxRows})
	})
	return n, dbErrors.Of(err)
}
