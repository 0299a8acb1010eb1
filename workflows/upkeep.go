package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/upkeep"
)

// The jobs on a clock, each started by the Schedule of the same ID
// (`orders schedules apply` creates them): visible, pausable and
// triggerable in the Temporal UI's Schedules page and with `temporal
// schedule`.
const (
	ReconcileName     = "Reconcile"
	DailySummaryName  = "DailySummary"
	CleanUpName       = "CleanUp"
	ReconcileSchedule = "reconciliation"
	SummarySchedule   = "daily-summary"
	CleanUpSchedule   = "clean-up"
)

// upkeepOptions run a job's activity: long scans heartbeat between pages,
// and a failed job is retried a few times, then left to its next run.
var upkeepOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 50 * time.Minute,
	HeartbeatTimeout:    2 * time.Minute,
	RetryPolicy:         &temporal.RetryPolicy{MaximumInterval: 5 * time.Minute, MaximumAttempts: 5},
}

// upkeepActs is only a handle for naming the jobs' activity methods.
var upkeepActs *activities.Upkeep

// Reconcile runs the reconciliation once (upkeep.Reconciler) and returns
// what it found and repaired.
func Reconcile(ctx workflow.Context) (upkeep.Report, error) {
	var rep upkeep.Report
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, upkeepOptions), upkeepActs.Reconcile).Get(ctx, &rep)
	return rep, err
}

// DailySummary e-mails every active admin the day's figures; it returns
// how many e-mails it sent.
func DailySummary(ctx workflow.Context) (int, error) {
	var mails []activities.EmailRequest
	actx := workflow.WithActivityOptions(ctx, upkeepOptions)
	if err := workflow.ExecuteActivity(actx, upkeepActs.SummaryEmails, workflow.Now(ctx)).Get(ctx, &mails); err != nil {
		return 0, err
	}
	var e *activities.Emails
	lctx := workflow.WithLocalActivityOptions(ctx, emailOptions)
	for _, m := range mails {
		if err := workflow.ExecuteLocalActivity(lctx, e.SendEmail, m).Get(ctx, nil); err != nil {
			return 0, err
		}
	}
	return len(mails), nil
}

// CleanUpInput is the clean-up's one argument: each retention.
type CleanUpInput = activities.CleanUpInput

// CleanUp removes what is past its retention and returns how many of each.
func CleanUp(ctx workflow.Context, in CleanUpInput) (map[string]int64, error) {
	var out map[string]int64
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, upkeepOptions), upkeepActs.CleanUp, in).Get(ctx, &out)
	return out, err
}
