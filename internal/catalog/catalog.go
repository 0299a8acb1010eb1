// Package catalog is the product catalog and its stock: products with their
// price, what is on hand and reserved (the database keeps
// 0 <= reserved <= on_hand), every operator adjustment, recorded, and what
// each order holds. Its Store is the only writer of inventory.
package catalog

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// The catalog's sentinel errors.
var (
	ErrNotFound = errors.New("product not found")
	ErrSKUTaken = errors.New("a product with this SKU already exists")
	// ErrStockBelowReserved: the adjustment would leave less on hand than
	// orders hold, or less than nothing.
	ErrStockBelowReserved = errors.New("that would leave less on hand than is reserved by orders (or below zero)")
	ErrZeroDelta          = errors.New("delta must not be 0")
	ErrTooMuchStock       = fmt.Errorf("that would put more than %d units on hand", MaxOnHand)
	// ErrOutOfStock: a line of an order cannot be reserved; nothing was.
	ErrOutOfStock = errors.New("out of stock")

	// errOrdered: orders reference the product, which is therefore kept.
	errOrdered = errors.New("orders reference the product")
)

// Product is a catalog entry with its stock.
type Product struct {
	ID          uuid.UUID
	SKU         string
	Name        string
	Description string
	PriceCents  int64
	Currency    string
	Active      bool
	// LowStockThreshold lists the product in the daily summary once what
	// is available falls to it; 0: never.
	LowStockThreshold int32
	OnHand            int32
	Reserved          int32
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Available is what can still be ordered.
func (p Product) Available() int32 { return p.OnHand - p.Reserved }

// StockAdjustment is one recorded change of on-hand stock.
type StockAdjustment struct {
	ID          int64
	Delta       int32
	OnHandAfter int32
	Reason      string
	ActorID     *uuid.UUID
	CreatedAt   time.Time
}

func productFromDB(p db.Product, onHand, reserved int32) Product {
	return Product{
		ID: p.ID, SKU: p.Sku, Name: p.Name, Description: p.Description, PriceCents: p.PriceCents,
		Currency: p.Currency, Active: p.Active, LowStockThreshold: p.LowStockThreshold, OnHand: onHand, Reserved: reserved,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

func adjustmentFromDB(a db.StockAdjustment) StockAdjustment {
	return StockAdjustment{ID: a.ID, Delta: a.Delta, OnHandAfter: a.OnHandAfter, Reason: a.Reason, ActorID: a.ActorID, CreatedAt: a.CreatedAt}
}
