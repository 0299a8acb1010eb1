package workflows

import (
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/activities"
)

// SendEmailName is the workflow that sends one e-mail, so each e-mail is
// visible (and retried) in the Temporal UI.
const SendEmailName = "SendEmail"

// SendEmailID names one e-mail's workflow.
func SendEmailID(id uuid.UUID) string { return "email-" + id.String() }

// SendEmailInput is the workflow's one argument.
type SendEmailInput = activities.EmailRequest

// SendEmail sends the e-mail as a local activity (one marker in the history),
// retrying the relay with backoff for up to a day: an SMTP outage delays
// e-mail, it does not lose it.
func SendEmail(ctx workflow.Context, in SendEmailInput) error {
	var e *activities.Emails
	ctx = workflow.WithLocalActivityOptions(ctx, emailOptions)
	return workflow.ExecuteLocalActivity(ctx, e.SendEmail, in).Get(ctx, nil)
}

// emailOptions send an e-mail as a local activity: SendEmail's, and the
// order's confirmation.
var emailOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout:    time.Minute,
	ScheduleToCloseTimeout: 24 * time.Hour,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    5 * time.Minute,
	},
}
