package events

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/page"
)

// DeliveryState is where a delivery stands.
type DeliveryState string

// The delivery states: pending until an attempt succeeds (succeeded), the
// receiver refuses it for good or every retry failed (failed), or its
// endpoint was disabled or deleted first (abandoned).
const (
	DeliveryPending   DeliveryState = "pending"
	DeliverySucceeded DeliveryState = "succeeded"
	DeliveryFailed    DeliveryState = "failed"
	DeliveryAbandoned DeliveryState = "abandoned"
)

// Delivery is one event for one endpoint, and its attempts so far.
type Delivery struct {
	ID            uuid.UUID
	EndpointID    uuid.UUID
	EventID       uuid.UUID
	EventType     string
	OrderID       *uuid.UUID
	State         DeliveryState
	Attempts      []Attempt
	NextAttemptAt *time.Time
	CreatedAt     time.Time
}

// Attempt is one try at a delivery.
type Attempt struct {
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty"` // 0: no answer
	LatencyMS  int64     `json:"latency_ms"`
	Error      string    `json:"error,omitempty"`
}

// Due is a delivery to attempt now, with its event.
type Due struct {
	DeliveryID uuid.UUID
	Attempts   int // made before this one
	Event      Event
}

// DeliveryFilter picks an endpoint's deliveries.
type DeliveryFilter struct {
	State DeliveryState // empty: every state
	Page  page.Request
	Count bool // also count every match
}

// Deliveries pages through an endpoint's deliveries, newest first; with
// f.Count, it also counts every match.
func (s *Store) Deliveries(ctx context.Context, endpoint uuid.UUID, f DeliveryFilter) (page.Page[Delivery], *int64, error) {
	if _, err := s.Endpoint(ctx, endpoint); err != nil {
		return page.Page[Delivery]{}, nil, err
	}
	p := db.ListDeliveriesParams{EndpointID: endpoint, Limit: f.Page.Fetch()}
	var err error
	if p.AfterCreated, p.AfterID, err = f.Page.After(); err != nil {
		return page.Page[Delivery]{}, nil, err
	}
	if f.State != "" {
		st := string(f.State)
		p.State = &st
	}
	rows, err := s.db.Q().ListDeliveries(ctx, p)
	if err != nil {
		return page.Page[Delivery]{}, nil, dbErrors.Of(err)
	}
	out := make([]Delivery, len(rows))
	for i, r := range rows {
		out[i] = deliveryFromDB(r.WebhookDelivery, r.EventID, r.EventType)
	}
	pg := page.Of(out, f.Page, func(d Delivery) page.Position { return page.Position{CreatedAt: d.CreatedAt, ID: d.ID} })
	if !f.Count {
		return pg, nil, nil
	}
	n, err := s.db.Q().CountDeliveries(ctx, db.CountDeliveriesParams{EndpointID: endpoint, State: p.State})
	return pg, &n, dbErrors.Of(err)
}

// Delivery is one of an endpoint's deliveries.
func (s *Store) Delivery(ctx context.Context, endpoint, id uuid.UUID) (Delivery, error) {
	r, err := s.db.Q().GetDelivery(ctx, db.GetDeliveryParams{ID: id, EndpointID: endpoint})
	if errors.Is(err, db.ErrNotFound) {
		return Delivery{}, ErrDeliveryNotFound
	}
	if err != nil {
		return Delivery{}, dbErrors.Of(err)
	}
	return deliveryFromDB(r.WebhookDelivery, r.EventID, r.EventType), nil
}

// Redeliver queues the delivery's event to its endpoint again, as a new
// delivery due now, and returns it.
func (s *Store) Redeliver(ctx context.Context, endpoint, id uuid.UUID) (Delivery, error) {
	ep, err := s.Endpoint(ctx, endpoint)
	if err != nil {
		return Delivery{}, err
	}
	if !ep.Enabled {
		return Delivery{}, ErrEndpointDisabled
	}
	newID, err := s.db.Q().Redeliver(ctx, db.RedeliverParams{ID: id, EndpointID: endpoint})
	if errors.Is(err, db.ErrNotFound) {
		return Delivery{}, ErrDeliveryNotFound
	}
	if err != nil {
		return Delivery{}, dbErrors.Of(err)
	}
	return s.Delivery(ctx, endpoint, newID)
}

// Due is up to limit of the endpoint's deliveries due at now, each the
// oldest pending one of its order, oldest event first.
func (s *Store) Due(ctx context.Context, endpoint uuid.UUID, now time.Time, limit int32) ([]Due, error) {
	rows, err := s.db.Q().DueDeliveries(ctx, db.DueDeliveriesParams{EndpointID: endpoint, Now: now, MaxRows: limit})
	if err != nil {
		return nil, dbErrors.Of(err)
	}
	out := make([]Due, len(rows))
	for i, r := range rows {
		var attempts []json.RawMessage
		_ = json.Unmarshal(r.WebhookDelivery.Attempts, &attempts) // a jsonb array (a CHECK says so)
		out[i] = Due{DeliveryID: r.WebhookDelivery.ID, Attempts: len(attempts), Event: eventFromDB(r.Event)}
	}
	return out, nil
}

