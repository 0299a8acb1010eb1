package orders

import (
	"time"

	"github.com/google/uuid"
)

// View is an order as the platform shows it: the body of GET
// /orders/{order_id} and the object of the order's events, one shape for
// both. It never carries the payment token.
type View struct {
	ID              uuid.UUID     `json:"id"`
	CustomerID      uuid.UUID     `json:"customer_id"`
	Status          Status        `json:"status"`
	Currency        string        `json:"currency"`
	TotalCents      int64         `json:"total_cents"`
	ShippingAddress Address       `json:"shipping_address"`
	Lines           []LineView    `json:"lines" nullable:"false"`
	Payment         *PaymentView  `json:"payment,omitempty" doc:"The payment, once authorized"`
	Shipment        *ShipmentView `json:"shipment,omitempty" doc:"The shipment, once requested from the carrier"`
	Returns         []ReturnView  `json:"returns,omitempty" nullable:"false" doc:"A delivered order's returns, oldest first (not in lists)"`
	FailureReason   string        `json:"failure_reason,omitempty" doc:"Why it was cancelled or failed"`
	Version         int32         `json:"version"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

// LineView is a line as shown: SKU, name and price as they were then.
type LineView struct {
	ProductID      uuid.UUID `json:"product_id"`
	SKU            string    `json:"sku"`
	Name           string    `json:"name"`
	UnitPriceCents int64     `json:"unit_price_cents"`
	Quantity       int32     `json:"quantity"`
	LineTotalCents int64     `json:"line_total_cents"`
	// ReturnedQuantity counts the units of returns received (not in lists).
	ReturnedQuantity int32 `json:"returned_quantity,omitempty" doc:"Units that came back through returns (not in lists)"`
}

// PaymentView is the payment as shown: amounts and states, never the
// payment token or anything the provider keeps secret.
type PaymentView struct {
	Provider        string        `json:"provider" example:"stripe"`
	Status          PaymentStatus `json:"status" enum:"authorized,captured,partially_refunded,refunded,voided"`
	AuthorizedCents int64         `json:"authorized_cents"`
	CapturedCents   int64         `json:"captured_cents"`
	RefundedCents   int64         `json:"refunded_cents" doc:"Refunded, and held by refunds still running"`
	Reference       string        `json:"reference" doc:"The provider's reference (Stripe: the PaymentIntent ID)"`
	AuthorizedAt    time.Time     `json:"authorized_at"`
	ExpiresAt       *time.Time    `json:"expires_at,omitempty" doc:"When the authorization lapses unless captured; it is renewed once before"`
	Dispute         *DisputeView  `json:"dispute,omitempty" doc:"The customer's dispute of the payment, if any"`
}

// DisputeView is a dispute as the provider last reported it.
type DisputeView struct {
	Status      string `json:"status" example:"needs_response"`
	AmountCents int64  `json:"amount_cents"`
}

// ShipmentView is the shipment as shown.
type ShipmentView struct {
	Status         ShipmentStatus `json:"status" enum:"requested,shipped,delivered,cancelled"`
	Carrier        string         `json:"carrier"`
	TrackingNumber string         `json:"tracking_number,omitempty"`
	TrackingURL    string         `json:"tracking_url,omitempty"`
	ShippedAt      *time.Time     `json:"shipped_at,omitempty"`
	DeliveredAt    *time.Time     `json:"delivered_at,omitempty"`
}

// ViewOf is the order as shown.
func ViewOf(o Order) View {
	v := View{
		ID: o.ID, CustomerID: o.CustomerID, Status: o.Status, Currency: o.Currency, TotalCents: o.TotalCents,
		ShippingAddress: o.ShippingAddress, FailureReason: o.FailureReason, Version: o.Version,
		CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(), Lines: make([]LineView, 0, len(o.Lines)),
	}
	if p := o.Payment; p != nil {
		v.Payment = &PaymentView{
			Provider: p.Gateway, Status: p.Status, AuthorizedCents: p.AmountCents, CapturedCents: p.CapturedCents,
			RefundedCents: p.RefundedCents, Reference: p.GatewayRef, AuthorizedAt: p.AuthorizedAt.UTC(), ExpiresAt: utc(p.ExpiresAt),
		}
		if p.DisputeStatus != "" {
			v.Payment.Dispute = &DisputeView{Status: p.DisputeStatus, AmountCents: p.DisputedCents}
		}
	}
	if sh := o.Shipment; sh != nil {
		v.Shipment = &ShipmentView{
			Status: sh.Status, Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber, TrackingURL: sh.TrackingURL,
			ShippedAt: utc(sh.ShippedAt), DeliveredAt: utc(sh.DeliveredAt),
		}
	}
	for _, r := range o.Returns {
		v.Returns = append(v.Returns, ReturnViewOf(r))
	}
	_, back := tally(o.Returns)
	for i, l := range o.Lines {
		v.Lines = append(v.Lines, LineView{
			ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, UnitPriceCents: l.UnitPriceCents,
			Quantity: l.Quantity, LineTotalCents: l.TotalCents(), ReturnedQuantity: back[int32(i+1)],
		})
	}
	return v
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// RefundView is a refund as shown.
type RefundView struct {
	ID          uuid.UUID      `json:"id"`
	OrderID     uuid.UUID      `json:"order_id"`
	AmountCents int64          `json:"amount_cents"`
	Lines       []LineQuantity `json:"lines" nullable:"false" doc:"The lines refunded; empty for an amount"`
	Reason      string         `json:"reason"`
	Status      RefundStatus   `json:"status" enum:"pending,succeeded,failed" doc:"pending while the provider is asked (retried until it answers)"`
	Source      string         `json:"source" enum:"api,provider" doc:"api: asked here; provider: made in the provider's dashboard"`
	Actor       string         `json:"actor"`
	Reference   string         `json:"reference,omitempty" doc:"The provider's refund ID"`
	Failure     string         `json:"failure,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// RefundViewOf is the refund as shown.
func RefundViewOf(r Refund) RefundView {
	return RefundView{
		ID: r.ID, OrderID: r.OrderID, AmountCents: r.AmountCents, Lines: nonNil(r.Lines), Reason: r.Reason, Status: r.Status,
		Source: r.Source, Actor: r.Actor, Reference: r.ProviderRef, Failure: r.Failure, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

// ReturnView is a return as shown.
type ReturnView struct {
	ID           uuid.UUID      `json:"id"`
	OrderID      uuid.UUID      `json:"order_id"`
	Lines        []LineQuantity `json:"lines" nullable:"false"`
	Reason       string         `json:"reason"`
	Status       ReturnStatus   `json:"status" enum:"requested,approved,rejected,received,refunded"`
	Actor        string         `json:"actor" doc:"Who asked for it"`
	DecidedBy    string         `json:"decided_by,omitempty" doc:"The operator who approved or rejected it (system: the return window closed)"`
	DecisionNote string         `json:"decision_note,omitempty"`
	RefundID     *uuid.UUID     `json:"refund_id,omitempty" doc:"The refund of its lines, once refunded"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

// ReturnViewOf is the return as shown.
func ReturnViewOf(r Return) ReturnView {
	return ReturnView{
		ID: r.ID, OrderID: r.OrderID, Lines: nonNil(r.Lines), Reason: r.Reason, Status: r.Status, Actor: r.Actor,
		DecidedBy: r.DecidedBy, DecisionNote: r.DecisionNote, RefundID: r.RefundID,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}
