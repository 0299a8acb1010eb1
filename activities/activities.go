// Package activities holds the platform's side effects, as methods on structs
// that carry their dependencies. Activities are idempotent: Temporal may run
// one more than once. Business failures are non-retryable application errors.
package activities

import (
	"errors"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/orders"
)

// Deps is what the activities need; cmd builds it, tests build it too.
type Deps struct {
	Orders      *orders.Store
	Stock       *catalog.Store
	Payments    PaymentGateway
	Carrier     Carrier
	Mailer      Mailer
	ProjectName string          // shown in e-mails
	Metrics     *orders.Metrics // nil: none recorded
	Webhooks    Webhooks        // the endpoints' deliveries and the feed's retention
	Upkeep      Upkeep          // the jobs on a clock
}

// Register adds every activity to a worker (or a test environment): the one
// list of activities the platform runs.
func Register(r worker.ActivityRegistry, d Deps) {
	r.RegisterActivity(&Utils{})
	r.RegisterActivity(&Emails{Mailer: d.Mailer, Orders: d.Orders, ProjectName: d.ProjectName})
	hooks := d.Webhooks
	r.RegisterActivity(&hooks)
	jobs := d.Upkeep
	r.RegisterActivity(&jobs)
	r.RegisterActivity(&Orders{Store: d.Orders, Stock: d.Stock, Payments: d.Payments, Carrier: d.Carrier, Metrics: d.Metrics})
}

// Application error types the workflows tell apart. All are non-retryable:
// retrying cannot change the answer.
const (
	ErrTypeOutOfStock        = "OutOfStock"
	ErrTypePaymentDeclined   = "PaymentDeclined"
	ErrTypeInvalidTransition = "InvalidTransition"
	ErrTypeNoLines           = "NoLines"
	ErrTypeOrderNotFound     = "OrderNotFound"
	ErrTypeRefundRefused     = "RefundRefused"
	ErrTypeReturnRefused     = "ReturnRefused"
)

// businessFailures are the domain's errors that no retry can change.
var businessFailures = []struct {
	err     error
	errType string
}{
	{catalog.ErrOutOfStock, ErrTypeOutOfStock},
	{orders.ErrInvalidTransition, ErrTypeInvalidTransition},
	{orders.ErrNoLines, ErrTypeNoLines},
	{orders.ErrNotFound, ErrTypeOrderNotFound},
	{orders.ErrRefundExceeds, ErrTypeRefundRefused},
	{orders.ErrNothingToRefund, ErrTypeRefundRefused},
}

// failure returns err as Temporal should see it: a business failure becomes
// a non-retryable application error whose message is the reason; anything
// else stays retryable.
func failure(err error) error {
	for _, f := range businessFailures {
		if errors.Is(err, f.err) {
			return temporal.NewNonRetryableApplicationError(err.Error(), f.errType, nil)
		}
	}
	if lines := (*orders.LineQuantityError)(nil); errors.As(err, &lines) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeRefundRefused, nil)
	}
	return err
}
