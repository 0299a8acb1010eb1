// Package workflowclient is how the rest of the platform reaches the
// workflows from outside them: the client that starts orders and e-mails
// and sends actions (cmd plugs it into the domain packages and the API), the
// interceptors that trace and label every call and every worker built on the
// same connection, and the namespace's search-attribute registration. It
// turns Temporal's errors into the domain's. Workflow code stays in package
// workflows, which imports none of this.
package workflowclient

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/temporalconn"
	"github.com/acme/orders/workflows"
)

// Client is how the rest of the platform starts and talks to the workflows:
// cmd plugs it into the domain packages (orders.Workflows, accounts.Mailer)
// and into the API. A refused update is an *orders.RejectedError, a
// completed workflow orders.ErrWorkflowClosed, an unreachable server
// temporalconn.ErrUnavailable.
type Client struct {
	temporal client.Client
	opts     ClientOptions
}

// ClientOptions say where the workflows run.
type ClientOptions struct {
	TaskQueue string
	// EmailsEnabled is false when no mail relay is configured: SendEmail
	// then starts nothing and answers emails.ErrDisabled, and orders start
	// with no confirmation e-mail.
	EmailsEnabled bool
}

// NewClient returns the platform's client of its workflows.
func NewClient(c client.Client, opts ClientOptions) *Client {
	return &Client{temporal: c, opts: opts}
}

// StartOrder starts an order's workflow. Temporal refuses a second start of
// the same ID, even after the first completed: that is a success.
func (c *Client) StartOrder(ctx context.Context, s orders.Start) error {
	in := workflows.OrderInput{
		OrderID: s.OrderID, TotalCents: s.TotalCents, Currency: s.Currency,
		ApprovalThresholdCents: s.ApprovalThresholdCents, ApprovalTimeout: s.ApprovalTimeout,
		AuthorizationTTL: s.Payment.AuthorizationTTL, ReauthorizeBefore: s.Payment.ReauthorizeBefore, ReturnWindow: s.Payment.ReturnWindow,
		NoEmails: !c.opts.EmailsEnabled, CustomerEmail: s.CustomerEmail, Lines: s.Lines,
	}
	_, err := c.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.OrderWorkflowID(s.OrderID),
		TaskQueue:                c.opts.TaskQueue,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.OrderStatusKey.ValueSet(string(orders.StatusPending)), workflows.OrderStatusChangedAtKey.ValueSet(s.PlacedAt),
			workflows.CustomerEmailKey.ValueSet(s.CustomerEmail), workflows.OrderTotalCentsKey.ValueSet(s.TotalCents),
			workflows.OrderCurrencyKey.ValueSet(s.Currency),
		),
		StaticSummary: workflows.OrderSummary(in),
		StaticDetails: workflows.OrderDetails(in),
	}, workflows.OrderWorkflowName, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return unavailable(fmt.Errorf("start workflow of order %s: %w", s.OrderID, err))
	}
	return nil
}

// Act sends the action as an Update: its validator answers at once whether
// the order's state allows it. Then it waits up to r.Wait for the update to
// complete (a cancel waits for its compensation); done is false when it is
// still running.
func (c *Client) Act(ctx context.Context, r orders.ActRequest) (done bool, err error) {
	in := workflows.ActionInput{Actor: r.Actor, Reason: r.Reason, Shipment: r.Shipment}
	return c.update(ctx, r.OrderID, string(r.Action), "", in, r.Wait)
}

// Refund sends the refund update under an ID made of the refund's, so a
// retried request reaches the workflow once; it waits as Act does.
func (c *Client) Refund(ctx context.Context, r orders.RefundAsk) (done bool, err error) {
	in := workflows.RefundInput{RefundID: r.RefundID, AmountCents: r.Request.AmountCents, Lines: r.Request.Lines, Reason: r.Request.Reason, Actor: r.Actor}
	return c.update(ctx, r.OrderID, workflows.UpdateRefund, "refund-"+r.RefundID.String(), in, r.Wait)
}

// Return sends a return update (a new return, or a step of one) under an
// ID made of the return's and the step's, so a retried request reaches the
// workflow once; it waits as Act does.
func (c *Client) Return(ctx context.Context, r orders.ReturnAsk) (done bool, err error) {
	if r.Step == "" {
		in := workflows.ReturnInput{ReturnID: r.ReturnID, Lines: r.Request.Lines, Reason: r.Request.Reason, Actor: r.Actor}
		return c.update(ctx, r.OrderID, workflows.UpdateReturn, "return-"+r.ReturnID.String(), in, r.Wait)
	}
	in := workflows.ReturnStepInput{ReturnID: r.ReturnID, Actor: r.Actor, Note: r.Note}
	name := workflows.ReturnStepUpdate(r.Step)
	return c.update(ctx, r.OrderID, name, name+"-"+r.ReturnID.String(), in, r.Wait)
}

// update sends an update to the order's workflow, waits for it to be
// accepted (a refusal is answered then), then up to wait for its outcome.
func (c *Client) update(ctx context.Context, orderID uuid.UUID, name, id string, arg any, wait time.Duration) (done bool, err error) {
	handle, err := c.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflows.OrderWorkflowID(orderID),
		UpdateID:     id,
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageAccepted,
	})
	if err != nil {
		return false, updateError(err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var answered *temporal.ApplicationError // a refusal, or the action's own failure: an answer, however soon the wait ended
	switch err = handle.Get(waitCtx, nil); {
	case err == nil:
		return true, nil
	case waitCtx.Err() != nil && !errors.As(err, &answered):
		return false, nil // accepted, still running
	}
	return false, updateError(err)
}

func updateError(err error) error {
	var appErr *temporal.ApplicationError
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &appErr):
		return &orders.RejectedError{Reason: appErr.Message()}
	case errors.As(err, &notFound):
		return orders.ErrWorkflowClosed
	}
	return unavailable(err)
}

// SendEmail starts a SendEmail workflow, which renders, sends and retries
// it; the ID finds the e-mail in the Temporal UI.
func (c *Client) SendEmail(ctx context.Context, to string, t emails.Template, d emails.Data) (string, error) {
	if !c.opts.EmailsEnabled {
		return "", emails.ErrDisabled
	}
	run, err := c.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        workflows.SendEmailID(uuid.New()),
		TaskQueue: c.opts.TaskQueue,
	}, workflows.SendEmailName, workflows.SendEmailInput{To: to, Template: t, Data: d})
	if err != nil {
		return "", unavailable(err)
	}
	return run.GetID(), nil
}

// StartTestWorkflow starts the operators' smoke test and returns its IDs.
func (c *Client) StartTestWorkflow(ctx context.Context, message string) (workflowID, runID string, err error) {
	run, err := c.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        workflows.TestWorkflowID(uuid.New()),
		TaskQueue: c.opts.TaskQueue,
	}, workflows.TestWorkflowName, workflows.TestWorkflowInput{Message: message})
	if err != nil {
		return "", "", unavailable(err)
	}
	return run.GetID(), run.GetRunID(), nil
}

func unavailable(err error) error { return fmt.Errorf("%w: %w", temporalconn.ErrUnavailable, err) }
