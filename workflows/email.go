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

// SendEmail retries the relay with backoff for up to a day: an SMTP outage
// delays e-mail, it does not lose it.
func SendEmail(ctx workflow.Context, in SendEmailInput) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    5 * time.Minute,
		},
	})
	var e *activities.Emails
	return workflow.ExecuteActivity(ctx, e.SendEmail, in).Get(ctx, nil)
}
