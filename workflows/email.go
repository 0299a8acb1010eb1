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
// delays e-mail, it does not lose it. Since sendEmailLocally the attempt is a
// local activity (one marker in the history, where an activity took three
// events and a second workflow task).
func SendEmail(ctx workflow.Context, in SendEmailInput) error {
	var e *activities.Emails
	if workflow.GetVersion(ctx, sendEmailLocally, workflow.DefaultVersion, 1) == 1 {
		ctx = workflow.WithLocalActivityOptions(ctx, emailLocalActivityOptions)
		return workflow.ExecuteLocalActivity(ctx, e.SendEmail, in).Get(ctx, nil)
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    emailAttemptTimeout,
		ScheduleToCloseTimeout: emailRetryLimit,
		RetryPolicy:            emailRetryPolicy,
	})
	return workflow.ExecuteActivity(ctx, e.SendEmail, in).Get(ctx, nil)
}

// sendEmailLocally is the change that made the e-mail's attempt a local
// activity; e-mails started before it replay the activity.
const sendEmailLocally = "send-email-locally"

const (
	emailAttemptTimeout = time.Minute
	emailRetryLimit     = 24 * time.Hour
)

var emailRetryPolicy = &temporal.RetryPolicy{
	InitialInterval:    time.Second,
	BackoffCoefficient: 2,
	MaximumInterval:    5 * time.Minute,
}

// emailLocalActivityOptions send an e-mail as a local activity: SendEmail's,
// and the lean order's confirmation.
var emailLocalActivityOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout:    emailAttemptTimeout,
	ScheduleToCloseTimeout: emailRetryLimit,
	RetryPolicy:            emailRetryPolicy,
}
