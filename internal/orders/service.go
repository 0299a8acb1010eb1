// Package orders is the order's domain: its lifecycle table (lifecycle.go),
// types and status vocabulary, the rules of placing one (line rules,
// pricing, idempotency, the transaction with the intent to start its
// workflow), reading and acting on it, its money (refunds, the payment
// provider's events), the outbox relay that starts workflows Temporal was
// down for, and, through its Store, the transactions the lifecycle's
// activities run. It knows nothing of HTTP or of Temporal: what
// it needs of the workflow engine is the Workflows interface, which cmd
// satisfies with workflowclient.Client.
package orders

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/trace"

	"github.com/acme/orders/internal/access"
)

// Workflows is what the orders need of the workflow engine.
type Workflows interface {
	// StartOrder starts the order's workflow. One already started (by an
	// earlier attempt) is a success: an order's workflow never runs twice.
	StartOrder(ctx context.Context, s Start) error
	// Act asks the order's workflow for an action and waits up to r.Wait for
	// it to take effect; done is false when it was accepted but still runs.
	// A refusal is a *RejectedError, a workflow that already completed
	// ErrWorkflowClosed.
	Act(ctx context.Context, r ActRequest) (done bool, err error)
	// Refund asks the order's workflow for a refund and waits up to r.Wait
	// for it to settle, as Act does.
	Refund(ctx context.Context, r RefundAsk) (done bool, err error)
	// Return asks the order's workflow for a return, or a step of one, and
	// waits up to r.Wait for it, as Act does.
	Return(ctx context.Context, r ReturnAsk) (done bool, err error)
}

// Start is what an order's workflow starts with.
type Start struct {
	OrderID                uuid.UUID
	TotalCents             int64
	Currency               string
	ApprovalThresholdCents int64
	ApprovalTimeout        time.Duration
	Payment                PaymentTimes
	// For operators: who ordered, how many lines, when.
	CustomerEmail string
	Lines         int
	PlacedAt      time.Time
}

// PaymentTimes are the payment's clocks, fixed when an order is placed.
type PaymentTimes struct {
	// AuthorizationTTL is how long the provider holds an authorization;
	// ReauthorizeBefore is how long before it lapses an unshipped order's
	// is renewed (once). Zero TTL: authorizations do not lapse.
	AuthorizationTTL  time.Duration
	ReauthorizeBefore time.Duration
	// ReturnWindow is how long a delivered order stays open for refunds.
	ReturnWindow time.Duration
}

// ActRequest is an action for an order's workflow, who asks and why.
type ActRequest struct {
	OrderID uuid.UUID
	Action  Action
	Actor   string
	Reason  string
	// Shipment is what is known of the shipment as it leaves (ship only).
	Shipment *ShipmentDetails
	Wait     time.Duration
}

// Options are the order rules that are configured.
type Options struct {
	// Orders whose total is above the threshold wait for an operator,
	// for at most ApprovalTimeout.
	ApprovalThresholdCents int64
	ApprovalTimeout        time.Duration
	// Payment is the payment's clocks, fixed in each order's workflow as
	// it starts.
	Payment PaymentTimes
	// RetryInterval is how often the relay retries starting workflows.
	RetryInterval time.Duration
	// Metrics counts the orders placed; Tracer traces the relay's starts.
	// nil: neither.
	Metrics *Metrics
	Tracer  trace.TracerProvider
}

// Viewer is who asks: a customer sees and acts on their own orders; the
// scopes a staff member's role or an API key holds reach everyone's.
type Viewer struct {
	ID     uuid.UUID // the caller's account; uuid.Nil for an API key, which has none
	Email  string    // who acts, as the timeline records it
	Scopes access.Grants
}

// orderScopes are the scopes that reach every order: who may act on any
// order may see it.
var orderScopes = []access.Scope{
	access.OrdersRead, access.OrdersWrite, access.FulfillmentsWrite, access.RefundsWrite, access.ReturnsWrite,
}

// seesAll tells whether the viewer may see every order.
func (v Viewer) seesAll() bool { return slices.ContainsFunc(orderScopes, v.Scopes.Has) }

// owns tells whether the order is the viewer's own (an API key owns none).
func (v Viewer) owns(o Order) bool { return v.ID != uuid.Nil && o.CustomerID == v.ID }

// may tells whether the viewer may do, to the order, what needs the scope:
// the order's customer may, on their own order, and whoever holds the
// scope may on any.
func (v Viewer) may(o Order, s access.Scope) bool { return v.Scopes.Has(s) || v.owns(o) }

// Service is what the API does with orders.
type Service struct {
	store     *Store
	catalog   Catalog
	workflows Workflows
	opts      Options
	logger    *slog.Logger
	breaker   *startBreaker
}

// NewService returns the order service.
func NewService(store *Store, catalog Catalog, workflows Workflows, opts Options, logger *slog.Logger) *Service {
	if opts.RetryInterval <= 0 {
		opts.RetryInterval = 5 * time.Second
	}
	return &Service{store: store, catalog: catalog, workflows: workflows, opts: opts, logger: logger, breaker: &startBreaker{}}
}

// startTimeout bounds one attempt to start a workflow: the client would
// otherwise retry for its own default of 10s, holding up an order's HTTP
// answer during an outage. The relay retries later.
const startTimeout = 3 * time.Second

// errStartDeferred is why Place did not try to start a workflow: the last
// start failed (startBreaker), and the relay starts it.
var errStartDeferred = errors.New("the last start failed (Temporal down?); the relay starts this one")

// start starts the order's workflow and records that it did; customer and
// lines are for the operators' view of it. Its outcome opens or closes the
// breaker.
func (s *Service) start(ctx context.Context, o Order, customer string, lines int) error {
	startCtx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	err := s.workflows.StartOrder(startCtx, Start{
		OrderID: o.ID, TotalCents: o.TotalCents, Currency: o.Currency,
		ApprovalThresholdCents: s.opts.ApprovalThresholdCents, ApprovalTimeout: s.opts.ApprovalTimeout, Payment: s.opts.Payment,
		CustomerEmail: customer, Lines: lines, PlacedAt: o.CreatedAt,
	})
	s.breaker.record(err, ctx.Err() != nil)
	if err != nil {
		return err
	}
	return s.store.markWorkflowStarted(ctx, o.ID)
}
