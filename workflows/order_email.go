package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/emails"
)

// sendConfirmation e-mails the customer that the order is confirmed, as a
// local activity that reads the order and runs beside the next steps. It
// retries an unreachable relay for up to a day (on timers past the first
// seconds) without holding the order up; the workflow ends only once it is
// done. An order placed with no mail relay configured sends nothing.
func (o *orderRun) sendConfirmation(ctx workflow.Context) {
	if o.in.NoEmails {
		o.state.ConfirmationEmail = EmailSkipped
		o.logger.Info("order confirmation e-mail skipped: no mail relay configured")
		return
	}
	o.state.ConfirmationEmail = EmailSending
	o.mailing = true
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { o.mailing = false }()
		var e *activities.Emails
		req := activities.EmailRequest{Template: emails.OrderConfirmation, OrderID: o.in.OrderID}
		opts := emailOptions
		opts.Summary = "Send the order confirmation e-mail"
		if err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, opts), e.SendEmail, req).Get(ctx, nil); err != nil {
			o.state.ConfirmationEmail, o.state.ConfirmationEmailError = EmailFailed, appErrorMessage(err)
			o.logger.Error("order confirmation e-mail not sent", "error", err)
			return
		}
		o.state.ConfirmationEmail = EmailSent
	})
}
