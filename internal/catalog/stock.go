package catalog

import (
	"context"
	"errors"
	"math"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// adjustmentsShown is how many adjustments ListAdjustments returns.
const adjustmentsShown = 100

// MaxOnHand is the most stock a product can have on hand (the column's range).
const MaxOnHand = math.MaxInt32

// AdjustStock adds (delta > 0) or removes stock on hand, recording who and
// why in the same transaction. Going below what orders hold is
// ErrStockBelowReserved (the database's own check decides); going above
// MaxOnHand is ErrTooMuchStock, checked before the sum reaches SQL.
func (s *Service) AdjustStock(ctx context.Context, actor, id uuid.UUID, delta int32, reason string) (Product, error) {
	if delta == 0 {
		return Product{}, ErrZeroDelta
	}
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
			ProductID: id, Delta: delta, OnHandAfter: inv.OnHand, Reason: reason, ActorID: &actor,
		})
		return err
	})
	switch {
	case errors.Is(err, db.ErrNotFound):
		return Product{}, ErrNotFound
	case db.Violates(err, "inventory_reserved_within_on_hand"):
		return Product{}, ErrStockBelowReserved
	case err != nil:
		return Product{}, err
	}
	return s.Get(ctx, id)
}

// Adjustments returns a product's latest adjustments, newest first.
func (s *Service) Adjustments(ctx context.Context, id uuid.UUID) ([]StockAdjustment, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Q().ListStockAdjustments(ctx, db.ListStockAdjustmentsParams{ProductID: id, Limit: adjustmentsShown})
	if err != nil {
		return nil, err
	}
	out := make([]StockAdjustment, len(rows))
	for i, r := range rows {
		out[i] = adjustmentFromDB(r)
	}
	return out, nil
}

// EnsureProduct adds a product by SKU if it is missing (name and description
// are refreshed), with stock only when new: safe to run again, as the demo
// seed does.
func (s *Service) EnsureProduct(ctx context.Context, p NewProduct) error {
	return s.db.InTx(ctx, func(q *db.Queries) error {
		row, err := q.UpsertProductBySKU(ctx, db.UpsertProductBySKUParams{
			Sku: p.SKU, Name: p.Name, Description: p.Description, PriceCents: p.PriceCents, Currency: p.Currency,
		})
		if err != nil {
			return err
		}
		return q.CreateInventory(ctx, db.CreateInventoryParams{ProductID: row.ID, OnHand: p.InitialStock})
	})
}
