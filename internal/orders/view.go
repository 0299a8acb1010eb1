package orders

import (
	"time"

	"github.com/google/uuid"
)

// View is an order as the platform shows it: the body of GET
// /orders/{order_id} and the object of the order's events, one shape for
// both. It never carries the payment token.
type View struct {
	ID              uuid.UUID  `json:"id"`
	CustomerID      uuid.UUID  `json:"customer_id"`
	Status          Status     `json:"status"`
	Currency        string     `json:"currency"`
	TotalCents      int64      `json:"total_cents"`
	ShippingAddress Address    `json:"shipping_address"`
	Lines           []LineView `json:"lines" nullable:"false"`
	FailureReason   string     `json:"failure_reason,omitempty" doc:"Why it was cancelled or failed"`
	Version         int32      `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// LineView is a line as shown: SKU, name and price as they were then.
type LineView struct {
	ProductID      uuid.UUID `json:"product_id"`
	SKU            string    `json:"sku"`
	Name           string    `json:"name"`
	UnitPriceCents int64     `json:"unit_price_cents"`
	Quantity       int32     `json:"quantity"`
	LineTotalCents int64     `json:"line_total_cents"`
}

// ViewOf is the order as shown.
func ViewOf(o Order) View {
	v := View{
		ID: o.ID, CustomerID: o.CustomerID, Status: o.Status, Currency: o.Currency, TotalCents: o.TotalCents,
		ShippingAddress: o.ShippingAddress, FailureReason: o.FailureReason, Version: o.Version,
		CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(), Lines: make([]LineView, 0, len(o.Lines)),
	}
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, LineView{
			ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, UnitPriceCents: l.UnitPriceCents,
			Quantity: l.Quantity, LineTotalCents: l.TotalCents(),
		})
	}
	return v
}
