package workflows

import (
	"strings"
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

// OrderIDOf is the order ID in an order workflow's ID; ok is false for the
// ID of any other workflow.
func OrderIDOf(workflowID string) (orderID string, ok bool) {
	return strings.CutPrefix(workflowID, orderWorkflowIDPrefix)
}

// Updates: the API's way in. The caller learns at once whether the order's
// state allows the action (the validator reads the lifecycle table), and
// gets the resulting state. Their names are the order's askable actions
// (orders.Askable).
const (
	UpdateCancel  = string(orders.ActionCancel)
	UpdateApprove = string(orders.ActionApprove)
	UpdateReject  = string(orders.ActionReject)
	UpdateShip    = string(orders.ActionShip)
	UpdateDeliver = string(orders.ActionDeliver)
	// UpdateRefund gives money back on a shipped or delivered order
	// (RefundInput); it answers the refund, or a refusal with the reason.
	UpdateRefund = "refund"
	// UpdateReturn takes a return of a delivered order's lines within its
	// return window (ReturnInput); it answers the requested return. Its
	// steps are the updates ReturnStepUpdate names (ReturnStepInput).
	UpdateReturn = "return"
)

// ReturnStepUpdate is the update that takes a step of a return:
// approve-return, reject-return, receive-return.
func ReturnStepUpdate(step orders.ReturnStep) string { return string(step) + "-return" }

// returnSteps are the steps asked by update (or, receive, by signal).
var returnSteps = []orders.ReturnStep{orders.ReturnApprove, orders.ReturnReject, orders.ReturnReceive}

// Signals: the same actions as facts reported from outside (a carrier's
// webhook, `temporal workflow signal`). A signal the state does not allow is
// logged and ignored.
const (
	SignalCancel    = "cancel-requested"
	SignalApproved  = "approved"
	SignalRejected  = "rejected"
	SignalShipped   = "shipped"
	SignalDelivered = "delivered"
	// SignalReturnReceived reports a return's goods arrived
	// (ReturnStepInput): the same as the receive-return update.
	SignalReturnReceived = "return-received"
)

// signals maps each signal to the action it reports.
var signals = []struct {
	name   string
	action orders.Action
}{
	{SignalCancel, orders.ActionCancel},
	{SignalApproved, orders.ActionApprove},
	{SignalRejected, orders.ActionReject},
	{SignalShipped, orders.ActionShip},
	{SignalDelivered, orders.ActionDeliver},
}

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
	// The payment's clocks (orders.PaymentTimes); zero: the authorization
	// does not lapse, and a delivered order closes at once.
	AuthorizationTTL  time.Duration `json:"authorization_ttl,omitempty"`
	ReauthorizeBefore time.Duration `json:"reauthorize_before,omitempty"`
	ReturnWindow      time.Duration `json:"return_window,omitempty"`
	// HistoryLimit continues the run as new, in the return window, once its
	// history holds this many events; zero: when Temporal suggests it.
	HistoryLimit int `json:"history_limit,omitempty"`
	// Resume is set on a run continued as new (OrderResume).
	Resume *OrderResume `json:"resume,omitempty"`
	// NoEmails is set when no mail relay was configured as the order was
	// placed: the order then sends no confirmation e-mail.
	NoEmails bool `json:"no_emails,omitempty"`
	// For operators (summary and details): who ordered, how many lines.
	CustomerEmail string `json:"customer_email,omitempty"`
	Lines         int    `json:"lines,omitempty"`
}

// ActionInput is the argument of every update and signal: who asks, and
// why; ship may say what is known of the shipment.
type ActionInput struct {
	Actor    string                  `json:"actor,omitempty"`
	Reason   string                  `json:"reason,omitempty"`
	Shipment *orders.ShipmentDetails `json:"shipment,omitempty"`
}

// RefundInput is the refund update's argument: an amount or lines, and the
// ID the caller chose for the refund.
type RefundInput struct {
	RefundID    uuid.UUID             `json:"refund_id"`
	AmountCents int64                 `json:"amount_cents,omitempty"`
	Lines       []orders.LineQuantity `json:"lines,omitempty"`
	Reason      string                `json:"reason,omitempty"`
	Actor       string                `json:"actor"`
}

// ReturnInput is the return update's argument: the lines sent back, and
// the ID the caller chose for the return.
type ReturnInput struct {
	ReturnID uuid.UUID             `json:"return_id"`
	Lines    []orders.LineQuantity `json:"lines"`
	Reason   string                `json:"reason,omitempty"`
	Actor    string                `json:"actor"`
}

// ReturnStepInput is the argument of a return's step: which return, who,
// and a note (why it was approved or rejected).
type ReturnStepInput struct {
	ReturnID uuid.UUID `json:"return_id"`
	Actor    string    `json:"actor,omitempty"`
	Note     string    `json:"note,omitempty"`
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
	// PaymentReauthorized: the authorization was renewed before it lapsed.
	PaymentReauthorized bool `json:"payment_reauthorized,omitempty"`
	// ConfirmationEmail is what became of the confirmation e-mail, and
	// ConfirmationEmailError why it failed.
	ConfirmationEmail      EmailState `json:"confirmation_email,omitempty"`
	ConfirmationEmailError string     `json:"confirmation_email_error,omitempty"`
}

// EmailState is where an e-mail the order sends stands.
type EmailState string

const (
	EmailNotYet  EmailState = ""        // the order is not confirmed yet
	EmailSending EmailState = "sending" // tried, and retried, beside the next steps
	EmailSent    EmailState = "sent"
	EmailFailed  EmailState = "failed"  // given up after a day of retries
	EmailSkipped EmailState = "skipped" // no mail relay was configured
)
