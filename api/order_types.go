package api

import (
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/orders"
)

// OrderStatus is an order's status; the document's enum is the orders'
// vocabulary, orders.Statuses, not a copy of it.
type OrderStatus string

// Schema lists the statuses as the enum.
func (OrderStatus) Schema(huma.Registry) *huma.Schema {
	s := &huma.Schema{Type: huma.TypeString, Description: "Where the order is in its lifecycle"}
	for _, st := range orders.Statuses() {
		s.Enum = append(s.Enum, string(st))
	}
	return s
}

// Address is where an order ships.
type Address struct {
	Name       string `json:"name" minLength:"1" maxLength:"200"`
	Line1      string `json:"line1" minLength:"1" maxLength:"200"`
	Line2      string `json:"line2,omitempty" maxLength:"200"`
	City       string `json:"city" minLength:"1" maxLength:"100"`
	Region     string `json:"region,omitempty" maxLength:"100"`
	PostalCode string `json:"postal_code" minLength:"1" maxLength:"20"`
	Country    string `json:"country" pattern:"^[A-Z]{2}$" doc:"ISO 3166-1 alpha-2, upper case" example:"DE"`
}

// OrderLineInput is one product and how many.
type OrderLineInput struct {
	ProductID uuid.UUID `json:"product_id"`
	Quantity  int32     `json:"quantity" minimum:"1" maximum:"1000"`
}

// PlaceOrderBody is what a customer orders.
type PlaceOrderBody struct {
	Lines           []OrderLineInput `json:"lines" minItems:"1" maxItems:"100" nullable:"false"`
	ShippingAddress Address          `json:"shipping_address"`
	PaymentToken    string           `json:"payment_token" minLength:"1" maxLength:"200" example:"tok_approve" doc:"From the payment provider: a Stripe PaymentMethod (pm_...) or token (tok_...). The simulated gateway approves tok_approve, tok_visa and pm_card_visa, declines tok_decline, tok_chargeDeclined and pm_card_chargeDeclined, and fails tok_transient twice before approving."`
	CustomerID      *uuid.UUID       `json:"customer_id,omitempty" doc:"Whom the order is for, when staff or an API key with orders:write places it (an API key must give it); default: you"`
}

// Resolve holds the order's line rules (orders.CheckLines), so that a
// request that breaks them is answered 422 before anything is read.
func (b *PlaceOrderBody) Resolve(_ huma.Context, prefix *huma.PathBuffer) []error {
	lines := make([]orders.LineRequest, len(b.Lines))
	for i, l := range b.Lines {
		lines[i] = orders.LineRequest{ProductID: l.ProductID, Quantity: l.Quantity}
	}
	if problems := orders.CheckLines(lines); problems != nil {
		return lineDetails(problems, prefix)
	}
	return nil
}

// PlaceOrderInput places an order, once per Idempotency-Key.
type PlaceOrderInput struct {
	IdempotencyKey string `header:"Idempotency-Key" required:"true" minLength:"1" maxLength:"255" doc:"A new unique value (e.g. a UUID) per order: a retry with the same key and body returns the first answer"`
	Body           PlaceOrderBody
}

// OrderPublic is an order as the API shows it, the orders' own View (the
// object of its events too); the document names it OrderPublic.
type OrderPublic = orders.View

// OrderOutput is one order, with where to find it.
type OrderOutput struct {
	Status   int    // 201 placed, 200 read or acted on, 202 action still running
	Location string `header:"Location"`
	Body     OrderPublic
}

// ListOrdersInput filters and pages orders, newest first.
type ListOrdersInput struct {
	Status      OrderStatus `query:"status"`
	CustomerID  string      `query:"customer_id" format:"uuid" doc:"With orders:read; without, you see your own"`
	CreatedFrom time.Time   `query:"created_from" doc:"Inclusive, RFC 3339"`
	CreatedTo   time.Time   `query:"created_to" doc:"Exclusive, RFC 3339"`
	CursorInput
	Limit int32 `query:"limit" minimum:"1" maximum:"100" default:"20"`
}

// OrderIDPath names an order in the path.
type OrderIDPath struct {
	ID uuid.UUID `path:"order_id"`
}

func (p OrderIDPath) orderID() uuid.UUID { return p.ID }

// OrderActionInput is an action on an order, with an optional reason.
type OrderActionInput struct {
	OrderIDPath
	Body *struct {
		Reason string `json:"reason,omitempty" maxLength:"500"`
	}
}

// ShipOrderInput is ship, with what is known of the shipment.
type ShipOrderInput struct {
	OrderIDPath
	Body *struct {
		Reason         string `json:"reason,omitempty" maxLength:"500"`
		Carrier        string `json:"carrier,omitempty" minLength:"1" maxLength:"100" example:"DHL"`
		TrackingNumber string `json:"tracking_number,omitempty" minLength:"1" maxLength:"100" pattern:"^[A-Za-z0-9][A-Za-z0-9 ._/-]*$" example:"00340434161094042557"`
		TrackingURL    string `json:"tracking_url,omitempty" maxLength:"2000" format:"uri" pattern:"^https?://" example:"https://www.dhl.com/track?id=00340434161094042557"`
	}
}

// OrderEvent is one entry of an order's timeline.
type OrderEvent struct {
	ID         int64       `json:"id"`
	Type       string      `json:"type"`
	FromStatus OrderStatus `json:"from_status,omitempty"`
	ToStatus   OrderStatus `json:"to_status,omitempty"`
	Actor      string      `json:"actor"`
	Detail     string      `json:"detail,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
}

func publicEvent(e orders.Event) OrderEvent {
	return OrderEvent{
		ID: e.ID, Type: e.Type, FromStatus: OrderStatus(e.From), ToStatus: OrderStatus(e.To),
		Actor: e.Actor, Detail: e.Detail, CreatedAt: e.CreatedAt,
	}
}
