// Package events is what the platform tells the outside world: the event
// feed (one event per status change, refund or dispute, written in the
// transaction that made the change), the webhook endpoints that receive it, and the deliveries,
// the outbox each endpoint's delivery workflow drains and the log of its
// attempts. It owns the events, webhook_endpoints and webhook_deliveries
// tables. Sending is the activities' (HTTP); when to send is the
// workflows'.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/tracectx"
)

// The event types. An order's status change is "order." + the status it
// reached; its first is order.placed.
const (
	TypeOrderPlaced = "order.placed"
	TypeTest        = "webhook.test"
)

// The events of an order's money, which leave its status as it is.
const (
	TypeOrderRefunded          = "order.refunded"           // all that was captured is refunded
	TypeOrderPartiallyRefunded = "order.partially_refunded" // a refund that leaves some captured
	TypeOrderDisputed          = "order.disputed"           // the customer disputed the payment, or the dispute moved on
)

// The events of a delivered order's returns, which leave its status as it
// is (until every unit came back: order.returned).
const (
	TypeOrderReturnRequested = "order.return_requested"
	TypeOrderReturnApproved  = "order.return_approved"
	TypeOrderReturnRejected  = "order.return_rejected"
	TypeOrderReturnReceived  = "order.return_received" // the goods are back on hand
	TypeOrderReturnRefunded  = "order.return_refunded"
)

// OrderType is the type of the event of an order reaching status (pending:
// placed).
func OrderType(status string) string {
	if status == "pending" {
		return TypeOrderPlaced
	}
	return "order." + status
}

// Event is one entry of the feed.
type Event struct {
	Seq       int64 // the order of commits, for the streams
	ID        uuid.UUID
	Type      string
	OrderID   *uuid.UUID
	Object    json.RawMessage // the order as GET /orders/{id} showed it then
	CreatedAt time.Time
	// TraceContext is the traceparent of the change, for delivery spans to
	// link to.
	TraceContext *string
}

// Envelope is an event as the feed, the streams and the webhooks show it.
type Envelope struct {
	ID        uuid.UUID  `json:"id" doc:"Unique, and the same on every redelivery (the webhook-id header)"`
	Type      string     `json:"type" example:"order.confirmed"`
	CreatedAt time.Time  `json:"created_at"`
	OrderID   *uuid.UUID `json:"order_id" doc:"The order the event is about; null for webhook.test"`
	Data      Data       `json:"data"`
}

// Data holds the event's object.
type Data struct {
	Object json.RawMessage `json:"object" doc:"The order as GET /orders/{order_id} showed it when the event happened"`
}

// Envelope is the event as it is shown and sent.
func (e Event) Envelope() Envelope {
	return Envelope{ID: e.ID, Type: e.Type, CreatedAt: e.CreatedAt.UTC(), OrderID: e.OrderID, Data: Data{Object: e.Object}}
}

// JSON is the envelope's bytes: what a webhook's body is and what its
// signature covers. The same event gives the same bytes every time.
func (e Event) JSON() []byte {
	b, err := json.Marshal(e.Envelope())
	if err != nil { // a stored jsonb object and plain fields always marshal
		panic(err)
	}
	return b
}

// Terminal tells whether the event ends its order's stream: the order
// reached a status that nothing follows.
func (e Event) Terminal(terminal func(status string) bool) bool {
	if e.OrderID == nil || len(e.Type) <= len("order.") || e.Type[:len("order.")] != "order." {
		return false
	}
	return terminal(e.Type[len("order."):])
}

// Record writes, within q's transaction, the event of a change the
// transaction makes to an order: object is the order as it will read once
// committed. It also queues a delivery to every enabled endpoint that takes
// the type, and notifies the listeners at commit. Nothing is written if the
// transaction rolls back.
func Record(ctx context.Context, q *db.Queries, typ string, orderID uuid.UUID, object any) error {
	data, err := json.Marshal(object)
	if err != nil {
		return err
	}
	_, err = q.AddEvent(ctx, db.AddEventParams{Type: typ, OrderID: &orderID, Data: data, TraceContext: tracectx.Of(ctx)})
	return dbErrors.Of(err)
}

func eventFromDB(e db.Event) Event {
	return Event{Seq: e.Seq, ID: e.ID, Type: e.Type, OrderID: e.OrderID, Object: e.Data, CreatedAt: e.CreatedAt, TraceContext: e.TraceContext}
}

// The package's sentinel errors; the API maps each to an HTTP answer.
var (
	ErrNotFound         = errors.New("not found")
	ErrEndpointNotFound = errors.New("webhook endpoint not found")
	ErrDeliveryNotFound = errors.New("delivery not found")
	// ErrBadURL: a URL the platform will not call (see CheckURL).
	ErrBadURL = errors.New("webhook URL not allowed")
	// ErrEndpointDisabled: a delivery asked of a disabled endpoint.
	ErrEndpointDisabled = errors.New("the webhook endpoint is disabled; enable it first")
	// ErrUnknownType: an event type the platform does not send.
	ErrUnknownType = errors.New("unknown event type")
)

var dbErrors = db.Translation{NotFound: ErrNotFound}
