package orders

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// The order's sentinel errors. The API maps each to an HTTP answer in one
// table; the activities turn the lifecycle ones into non-retryable failures.
var (
	// ErrNotFound: no such order, or one the caller may not see.
	ErrNotFound = errors.New("order not found")
	// ErrKeyReused: the Idempotency-Key already placed a different order.
	ErrKeyReused = errors.New("this Idempotency-Key was used for a different order; use a new key")
	// ErrWorkflowNotStarted: the order is accepted, its workflow not started yet.
	ErrWorkflowNotStarted = errors.New("the order's workflow has not started yet; try again shortly")
	// ErrKeyInvalid: no Idempotency-Key, or a longer one than the column holds.
	ErrKeyInvalid = fmt.Errorf("Idempotency-Key must be 1 to %d characters", MaxKeyLen)
	// ErrWorkflowClosed is what a Workflows implementation returns when the
	// order's workflow has already completed.
	ErrWorkflowClosed = errors.New("the order's workflow has completed")
	// ErrNotAllowed: the caller is not a party the lifecycle lets ask for
	// the action (a customer approving their own order).
	ErrNotAllowed = errors.New("you may not ask for this action")
	// ErrCustomerRequired: an API key placed an order without naming its customer.
	ErrCustomerRequired = errors.New("an API key places orders for a customer: give customer_id")
	// ErrCustomerNotFound: the customer an order was placed for does not exist.
	ErrCustomerNotFound = errors.New("customer_id names no user")

	// ErrInvalidTransition: the order is not in the status a step expects.
	ErrInvalidTransition = errors.New("invalid status transition")
	// ErrNoLines: an order without lines reached a stock step.
	ErrNoLines = errors.New("order has no lines")

	// errProductGone: a line's product was deleted after it was priced.
	errProductGone = errors.New("a product of the order was deleted")
)

// LineProblem is why one line of an order cannot be ordered.
type LineProblem struct {
	Index     int    // of the line in the request; -1: the lines as a whole
	Field     string // product_id or quantity; empty for the lines as a whole
	ProductID uuid.UUID
	Message   string
	Value     any // what was wrong: the product ID, its currency, the quantity
}

// LinesError lists every line of an order that cannot be ordered.
type LinesError struct {
	Problems []LineProblem
}

func (e *LinesError) Error() string {
	return fmt.Sprintf("some lines cannot be ordered (%d)", len(e.Problems))
}

// RejectedError is an action that the order's state does not allow, with
// the reason the order's workflow gave.
type RejectedError struct {
	Reason string
}

func (e *RejectedError) Error() string { return e.Reason }
