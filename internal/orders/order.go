package orders

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/catalog"
)

// Order is an order as the platform knows it, with its lines (an order the
// outbox relay leases is read without them).
type Order struct {
	ID              uuid.UUID
	CustomerID      uuid.UUID
	Status          Status
	Currency        string
	TotalCents      int64
	ShippingAddress Address
	PaymentToken    string // for the gateway; never shown
	FailureReason   string // why it was cancelled or failed
	Version         int32
	WorkflowStarted bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Lines           []Line
	Payment         *Payment  // nil until authorized; read with the lines
	Shipment        *Shipment // nil until requested; read with the lines
	Returns         []Return  // read with a delivered or returned order alone
}

// Address is where an order ships; it is stored as JSON in these names.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

// Line is a product as ordered: SKU, name and price as they were then.
type Line struct {
	ProductID      uuid.UUID
	SKU            string
	Name           string
	UnitPriceCents int64
	Quantity       int32
}

// TotalCents is the line's price times its quantity.
func (l Line) TotalCents() int64 { return l.UnitPriceCents * int64(l.Quantity) }

// Event is one entry of an order's timeline.
type Event struct {
	ID        int64
	Type      string
	From, To  Status // empty when the event is not a status change
	Actor     string
	Detail    string
	CreatedAt time.Time
}

func orderFromDB(o db.Order) Order {
	var addr Address
	_ = json.Unmarshal(o.ShippingAddress, &addr) // written by Place, always valid
	out := Order{
		ID: o.ID, CustomerID: o.CustomerID, Status: Status(o.Status), Currency: o.Currency, TotalCents: o.TotalCents,
		ShippingAddress: addr, PaymentToken: o.PaymentToken, Version: o.Version,
		WorkflowStarted: o.WorkflowStartedAt != nil, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
	if o.FailureReason != nil {
		out.FailureReason = *o.FailureReason
	}
	return out
}

func eventFromDB(e db.OrderEvent) Event {
	ev := Event{ID: e.ID, Type: e.Type, Actor: e.Actor, Detail: e.Detail, CreatedAt: e.CreatedAt}
	if e.FromStatus != nil {
		ev.From = Status(*e.FromStatus)
	}
	if e.ToStatus != nil {
		ev.To = Status(*e.ToStatus)
	}
	return ev
}

// StockHolds are the order's lines as claims on the stock.
func StockHolds(lines []Line) []catalog.Hold {
	holds := make([]catalog.Hold, len(lines))
	for i, l := range lines {
		holds[i] = catalog.Hold{ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Quantity: l.Quantity}
	}
	return holds
}
