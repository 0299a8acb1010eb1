package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/events"
)

// WebhookPublic is an endpoint as the API shows it: never its secret,
// which only its creation and a rotation answer.
type WebhookPublic struct {
	ID             uuid.UUID   `json:"id"`
	URL            string      `json:"url"`
	Description    string      `json:"description"`
	EventTypes     []EventType `json:"event_types" nullable:"false" doc:"The types it receives; empty: every type"`
	Enabled        bool        `json:"enabled"`
	DisabledReason string      `json:"disabled_reason,omitempty" doc:"Why the platform disabled it (410 Gone, or every delivery failing for WEBHOOK_DISABLE_AFTER)"`
	FailingSince   *time.Time  `json:"failing_since,omitempty" doc:"Since when every delivery has failed; absent while it answers"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
}

// WebhookWithSecret is an endpoint with the secret that signs its
// deliveries, shown once.
type WebhookWithSecret struct {
	WebhookPublic
	Secret string `json:"secret" doc:"whsec_ and the base64 of 32 random bytes: the key of every delivery's webhook-signature. Shown only in this answer."`
}

func publicWebhook(e events.Endpoint) WebhookPublic {
	types := make([]EventType, len(e.EventTypes))
	for i, t := range e.EventTypes {
		types[i] = EventType(t)
	}
	return WebhookPublic{
		ID: e.ID, URL: e.URL, Description: e.Description, EventTypes: types, Enabled: e.Enabled,
		DisabledReason: e.DisabledReason, FailingSince: e.FailingSince, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
	}
}

func withSecret(e events.Endpoint) WebhookWithSecret {
	return WebhookWithSecret{WebhookPublic: publicWebhook(e), Secret: e.Secrets[0]}
}

// CreateWebhookInput registers an endpoint.
type CreateWebhookInput struct {
	Body struct {
		URL         string      `json:"url" minLength:"1" maxLength:"2048" format:"uri" example:"https://erp.example.com/hooks/orders"`
		Description string      `json:"description,omitempty" maxLength:"500"`
		EventTypes  []EventType `json:"event_types,omitempty" maxItems:"20" nullable:"false" doc:"The types to receive; empty or absent: every type"`
		Enabled     *bool       `json:"enabled,omitempty" doc:"Default true"`
	}
}

// UpdateWebhookInput changes an endpoint; what is absent stays.
type UpdateWebhookInput struct {
	WebhookIDPath
	Body struct {
		URL         *string     `json:"url,omitempty" minLength:"1" maxLength:"2048" format:"uri"`
		Description *string     `json:"description,omitempty" maxLength:"500"`
		EventTypes  []EventType `json:"event_types,omitempty" maxItems:"20" nullable:"false" doc:"Replaces the list; an empty list: every type"`
		Enabled     *bool       `json:"enabled,omitempty" doc:"false abandons what it was still to get; true starts afresh, with the events from then on"`
	}
}

// WebhookIDPath names an endpoint in the path.
type WebhookIDPath struct {
	ID uuid.UUID `path:"webhook_id"`
}

// DeliveryIDPath names one of an endpoint's deliveries.
type DeliveryIDPath struct {
	WebhookIDPath
	DeliveryID uuid.UUID `path:"delivery_id"`
}

// WebhookOutput is one endpoint.
type WebhookOutput struct {
	Body WebhookPublic
}

// WebhookSecretOutput is an endpoint with its secret.
type WebhookSecretOutput struct {
	Status int
	Body   WebhookWithSecret
}

// ListDeliveriesInput pages an endpoint's deliveries, newest first.
type ListDeliveriesInput struct {
	WebhookIDPath
	State string `query:"state" enum:"pending,succeeded,failed,abandoned"`
	CursorInput
	Count bool  `query:"count" default:"false" doc:"Also answer how many match in all"`
	Limit int32 `query:"limit" minimum:"1" maximum:"100" default:"20"`
}

// DeliveryPublic is one event for one endpoint and its attempts.
type DeliveryPublic struct {
	ID            uuid.UUID       `json:"id"`
	EventID       uuid.UUID       `json:"event_id"`
	EventType     EventType       `json:"event_type"`
	OrderID       *uuid.UUID      `json:"order_id,omitempty"`
	State         string          `json:"state" enum:"pending,succeeded,failed,abandoned"`
	Attempts      []AttemptPublic `json:"attempts" nullable:"false" doc:"Oldest first"`
	NextAttemptAt *time.Time      `json:"next_attempt_at,omitempty" doc:"When it is tried (again); only while pending"`
	CreatedAt     time.Time       `json:"created_at"`
}

// AttemptPublic is one try at a delivery.
type AttemptPublic struct {
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty" doc:"The receiver's answer; absent when none came"`
	LatencyMS  int64     `json:"latency_ms"`
	Error      string    `json:"error,omitempty"`
}

func publicDelivery(d events.Delivery) DeliveryPublic {
	out := DeliveryPublic{
		ID: d.ID, EventID: d.EventID, EventType: EventType(d.EventType), OrderID: d.OrderID, State: string(d.State),
		NextAttemptAt: d.NextAttemptAt, CreatedAt: d.CreatedAt, Attempts: make([]AttemptPublic, len(d.Attempts)),
	}
	for i, a := range d.Attempts {
		out.Attempts[i] = AttemptPublic(a)
	}
	return out
}

// DeliveryOutput is one delivery.
type DeliveryOutput struct {
	Status int
	Body   DeliveryPublic
}
