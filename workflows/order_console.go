package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/orders"
)

// What an operator sees of an order in the Temporal UI and the CLI: the
// search attributes (search.go), a one-line summary fixed at start, the
// current details as the order moves, and a summary on every step.

// OrderSummary is the workflow's static summary, the line the Temporal UI
// lists it by: "Order 3 lines, 1250.00 EUR, alice@example.com".
func OrderSummary(in OrderInput) string {
	noun := "lines"
	if in.Lines == 1 {
		noun = "line"
	}
	return fmt.Sprintf("Order %d %s, %s, %s", in.Lines, noun, emails.Money(in.TotalCents, in.Currency), in.CustomerEmail)
}

// OrderDetails is the workflow's static details: what the order is, in
// Temporal's Markdown.
func OrderDetails(in OrderInput) string {
	return fmt.Sprintf("**Order** `%s`  \n**Customer** %s  \n**Lines** %d  \n**Total** %s  \n**Approval** above %s, within %s",
		in.OrderID, in.CustomerEmail, in.Lines, emails.Money(in.TotalCents, in.Currency),
		emails.Money(in.ApprovalThresholdCents, in.Currency), in.ApprovalTimeout)
}

// publish shows the order's current status to operators: as the
// workflow's current details, and as the search attributes OrderStatus and
// OrderStatusChangedAt.
func (o *orderRun) publish(ctx workflow.Context, why string) {
	workflow.SetCurrentDetails(ctx, statusDetails(o.state.Status, why))
	err := workflow.UpsertTypedSearchAttributes(ctx,
		OrderStatusKey.ValueSet(string(o.state.Status)), OrderStatusChangedAtKey.ValueSet(workflow.Now(ctx)))
	if err != nil {
		o.logger.Error("order search attributes not updated", "status", o.state.Status, "error", err)
	}
}

// statusDetails reads "awaiting approval — total 125000 above the
// approval threshold 100000".
func statusDetails(s orders.Status, why string) string {
	d := strings.ReplaceAll(string(s), "_", " ")
	if why != "" {
		d += " — " + why
	}
	return d
}

func transitionSummary(from, to orders.Status, why ActionInput) string {
	s := fmt.Sprintf("Record %s → %s", from, to)
	if why.Actor != "" {
		s += " by " + why.Actor
	}
	if why.Reason != "" {
		s += ": " + why.Reason
	}
	return s
}

func (o *orderRun) total() string { return emails.Money(o.in.TotalCents, o.in.Currency) }

// countCompensation counts a compensation run in the worker's metrics
// (orders_compensations_total); Temporal's handler skips it on replay.
func countCompensation(ctx workflow.Context) {
	workflow.GetMetricsHandler(ctx).Counter("orders_compensations").Inc(1)
}
