package events

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/page"
)

// Endpoint is a receiver of events.
type Endpoint struct {
	ID             uuid.UUID
	URL            string
	Description    string
	EventTypes     []string // empty: every type
	Enabled        bool
	DisabledReason string // why the platform disabled it
	// Secrets sign each delivery: the current one first, then the one it
	// replaced while that still signs (a rotation's overlap).
	Secrets      []string
	FailingSince *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// RotationOverlap is how long a replaced secret keeps signing.
const RotationOverlap = 24 * time.Hour

// Types are the event types the platform sends, which an endpoint may
// subscribe to and the feed filter by.
func Types() []string {
	return []string{
		TypeOrderPlaced, "order.awaiting_approval", "order.confirmed", "order.shipped",
		"order.delivered", "order.returned", "order.cancelled", "order.failed",
		TypeOrderPartiallyRefunded, TypeOrderRefunded, TypeOrderDisputed,
		TypeOrderReturnRequested, TypeOrderReturnApproved, TypeOrderReturnRejected,
		TypeOrderReturnReceived, TypeOrderReturnRefunded, TypeTest,
	}
}

// NewEndpoint is what registering an endpoint takes.
type NewEndpoint struct {
	URL         string
	Description string
	EventTypes  []string
	Enabled     bool
}

// EndpointChange is what PATCH may change; nil fields stay.
type EndpointChange struct {
	URL         *string
	Description *string
	EventTypes  []string // nil: unchanged; empty: every type
	Enabled     *bool
}

// Workflows wakes an endpoint's delivery workflow, starting it when it
// does not run; workflowclient.Client is the real one.
type Workflows interface {
	WakeEndpoint(ctx context.Context, id uuid.UUID) error
}

// Endpoints registers and changes endpoints, checking their URLs with its
// guard, and wakes their delivery workflows when they have work.
type Endpoints struct {
	store     *Store
	guard     URLGuard
	workflows Workflows
	logger    *slog.Logger
}

// NewEndpoints is the endpoints' service.
func NewEndpoints(s *Store, g URLGuard, w Workflows, logger *slog.Logger) *Endpoints {
	return &Endpoints{store: s, guard: g, workflows: w, logger: logger}
}

// wake wakes the endpoint's workflow; when Temporal cannot be reached, the
// workers' reconciliation starts it within a minute.
func (e *Endpoints) wake(ctx context.Context, id uuid.UUID) {
	if err := e.workflows.WakeEndpoint(ctx, id); err != nil {
		e.logger.WarnContext(ctx, "webhook endpoint saved; its delivery workflow starts when Temporal is reachable", "endpoint_id", id, "error", err)
	}
}

// Create registers an endpoint and returns it with its secret, which only
// this answer shows.
func (e *Endpoints) Create(ctx context.Context, n NewEndpoint) (Endpoint, error) {
	if err := e.guard.Check(ctx, n.URL); err != nil {
		return Endpoint{}, err
	}
	types, err := checkTypes(n.EventTypes)
	if err != nil {
		return Endpoint{}, err
	}
	row, err := e.store.db.Q().CreateWebhook(ctx, db.CreateWebhookParams{
		Url: n.URL, Description: n.Description, EventTypes: types, Enabled: n.Enabled, Secret: newSecret(),
	})
	if err != nil {
		return Endpoint{}, dbErrors.Of(err)
	}
	if row.Enabled {
		e.wake(ctx, row.ID)
	}
	return endpointFromDB(row, time.Now()), nil
}

// Get is one endpoint; ErrEndpointNotFound when there is none.
func (e *Endpoints) Get(ctx context.Context, id uuid.UUID) (Endpoint, error) {
	return e.store.Endpoint(ctx, id)
}

// Endpoint is one endpoint, with the secrets that sign now.
func (s *Store) Endpoint(ctx context.Context, id uuid.UUID) (Endpoint, error) {
	row, err := s.db.Q().GetWebhook(ctx, id)
	if err != nil {
		return Endpoint{}, endpointErr(err)
	}
	return endpointFromDB(row, time.Now()), nil
}

// List pages through the endpoints, newest first, and counts them all.
func (e *Endpoints) List(ctx context.Context, r page.Request) (page.Page[Endpoint], int64, error) {
	after, afterID, err := r.After()
	if err != nil {
		return page.Page[Endpoint]{}, 0, err
	}
	rows, err := e.store.db.Q().ListWebhooks(ctx, db.ListWebhooksParams{AfterCreated: after, AfterID: afterID, Limit: r.Fetch()})
	if err != nil {
		return page.Page[Endpoint]{}, 0, dbErrors.Of(err)
	}
	now := time.Now()
	out := make([]Endpoint, len(rows))
	for i, row := range rows {
		out[i] = endpointFromDB(row, now)
	}
	n, err := e.store.db.Q().CountWebhooks(ctx)
	return page.Of(out, r, func(ep Endpoint) page.Position { return page.Position{CreatedAt: ep.CreatedAt, ID: ep.ID} }), n, dbErrors.Of(err)
}

// Update changes what c gives. Disabling abandons what the endpoint was
// still to get; enabling starts afresh, with the events from then on.
func (e *Endpoints) Update(ctx context.Context, id uuid.UUID, c EndpointChange) (Endpoint, error) {
	if c.URL != nil {
		if err := e.guard.Check(ctx, *c.URL); err != nil {
			return Endpoint{}, err
		}
	}
	p := db.UpdateWebhookParams{ID: id, Url: c.URL, Description: c.Description, Enabled: c.Enabled}
	if c.EventTypes != nil {
		types, err := checkTypes(c.EventTypes)
		if err != nil {
			return Endpoint{}, err
		}
		p.EventTypes = types
	}
	var row db.WebhookEndpoint
	err := e.store.db.InTx(ctx, func(q *db.Queries) error {
		var err error
		if row, err = q.UpdateWebhook(ctx, p); err != nil {
			return err
		}
		if !row.Enabled {
			_, err = q.AbandonDeliveries(ctx, id)
		}
		return err
	})
	if err != nil {
		return Endpoint{}, endpointErr(err)
	}
	if row.Enabled {
		e.wake(ctx, id)
	}
	return endpointFromDB(row, time.Now()), nil
}

// Delete removes the endpoint and its deliveries.
func (e *Endpoints) Delete(ctx context.Context, id uuid.UUID) error {
	n, err := e.store.db.Q().DeleteWebhook(ctx, id)
	if err != nil {
		return dbErrors.Of(err)
	}
	if n == 0 {
		return ErrEndpointNotFound
	}
	return nil
}

// RotateSecret gives the endpoint a new secret, returned with it; the old
// one keeps signing beside it for RotationOverlap.
func (e *Endpoints) RotateSecret(ctx context.Context, id uuid.UUID) (Endpoint, error) {
	row, err := e.store.db.Q().RotateWebhookSecret(ctx, db.RotateWebhookSecretParams{
		ID: id, Secret: newSecret(), OverlapSeconds: RotationOverlap.Seconds(),
	})
	if err != nil {
		return Endpoint{}, endpointErr(err)
	}
	return endpointFromDB(row, time.Now()), nil
}

// SendTest queues a webhook.test event to the endpoint alone and returns
// the delivery.
func (e *Endpoints) SendTest(ctx context.Context, id uuid.UUID) (Delivery, error) {
	ep, err := e.store.Endpoint(ctx, id)
	if err != nil {
		return Delivery{}, err
	}
	if !ep.Enabled {
		return Delivery{}, ErrEndpointDisabled
	}
	object := map[string]any{"endpoint_id": id, "message": "A test event from the order platform"}
	data, _ := json.Marshal(object) // a map of a UUID and a string
	row, err := e.store.db.Q().AddTestEvent(ctx, db.AddTestEventParams{Data: data, EndpointID: id})
	if err != nil {
		return Delivery{}, endpointErr(err)
	}
	e.wake(ctx, id)
	return e.store.Delivery(ctx, id, row.DeliveryID)
}

// Deliveries pages through an endpoint's deliveries, newest first.
func (e *Endpoints) Deliveries(ctx context.Context, id uuid.UUID, f DeliveryFilter) (page.Page[Delivery], *int64, error) {
	return e.store.Deliveries(ctx, id, f)
}

// Redeliver queues a delivery's event to its endpoint again, as a new
// delivery due now.
func (e *Endpoints) Redeliver(ctx context.Context, id, delivery uuid.UUID) (Delivery, error) {
	d, err := e.store.Redeliver(ctx, id, delivery)
	if err == nil {
		e.wake(ctx, id)
	}
	return d, err
}

// newSecret is "whsec_" and the base64 of 32 random bytes, as the Standard
// Webhooks libraries take it.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

func checkTypes(types []string) ([]string, error) {
	known := Types()
	out := []string{}
	for _, t := range types {
		if !slices.Contains(known, t) {
			return nil, fmt.Errorf("%w: %q", ErrUnknownType, t)
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

func endpointFromDB(w db.WebhookEndpoint, now time.Time) Endpoint {
	ep := Endpoint{
		ID: w.ID, URL: w.Url, Description: w.Description, EventTypes: w.EventTypes, Enabled: w.Enabled,
		DisabledReason: w.DisabledReason, Secrets: []string{w.Secret}, FailingSince: w.FailingSince,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
	}
	if w.PreviousSecret != nil && w.PreviousSecretExpiresAt != nil && now.Before(*w.PreviousSecretExpiresAt) {
		ep.Secrets = append(ep.Secrets, *w.PreviousSecret)
	}
	return ep
}

func endpointErr(err error) error {
	if errors.Is(err, db.ErrNotFound) {
		return ErrEndpointNotFound
	}
	return dbErrors.Of(err)
}
