package api

import (
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/events"
)

// EventPublic is an event as the feed, the streams and the webhooks show
// it; the document names it Event.
type EventPublic = events.Envelope

// EventType is an event's type; the document's enum is events.Types.
type EventType string

// Schema lists the types as the enum.
func (EventType) Schema(huma.Registry) *huma.Schema {
	s := &huma.Schema{Type: huma.TypeString, Description: "An event type"}
	for _, t := range events.Types() {
		s.Enum = append(s.Enum, t)
	}
	return s
}

// ListEventsInput filters and pages the feed, newest first.
type ListEventsInput struct {
	Type        EventType `query:"type"`
	OrderID     string    `query:"order_id" format:"uuid" doc:"Only this order's events"`
	CreatedFrom time.Time `query:"created_from" doc:"Inclusive, RFC 3339"`
	CreatedTo   time.Time `query:"created_to" doc:"Exclusive, RFC 3339"`
	CursorInput
	Count bool  `query:"count" default:"false" doc:"Also answer how many match in all"`
	Limit int32 `query:"limit" minimum:"1" maximum:"100" default:"20"`
}

// EventIDPath names an event in the path.
type EventIDPath struct {
	ID uuid.UUID `path:"event_id"`
}

// EventOutput is one event.
type EventOutput struct {
	Body EventPublic
}

// StreamInput resumes a stream after the last event the client saw.
type StreamInput struct {
	LastEventID string `header:"Last-Event-ID" maxLength:"100" doc:"The id of the last event received: the stream goes on after it (EventSource sends it on reconnection)"`
}

// OrderStreamInput is an order's stream.
type OrderStreamInput struct {
	OrderIDPath
	StreamInput
}