// NextDue is when the endpoint's next delivery that waits for no earlier
// one is due; nil when none is pending.
func (s *Store) NextDue(ctx context.Context, endpoint uuid.UUID) (*time.Time, error) {
	t, err := s.db.Q().NextDueDelivery(ctx, endpoint)
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, dbErrors.Of(err)
	}
	return &t, nil
}

// Settled is an attempt at a delivery and where the delivery stands after
// it: Next nil ends it in State, a time keeps it pending until then.
type Settled struct {
	DeliveryID uuid.UUID
	Attempt    Attempt
	State      DeliveryState
	Next       *time.Time
}

// Settle records a batch of attempts in one statement. A delivery no longer
// pending (its endpoint was disabled meanwhile) is left as it is.
func (s *Store) Settle(ctx context.Context, batch []Settled) error {
	p := db.RecordAttemptsParams{}
	for _, b := range batch {
		attempt, err := json.Marshal(b.Attempt)
		if err != nil {
			return err
		}
		next := time.Time{}
		if b.Next != nil {
			next = *b.Next
		}
		p.Ids, p.Attempts, p.States = append(p.Ids, b.DeliveryID), append(p.Attempts, attempt), append(p.States, string(b.State))
		p.NextAttempts = append(p.NextAttempts, next)
	}
	return dbErrors.Of(s.db.Q().RecordAttempts(ctx, p))
}

// Answered keeps the endpoint's run of failures, of which the caller knew
// failingSince: a success ends it, a failure starts it at now unless one
// runs. It returns when the run began (nil after a success), and writes
// only when that changes.
func (s *Store) Answered(ctx context.Context, endpoint uuid.UUID, ok bool, failingSince *time.Time, now time.Time) (*time.Time, error) {
	switch {
	case ok && failingSince == nil, !ok && failingSince != nil:
		return failingSince, nil
	case ok:
		return nil, endpointErr(s.db.Q().WebhookSucceeded(ctx, endpoint))
	}
	since, err := s.db.Q().WebhookFailed(ctx, db.WebhookFailedParams{ID: endpoint, Now: now})
	if err != nil {
		return nil, endpointErr(err)
	}
	return &since, nil
}

// Disable turns the endpoint off for reason and abandons what it was still
// to get; first is true for the call that disabled it (false: it was off).
func (s *Store) Disable(ctx context.Context, endpoint uuid.UUID, reason string) (first bool, err error) {
	err = s.db.InTx(ctx, func(q *db.Queries) error {
		_, err := q.DisableWebhook(ctx, db.DisableWebhookParams{ID: endpoint, Reason: reason})
		if errors.Is(err, db.ErrNotFound) {
			return nil // disabled already, or deleted
		}
		if err != nil {
			return err
		}
		first = true
		_, err = q.AbandonDeliveries(ctx, endpoint)
		return err
	})
	return first, dbErrors.Of(err)
}

// SetIdle marks whether the endpoint's delivery workflow sleeps until woken.
func (s *Store) SetIdle(ctx context.Context, endpoint uuid.UUID, idle bool) error {
	return dbErrors.Of(s.db.Q().SetWebhookIdle(ctx, db.SetWebhookIdleParams{ID: endpoint, Idle: idle}))
}

// WakeIdle marks awake, and returns, the idle endpoints that have a
// delivery due: their workflows are to be woken, each by one caller.
func (s *Store) WakeIdle(ctx context.Context) ([]uuid.UUID, error) {
	ids, err := s.db.Q().WakeIdleWebhooks(ctx)
	return ids, dbErrors.Of(err)
}

// EnabledIDs are the endpoints that should have a delivery workflow.
func (s *Store) EnabledIDs(ctx context.Context) ([]uuid.UUID, error) {
	ids, err := s.db.Q().EnabledWebhookIDs(ctx)
	return ids, dbErrors.Of(err)
}

// OldestPending is how long the oldest undelivered delivery has waited (0:
// none waits).
func (s *Store) OldestPending(ctx context.Context) (time.Duration, error) {
	secs, err := s.db.Q().OldestPendingDelivery(ctx)
	return time.Duration(secs * float64(time.Second)), dbErrors.Of(err)
}

func deliveryFromDB(d db.WebhookDelivery, eventID uuid.UUID, eventType string) Delivery {
	out := Delivery{
		ID: d.ID, EndpointID: d.EndpointID, EventID: eventID, EventType: eventType, OrderID: d.OrderID,
		State: DeliveryState(d.State), NextAttemptAt: d.NextAttemptAt, CreatedAt: d.CreatedAt, Attempts: []Attempt{},
	}
	_ = json.Unmarshal(d.Attempts, &out.Attempts) // written by Settle
	return out
}
