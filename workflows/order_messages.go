package workflows

import (
	"time"

	"github.com/google/uuid"
)

// OrderWorkflowName runs one order's lifecycle, under the ID OrderWorkflowID.
const OrderWorkflowName = "OrderWorkflow"

// OrderWorkflowID is the one workflow ID of an order: starting it twice is
// refused by Temporal, so an order's workflow never runs twice.
func OrderWorkflowID(orderID uuid.UUID) string { return "order-" + orderID.String() }

// Updates: the API's way in. The caller learns at once whether the order's
// state allowed the action (the validator), and gets the resulting state.
const (
	UpdateCancel  = "cancel"
	UpdateApprove = "approve"
	UpdateReject  = "reject"
	UpdateShip    = "ship"
	UpdateDeliver = "deliver"
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

// Order statuses, as the read model stores them.
const (
	StatusPending          = "pending"
	StatusAwaitingApproval = "awaiting_approval"
	StatusConfirmed        = "confirmed"
	StatusShipped          = "shipped"
	StatusDelivered        = "delivered"
	StatusCancelled        = "cancelled"
	StatusFailed           = "failed"
)

// OrderInput is the workflow's one argument. The approval rule is fixed when
// the order is placed, so a later configuration change cannot alter a running order.
type OrderInput struct {
	OrderID                uuid.UUID     `json:"order_id"`
	TotalCents             int64         `json:"total_cents"`
	Currency               string        `json:"currency"`
	ApprovalThresholdCents int64         `json:"approval_threshold_cents"`
	ApprovalTimeout        time.Duration `json:"approval_timeout"`
}

// Action is who asks for an update or sends a signal, and why.
type Action struct {
	Actor  string `json:"actor,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// OrderState is what the state query and every update return.
type OrderState struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// What is held, so an operator sees what a cancel would undo.
	StockReserved     bool `json:"stock_reserved"`
	PaymentAuthorized bool `json:"payment_authorized"`
	PaymentCaptured   bool `json:"payment_captured"`
	ShipmentRequested bool `json:"shipment_requested"`
}

// Terminal reports whether the order's lifecycle is over.
func (s OrderState) Terminal() bool {
	return s.Status == StatusDelivered || s.Status == StatusCancelled || s.Status == StatusFailed
}

// Cancellable reports whether a cancel can still run: until shipped.
func (s OrderState) Cancellable() bool {
	return s.Status == StatusPending || s.Status == StatusAwaitingApproval || s.Status == StatusConfirmed
}
