package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/emails"
)

// sendConfirmation e-mails the customer that the order is confirmed,
// beside the next steps (sendOrderEmail). An order placed with no mail
// relay configured sends nothing.
func (o *orderRun) sendConfirmation(ctx workflow.Context) {
	if o.in.NoEmails {
		o.state.ConfirmationEmail = EmailSkipped
		o.logger.Info("order confirmation e-mail skipped: no mail relay configured")
		return
	}
	o.state.ConfirmationEmail = EmailSending
	o.sendOrderEmail(ctx, emails.OrderConfirmation, "Send the order confirmation e-mail", "", func(err error) {
		if err != nil {
			o.state.ConfirmationEmail, o.state.ConfirmationEmailError = EmailFailed, appErrorMessage(err)
			return
		}
		o.state.ConfirmationEmail = EmailSent
	})
}

// sendOrderEmail e-mails the customer about the order, as a local activity
// that reads the order and runs beside the next steps. It retries an
// unreachable relay for up to a day (on timers past the first seconds)
// without holding the order up; the workflow ends only once it is done.
// summary names it in the Temporal UI; done, if given, learns the outcome.
func (o *orderRun) sendOrderEmail(ctx workflow.Context, t emails.Template, summary, reason string, done func(error)) {
	if o.in.NoEmails {
		return
	}
	o.mailing = true
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { o.mailing = false }()
		var e *activities.Emails
		req := activities.EmailRequest{Template: t, OrderID: o.in.OrderID, Data: emails.Data{Reason: reason}}
		opts := emailOptions
		opts.Summary = summary
		err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, opts), e.SendEmail, req).Get(ctx, nil)
		if err != nil {
			o.logger.Error("order e-mail not sent", "template", t, "error", err)
		}
		if done != nil {
			done(err)
		}
	})
}
