package workflowclient

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/upkeep"
	"github.com/acme/orders/workflows"
)

// Schedule is one job on a clock, as `orders schedules apply` sets it.
type Schedule struct {
	ID       string
	Workflow string
	Args     []any
	Spec     client.ScheduleSpec
	// CatchupWindow: after an outage (the server down, the schedule
	// paused), a run missed less than this long ago still happens, once;
	// older ones are skipped.
	CatchupWindow time.Duration
	Note          string
}

// Schedules are the platform's jobs on a clock. Each skips a run while the
// last one still runs (overlap Skip).
func Schedules(cleanUp workflows.CleanUpInput) []Schedule {
	hourly := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour}}}
	return []Schedule{
		{
			ID: workflows.ReconcileSchedule, Workflow: workflows.ReconcileName, Spec: hourly, CatchupWindow: time.Hour,
			Note: "Hourly: finds orders whose status disagrees with their workflow, orders never started, stock held by finished orders " +
				"and lapsed authorizations; repairs the safe ones; lists them at GET /api/v1/utils/reconciliation",
		},
		{
			ID: workflows.SummarySchedule, Workflow: workflows.DailySummaryName, CatchupWindow: 6 * time.Hour,
			Spec: client.ScheduleSpec{Calendars: []client.ScheduleCalendarSpec{{
				Hour: []client.ScheduleRange{{Start: 6}}, Minute: []client.ScheduleRange{{Start: 0}}, Second: []client.ScheduleRange{{Start: 0}},
			}}},
			Note: "Daily at 06:00 UTC: e-mails the superusers the orders by status, revenue, refunds and the products low on stock",
		},
		{
			ID: workflows.CleanUpSchedule, Workflow: workflows.CleanUpName, Args: []any{cleanUp}, Spec: hourly, CatchupWindow: time.Hour,
			Note: "Hourly: removes idempotency keys, events, settled deliveries, provider events, idle rate-limit logs and findings past their retention",
		},
	}
}

// legacySchedules are the Schedules an earlier release created, which
// ApplySchedules removes: the events' purge is now part of clean-up.
var legacySchedules = []string{"purge-events"}

// ApplySchedules creates each schedule, or updates it in place (its spec,
// action and policies; a pause an operator set stays), and removes the
// legacy ones. Running it twice changes nothing.
func (c *Client) ApplySchedules(ctx context.Context, schedules []Schedule) error {
	sc := c.temporal.ScheduleClient()
	for _, s := range schedules {
		action := &client.ScheduleWorkflowAction{ID: s.ID, Workflow: s.Workflow, Args: s.Args, TaskQueue: c.opts.TaskQueue}
		policy := client.SchedulePolicies{Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: s.CatchupWindow}
		_, err := sc.Create(ctx, client.ScheduleOptions{
			ID: s.ID, Spec: s.Spec, Action: action, Overlap: policy.Overlap, CatchupWindow: policy.CatchupWindow, Note: s.Note,
		})
		if err == nil {
			continue
		}
		if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
			return fmt.Errorf("create schedule %s: %w", s.ID, err)
		}
		err = sc.GetHandle(ctx, s.ID).Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			next := in.Description.Schedule
			next.Spec, next.Action, next.Policy = &s.Spec, action, &policy
			return &client.ScheduleUpdate{Schedule: &next}, nil
		}})
		if err != nil {
			return fmt.Errorf("update schedule %s: %w", s.ID, err)
		}
	}
	for _, id := range legacySchedules {
		var notFound *serviceerror.NotFound
		if err := sc.GetHandle(ctx, id).Delete(ctx); err != nil && !errors.As(err, &notFound) {
			return fmt.Errorf("remove the legacy schedule %s: %w", id, err)
		}
	}
	return nil
}

// OrderWorkflow describes the latest run of an order's workflow, for the
// reconciliation (upkeep.Workflows).
func (c *Client) OrderWorkflow(ctx context.Context, orderID uuid.UUID) (upkeep.WorkflowState, error) {
	d, err := c.temporal.DescribeWorkflow(ctx, workflows.OrderWorkflowID(orderID), "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return upkeep.WorkflowState{}, nil
	}
	if err != nil {
		return upkeep.WorkflowState{}, unavailable(err)
	}
	info := d.RawResponse.GetWorkflowExecutionInfo()
	st := upkeep.WorkflowState{Found: true, Running: info.GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING}
	if !st.Running {
		st.Outcome = info.GetStatus().String()
	}
	if p := info.GetSearchAttributes().GetIndexedFields()[workflows.OrderStatusKey.GetName()]; p != nil {
		var s string
		if err := converter.GetDefaultDataConverter().FromPayload(p, &s); err == nil {
			st.Status = orders.Status(s)
		}
	}
	return st, nil
}
