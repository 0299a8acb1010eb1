package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The baselines: the same PostgreSQL and Temporal server, at the same
// concurrency, without the platform. Their workflows run on loadgen's own
// worker and task queue.

var baselineRunners = map[string]func(ctx context.Context, b *bench, r *result) error{
	"start":    runStartBaseline,
	"workflow": runWorkflowBaseline,
	"insert":   runInsertBaseline,
}

// emptyWorkflow returns at once: StartWorkflow plus the least work a worker can do.
func emptyWorkflow(workflow.Context) error { return nil }

// threeActivityWorkflow runs three no-op activities one after another.
func threeActivityWorkflow(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
	for i := range 3 {
		if err := workflow.ExecuteActivity(ctx, noopActivity, i).Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

func noopActivity(context.Context, int) error { return nil }

// openBaselines connects what the chosen baselines, the history counts and
// the watch on the orders need.
func (b *bench) openBaselines(ctx context.Context) error {
	c, err := client.Dial(client.Options{HostPort: b.o.temporal, Namespace: b.o.namespace, Logger: quietLogger{}})
	if err != nil {
		return fmt.Errorf("connect to Temporal at %s: %w", b.o.temporal, err)
	}
	b.temporal = c
	b.queue = "loadgen-" + b.runID
	b.worker = worker.New(c, b.queue, worker.Options{})
	b.worker.RegisterWorkflow(emptyWorkflow)
	b.worker.RegisterWorkflow(threeActivityWorkflow)
	b.worker.RegisterActivity(noopActivity)
	if err := b.worker.Start(); err != nil {
		return fmt.Errorf("start the baseline worker: %w", err)
	}
	cfg, err := pgxpool.ParseConfig(b.o.database)
	if err != nil {
		return fmt.Errorf("-database: %w", err)
	}
	cfg.MaxConns = int32(b.o.clients)
	// Each connection's own table for the insert baseline: nothing is left behind.
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `CREATE TEMP TABLE loadgen_rows (id uuid PRIMARY KEY, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`)
		return err
	}
	b.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	return err
}

func (b *bench) startBare(ctx context.Context, wf any) (client.WorkflowRun, error) {
	return b.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "loadgen-" + uuid.NewString(), TaskQueue: b.queue}, wf)
}

func runStartBaseline(ctx context.Context, b *bench, r *result) error {
	before := b.cpu()
	r.elapsed = b.closedLoop(ctx, r, func(ctx context.Context, _ int) error {
		return r.timed(ctx, "StartWorkflow", func() error {
			_, err := b.startBare(ctx, emptyWorkflow)
			return err
		})
	})
	n := len(r.op("StartWorkflow").latencies)
	r.figures = append(r.figures, figure{Key: "start.per_s", Label: "bare StartWorkflow", Unit: "/s", Value: float64(n) / r.elapsed.Seconds()})
	r.figures = append(r.figures, b.resourceFigures("start", before, float64(n), "start")...)
	return nil
}

// runWorkflowBaseline starts 3-activity workflows in a closed loop for the
// run's duration, then waits for all: completed over the time from the first
// start to the last close, as the confirm workload counts orders.
func runWorkflowBaseline(ctx context.Context, b *bench, r *result) error {
	before := b.cpu()
	start := time.Now()
	var mu sync.Mutex
	var runs []client.WorkflowRun
	b.closedLoop(ctx, r, func(ctx context.Context, _ int) error {
		var run client.WorkflowRun
		err := r.timed(ctx, "StartWorkflow", func() (err error) {
			run, err = b.startBare(ctx, threeActivityWorkflow)
			return err
		})
		if err == nil {
			mu.Lock()
			runs = append(runs, run)
			mu.Unlock()
		}
		return err
	})
	waitCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for _, run := range runs {
		if err := run.Get(waitCtx, nil); err != nil {
			return fmt.Errorf("baseline workflow %s: %w", run.GetID(), err)
		}
	}
	r.elapsed = time.Since(start)
	last := time.Time{}
	for _, run := range runs[max(0, len(runs)-50):] { // the last started close last, give or take
		d, err := b.temporal.DescribeWorkflow(ctx, run.GetID(), run.GetRunID())
		if err != nil {
			return err
		}
		if ct := d.WorkflowCloseTime; ct != nil && ct.After(last) {
			last = *ct
		}
	}
	r.figures = append(r.figures, figure{Key: "workflow.completed_per_s", Label: "bare 3-activity workflows completed", Unit: "/s",
		Value: float64(len(runs)) / last.Sub(start).Seconds()})
	r.figures = append(r.figures, b.resourceFigures("workflow", before, float64(len(runs)), "workflow")...)
	if len(runs) > 0 {
		n, err := b.countEvents(ctx, runs[0].GetID())
		if err != nil {
			return err
		}
		r.figures = append(r.figures, figure{Key: "workflow.history_events", Label: "history events per bare workflow", Value: float64(n)})
	}
	return nil
}

func runInsertBaseline(ctx context.Context, b *bench, r *result) error {
	r.elapsed = b.closedLoop(ctx, r, func(ctx context.Context, _ int) error {
		return r.timed(ctx, "INSERT", func() error {
			_, err := b.pool.Exec(ctx, `INSERT INTO loadgen_rows (id, body) VALUES ($1, $2)`, uuid.New(), `{"lines": 1}`)
			return err
		})
	})
	n := len(r.op("INSERT").latencies)
	r.figures = append(r.figures, figure{Key: "insert.per_s", Label: "bare single-row INSERT", Unit: "/s", Value: float64(n) / r.elapsed.Seconds()})
	return nil
}

// historyEvents counts the events of an order's workflow and, when it sent
// one, its confirmation e-mail's (waiting up to 10s for it to close).
func (b *bench) historyEvents(ctx context.Context, orderID string) (int, error) {
	n, err := b.countEvents(ctx, "order-"+orderID)
	if err != nil {
		return 0, err
	}
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	emailID := "email-order-confirmed-" + orderID
	if err := b.temporal.GetWorkflow(waitCtx, emailID, "").Get(waitCtx, nil); err == nil {
		m, err := b.countEvents(ctx, emailID)
		return n + m, err
	}
	return n, nil
}

func (b *bench) countEvents(ctx context.Context, workflowID string) (int, error) {
	it := b.temporal.GetWorkflowHistory(ctx, workflowID, "", false, 0)
	n := 0
	for it.HasNext() {
		if _, err := it.Next(); err != nil {
			return 0, fmt.Errorf("history of %s: %w", workflowID, err)
		}
		n++
	}
	return n, nil
}

// quietLogger keeps the SDK's logs out of the tables.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
