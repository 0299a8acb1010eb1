package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/orders"
)

// Emails sends the platform's e-mails through its Mailer.
type Emails struct {
	Mailer      Mailer
	Orders      *orders.Store // for e-mails about an order, built when sent
	ProjectName string        // shown in every e-mail whose request does not name it
}

// EmailRequest names a template, its data and the recipient; or, for an
// e-mail about an order, the order: recipient and data (but the reason)
// are then read from it as the e-mail is sent. It never holds a password: templates get none.
type EmailRequest struct {
	To       string          `json:"to,omitempty"`
	Template emails.Template `json:"template"`
	Data     emails.Data     `json:"data"`
	OrderID  uuid.UUID       `json:"order_id,omitzero"`
}

// SendEmail renders and sends one e-mail. A relay failure is returned as is,
// so Temporal retries it with backoff; a template that does not exist cannot
// be fixed by retrying; with no relay configured the e-mail is skipped and
// logged, not retried for a day.
func (e *Emails) SendEmail(ctx context.Context, req EmailRequest) error {
	if req.OrderID != uuid.Nil {
		built, err := e.orderEmail(ctx, req)
		if err != nil {
			return failure(err)
		}
		req = built
	}
	if req.Data.ProjectName == "" {
		req.Data.ProjectName = e.ProjectName
	}
	if req.Data.Email == "" {
		req.Data.Email = req.To
	}
	r, err := emails.Render(req.Template, req.Data)
	if errors.Is(err, emails.ErrUnknownTemplate) {
		return temporal.NewNonRetryableApplicationError(err.Error(), "UnknownTemplate", err)
	}
	if err != nil {
		return err
	}
	info := activity.GetInfo(ctx)
	m := Mail{
		To:        req.To,
		Subject:   r.Subject,
		Text:      r.Text,
		HTML:      r.HTML,
		MessageID: fmt.Sprintf("%s.%s@orders", info.WorkflowExecution.ID, info.WorkflowExecution.RunID),
	}
	err = e.Mailer.Send(ctx, m)
	if errors.Is(err, ErrUndeliverable) {
		return temporal.NewNonRetryableApplicationError(err.Error(), "Undeliverable", err)
	}
	if errors.Is(err, ErrNoRelay) {
		// Started before the relay was unset, or by an old order: done, unsent.
		activity.GetLogger(ctx).Info("e-mail skipped: no mail relay configured", "template", req.Template)
		return nil
	}
	if err != nil {
		activity.GetLogger(ctx).Warn("e-mail not sent; will retry", "template", req.Template, "attempt", info.Attempt, "error", err)
		return err
	}
	activity.GetLogger(ctx).Info("e-mail sent", "template", req.Template)
	return nil
}

// orderEmail reads the order and its customer's address into an e-mail
// about the order (the confirmation unless the request names another).
func (e *Emails) orderEmail(ctx context.Context, req EmailRequest) (EmailRequest, error) {
	orderID := req.OrderID
	if req.Template == "" {
		req.Template = emails.OrderConfirmation
	}
	order, err := e.Orders.Get(ctx, orderID)
	if err != nil {
		return EmailRequest{}, err
	}
	email, err := e.Orders.CustomerEmail(ctx, orderID)
	if err != nil {
		return EmailRequest{}, err
	}
	summary := make([]string, len(order.Lines))
	for i, l := range order.Lines {
		summary[i] = fmt.Sprintf("%d x %s (%s) at %s", l.Quantity, l.Name, l.SKU, emails.Money(l.UnitPriceCents, order.Currency))
	}
	return EmailRequest{To: email, Template: req.Template, Data: emails.Data{
		ProjectName: e.ProjectName, Email: email, OrderID: orderID.String(),
		Total: emails.Money(order.TotalCents, order.Currency), Lines: summary, Reason: req.Data.Reason,
	}}, nil
}
