package db

import "context"

// InBatches runs a bounded delete (or update) until it touches fewer rows
// than batch, and returns how many it touched: each statement is its own
// short transaction, so no lock is held for long and a failure keeps what
// the earlier batches did.
func InBatches(ctx context.Context, batch int32, step func(ctx context.Context, maxRows int32) (int64, error)) (int64, error) {
	var total int64
	for {
		n, err := step(ctx, batch)
		total += n
		if err != nil || n < int64(batch) {
			return total, err
		}
	}
}
