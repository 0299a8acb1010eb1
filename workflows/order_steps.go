package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// StepTimeout is how long one attempt of an order step may take. The
// activities' own database bound (DATABASE_TIMEOUT) stays below it, so an
// attempt that meets a frozen database fails and is retried before Temporal
// times it out.
const StepTimeout = 30 * time.Second

// orderActivityOptions retry every step until it succeeds or fails for good
// (a non-retryable error): a database or gateway outage delays an order, it
// does not fail it.
var orderActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: StepTimeout,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
	},
}

// orderLocalActivityOptions are the same for the steps of the lean shape,
// which run as local activities: in the worker that runs the workflow, their
// results recorded as markers, a run of steps in one workflow task. Retries
// past the workflow task's timeout wait on a timer, so a step is still
// retried until it succeeds or fails for good.
var orderLocalActivityOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout:    StepTimeout,
	ScheduleToCloseTimeout: 10 * 365 * 24 * time.Hour, // no limit, as for the activities above
	RetryPolicy:            orderActivityOptions.RetryPolicy,
}

// call runs one step: as a local activity in the lean shape, else as an
// activity. The summary says what the step does, for the Temporal UI.
func (o *orderRun) call(ctx workflow.Context, summary string, activity, arg any) workflow.Future {
	if o.lean {
		opts := orderLocalActivityOptions
		opts.Summary = summary
		return workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, opts), activity, arg)
	}
	opts := orderActivityOptions
	opts.Summary = summary
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), activity, arg)
}

func (o *orderRun) exec(ctx workflow.Context, summary string, activity, arg any) error {
	return o.call(ctx, summary, activity, arg).Get(ctx, nil)
}

// disconnected is ctx without its cancellation: for work that must finish
// even when the workflow is being cancelled.
func disconnected(ctx workflow.Context) workflow.Context {
	d, _ := workflow.NewDisconnectedContext(ctx)
	return d
}

func withReason(a ActionInput, fallback string) ActionInput {
	if a.Reason == "" {
		a.Reason = fallback
	}
	if a.Actor == "" {
		a.Actor = "operator"
	}
	return a
}

func appErrorType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return ""
}

func appErrorMessage(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}
