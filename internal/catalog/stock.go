package catalog

import (
	"context"
	"math"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// adjustmentsShown is how many adjustments Adjustments returns.
const adjustmentsShown = 100

// MaxOnHand is the most stock a product can have on hand (the column's range).
const MaxOnHand = math.MaxInt32

// adjustStock adds (delta > 0) or removes stock on hand, recording who and
// why in the same transaction. Going below what orders hold is
// ErrStockBelowReserved (the database's own check decides); going above
// MaxOnHand is ErrTooMuchStock, checked on the locked row before the sum
// reaches SQL.
func (s *Store) adjustStock(ctx context.Context, actor *uuid.UUID, id uuid.UUID, delta int32, reason string) error {
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		held, err := q.LockInventory(ctx, id)
		if err != nil {
			return err
		}
		if int64(held.OnHand)+int64(delta) > MaxOnHand {
			return ErrTooMuchStock
		}
		inv, err := q.AdjustOnHand(ctx, db.AdjustOnHandParams{ProductID: id, Delta: delta})
		if err != nil {
			return err
		}
		_, err = q.RecordStockAdjustment(ctx, db.RecordStockAdjustmentParams{
			ProductID: id, Delta: delta, OnHandAfter: inv.OnHand, Reason: reason, ActorID: actor,
		})
		return err
	})
	return dbErrors.Of(err)
}

// adjustments returns a product's latest adjustments, newest first.
func (s *Store) adjustments(ctx context.Context, id uuid.UUID) ([]StockAdjustment, error) {
	rows, err := s.db.Q().ListStockAdjustments(ctx, db.ListStockAdjustmentsParams{ProductID: id, Limit: adjustmentsShown})
	if err != nil {
		return nil, dbErrors.Of(err)
	}
	out := make([]StockAdjustment, len(rows))
	for i, r := range rows {
		out[i] = adjustmentFromDB(r)
	}
	return out, nil
}
