package workflows

import (
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/activities"
)

// WebhookEndpointName is the workflow that delivers one endpoint's events,
// for as long as the endpoint is enabled: one per endpoint, so a slow or
// dead receiver delays only itself.
const WebhookEndpointName = "WebhookEndpoint"

// WebhookEndpointID names an endpoint's delivery workflow.
func WebhookEndpointID(id uuid.UUID) string { return "webhook-endpoint-" + id.String() }

// WakeSignal wakes an idle endpoint's workflow: a delivery is due.
const WakeSignal = "wake"

// WebhookEndpointInput is the workflow's one argument.
type WebhookEndpointInput struct {
	EndpointID uuid.UUID `json:"endpoint_id"`
	// Linger is how long a pump waits for more events before the workflow
	// sleeps; zero: webhookLinger.
	Linger time.Duration `json:"linger,omitempty"`
}

const (
	webhookLinger = 30 * time.Second
	// pumpMaxRun bounds a pump; pumpsPerRun pumps make a run, then the
	// workflow continues as new, so its history stays short however long
	// the endpoint lives.
	pumpMaxRun  = 5 * time.Minute
	pumpsPerRun = 100
	// idleSleep is how long an idle workflow with nothing pending sleeps
	// without a wake-up: a lost wake-up delays an event at most this long.
	idleSleep = time.Hour
)

// pumpOptions run a pump: its heartbeats tell a dead worker within
// seconds, and it is retried without end (what it sends is in the
// database, so a retry only resumes).
var pumpOptions = workflow.ActivityOptions{
	StartToCloseTimeout: pumpMaxRun + 2*time.Minute,
	HeartbeatTimeout:    10 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
	},
}

var hooks *activities.Webhooks

// WebhookEndpoint pumps the endpoint's deliveries: a pump sends what is due
// and waits for more; when none comes it returns idle and the workflow
// sleeps until the next retry is due or a new event wakes it (WakeSignal).
// It ends when the endpoint is deleted or disabled, telling the admins
// when a pump disabled it.
func WebhookEndpoint(ctx workflow.Context, in WebhookEndpointInput) error {
	linger := in.Linger
	if linger <= 0 {
		linger = webhookLinger
	}
	wake := workflow.GetSignalChannel(ctx, WakeSignal)
	pumpCtx := workflow.WithActivityOptions(ctx, pumpOptions)
	for pumps := 1; ; pumps++ {
		var res activities.PumpResult
		run := activities.PumpInput{EndpointID: in.EndpointID, Now: workflow.Now(ctx), Linger: linger, MaxRun: pumpMaxRun}
		if err := workflow.ExecuteActivity(pumpCtx, hooks.Pump, run).Get(ctx, &res); err != nil {
			return err
		}
		switch {
		case res.Gone:
			return nil
		case res.Disabled:
			if res.DisabledNow {
				return tellDisabled(ctx, activities.WebhookDisabled{EndpointID: in.EndpointID, Reason: res.Reason})
			}
			return nil
		}
		// A wake-up that came while the pump ended is for a delivery the pump
		// may not have seen: pump again rather than sleep.
		if res.Idle && !wake.ReceiveAsync(nil) {
			sleep := idleSleep
			if res.NextDue != nil {
				sleep = max(res.NextDue.Sub(workflow.Now(ctx)), time.Millisecond)
			}
			timerCtx, stopTimer := workflow.WithCancel(ctx)
			sel := workflow.NewSelector(ctx)
			sel.AddFuture(workflow.NewTimer(timerCtx, sleep), func(workflow.Future) {})
			sel.AddReceive(wake, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
			sel.Select(ctx)
			stopTimer()
		}
		for wake.ReceiveAsync(nil) { // the next pump serves these too
		}
		if pumps >= pumpsPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return workflow.NewContinueAsNewError(ctx, WebhookEndpointName, in)
		}
	}
}

// tellDisabled e-mails every active admin that the endpoint was
// disabled.
func tellDisabled(ctx workflow.Context, d activities.WebhookDisabled) error {
	var mails []activities.EmailRequest
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	if err := workflow.ExecuteActivity(actx, hooks.DisabledEmails, d).Get(ctx, &mails); err != nil {
		return err
	}
	var e *activities.Emails
	lctx := workflow.WithLocalActivityOptions(ctx, emailOptions)
	for _, m := range mails {
		if err := workflow.ExecuteLocalActivity(lctx, e.SendEmail, m).Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

// PurgeEventsName purges the events past their retention. The clean-up
// Schedule's CleanUp does that now; the workflow stays for the runs the
// purge-events Schedule of release 1.2 starts until `orders schedules
// apply` removes it, and for its histories.
const PurgeEventsName = "PurgeEvents"

// PurgeEvents removes the events older than retention, with their
// deliveries, and returns how many.
func PurgeEvents(ctx workflow.Context, retention time.Duration) (int64, error) {
	var n int64
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{MaximumInterval: 5 * time.Minute, MaximumAttempts: 10},
	})
	err := workflow.ExecuteActivity(actx, hooks.PurgeEvents, retention).Get(ctx, &n)
	return n, err
}
