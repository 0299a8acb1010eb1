package workflows

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/orders"
)

// OrderWorkflowName runs one order's lifecycle, under the ID OrderWorkflowID.
const OrderWorkflowName = "OrderWorkflow"

// OrderWorkflowID is the one workflow ID of an order: starting it twice is
// refused by Temporal, so an order's workflow never runs twice.
func OrderWorkflowID(orderID uuid.UUID) string { return orderWorkflowIDPrefix + orderID.String() }

const orderWorkflowIDPrefix = "order-"

// Updates: the API's way in. The caller learns at once whether the order's
// state allowed the action (the validator), and gets the resulting state.
// Their names are the order's actions.
const (
	UpdateCancel  = string(orders.ActionCancel)
	UpdateApprove = string(orders.ActionApprove)
	UpdateReject  = string(orders.ActionReject)
	UpdateShip    = string(orders.ActionShip)
	UpdateDeliver = string(orders.ActionDeliver)
)

// Signals: the same actions as facts reported from outside (a carrier's
// webhook, `temporal workflow signal`). A signal the state does not allow is
// logged and ignored.
const (
	SignalCancel    = "cancel-requested"
	SignalApproved  = "approved"
	SignalRejected  = "rejected"
	SignalShipped   = "shipped"
	SignalDelivered = "delivered"
)

// QueryState returns the workflow's OrderState.
const QueryState = "state"

// OrderInput is the workflow's one argument. The approval rule is fixed when
// the order is placed, so a later configuration change cannot alter a running order.
type OrderInput struct {
	OrderID                uuid.UUID     `json:"order_id"`
	TotalCents             int64         `json:"total_cents"`
	Currency               string        `json:"currency"`
	ApprovalThresholdCents int64         `json:"approval_threshold_cents"`
	ApprovalTimeout        time.Duration `json:"approval_timeout"`
	// NoEmails is set when no mail relay was configured as the order was
	// placed: the order then starts no e-mail workflow.
	NoEmails bool `json:"no_emails,omitempty"`
	// For operators (summary and details): who ordered, how many lines.
	CustomerEmail string `json:"customer_email,omitempty"`
	Lines         int    `json:"lines,omitempty"`
}

// ActionInput is the argument of every update and signal: who asks, and why.
type ActionInput struct {
	Actor  string `json:"actor,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// OrderState is what the state query and every update return.
type OrderState struct {
	Status orders.Status `json:"status"`
	Reason string        `json:"reason,omitempty"`
	// What is held, so an operator sees what a cancel would undo.
	StockReserved     bool `json:"stock_reserved"`
	PaymentAuthorized bool `json:"payment_authorized"`
	PaymentCaptured   bool `json:"payment_captured"`
	ShipmentRequested bool `json:"shipment_requested"`
	// ConfirmationEmail is what became of the confirmation e-mail: "sending",
	// "sent" or "failed: why" (the lean shape sends it itself), "started" (a
	// child workflow, the first shape), "skipped: no mail relay configured",
	// or empty before.
	ConfirmationEmail string `json:"confirmation_email,omitempty"`
}
