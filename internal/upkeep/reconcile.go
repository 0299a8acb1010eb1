package upkeep

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/orders"
)

// Workflows is what the reconciliation asks Temporal.
type Workflows interface {
	// OrderWorkflow describes the latest run of the order's workflow.
	OrderWorkflow(ctx context.Context, orderID uuid.UUID) (WorkflowState, error)
}

// WorkflowState is an order's workflow as Temporal describes it.
type WorkflowState struct {
	Found   bool
	Running bool
	Outcome string        // how a closed one ended: Completed, Failed, Terminated, …
	Status  orders.Status // its OrderStatus search attribute
}

// Starter starts the workflows of orders that have none (the outbox relay's
// pass, orders.Service.StartPending).
type Starter interface {
	StartPending(ctx context.Context, minAge time.Duration) (int, error)
}

// Reconciler runs one reconciliation: each check walks its candidates a
// page at a time (Store's scans), records and logs each finding, and
// repairs the safe ones:
//   - an order whose workflow never started: started (the relay's pass);
//   - stock still held by an order past confirmed: released (cancelled,
//     failed) or committed (shipped on);
//   - an authorization open past its lifetime on a cancelled or failed
//     order: recorded voided (the provider let it lapse).
//
// A status that disagrees with the workflow, or an authorization lapsed on
// an order still open, is left to an operator.
type Reconciler struct {
	Store     *Store
	Orders    *orders.Store
	Stock     *catalog.Store
	Workflows Workflows
	Starter   Starter
	Logger    *slog.Logger
	Metrics   *Metrics
	// Grace is how long an order is left alone after its last change, so
	// that steps under way are not taken for inconsistencies.
	Grace time.Duration
	// Progress is called between pages (an activity's heartbeat); may be nil.
	Progress func()
}

// Report counts one run's findings, by kind.
type Report struct {
	RunID    string         `json:"run_id"`
	Found    map[Kind]int64 `json:"found"`
	Repaired map[Kind]int64 `json:"repaired"`
}

// Run runs every check once, as run runID.
func (r *Reconciler) Run(ctx context.Context, runID string) (Report, error) {
	rep := Report{RunID: runID, Found: map[Kind]int64{}, Repaired: map[Kind]int64{}}
	before := time.Now().Add(-r.Grace)
	for _, check := range []func(context.Context, time.Time, func(Finding) error) error{
		r.neverStarted, r.statusMismatches, r.heldReservations, r.lapsedAuthorizations,
	} {
		err := check(ctx, before, func(f Finding) error {
			f.RunID = runID
			rep.Found[f.Kind]++
			if f.Repaired {
				rep.Repaired[f.Kind]++
			}
			r.Metrics.found(ctx, f)
			r.Logger.WarnContext(ctx, "reconciliation finding", "kind", f.Kind, "order_id", f.OrderID, "detail", f.Detail, "repaired", f.Repaired)
			return r.Store.addFinding(ctx, f)
		})
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func (r *Reconciler) progress() {
	if r.Progress != nil {
		r.Progress()
	}
}

// neverStarted finds the orders accepted before before whose workflow
// never started, and starts them.
func (r *Reconciler) neverStarted(ctx context.Context, before time.Time, found func(Finding) error) error {
	after, afterID := time.Time{}, uuid.Nil
	for {
		rows, err := r.Store.db.Q().UnstartedOrders(ctx, db.UnstartedOrdersParams{Before: before, AfterCreated: after, AfterID: afterID, MaxRows: scanPage})
		if err != nil || len(rows) == 0 {
			return dbErrors.Of(err)
		}
		if _, err := r.Starter.StartPending(ctx, r.Grace); err != nil {
			r.Logger.WarnContext(ctx, "reconciliation: start the unstarted order workflows", "error", err)
		}
		for _, o := range rows {
			got, err := r.Orders.Get(ctx, o.ID)
			if err != nil {
				return err
			}
			f := Finding{Kind: KindNeverStarted, OrderID: o.ID, Repaired: got.WorkflowStarted,
				Detail: fmt.Sprintf("accepted %s, its workflow not started", o.CreatedAt.UTC().Format(time.RFC3339))}
			if err := found(f); err != nil {
				return err
			}
		}
		last := rows[len(rows)-1]
		after, afterID = last.CreatedAt, last.ID
		r.progress()
	}
}

// statusMismatches compares the orders in the statuses a running workflow
// holds (pending to shipped) with their workflows. A delivered order's
// workflow closes when its return window ends, so delivered is not one.
func (r *Reconciler) statusMismatches(ctx context.Context, before time.Time, found func(Finding) error) error {
	for _, s := range orders.Statuses() {
		if s.Terminal() || s == orders.StatusDelivered {
			continue
		}
		after, afterID := time.Now().Add(time.Hour), uuid.Max
		for {
			rows, err := r.Store.db.Q().OrdersInStatus(ctx, db.OrdersInStatusParams{
				Status: string(s), Before: before, AfterCreated: after, AfterID: afterID, MaxRows: scanPage,
			})
			if err != nil {
				return dbErrors.Of(err)
			}
			for _, o := range rows {
				w, err := r.Workflows.OrderWorkflow(ctx, o.ID)
				if err != nil {
					return err
				}
				detail := ""
				switch {
				case !w.Found:
					detail = fmt.Sprintf("order is %s; its workflow is gone", s)
				case !w.Running:
					detail = fmt.Sprintf("order is %s; its workflow ended (%s) at %s", s, w.Outcome, w.Status)
				case w.Status != s:
					detail = fmt.Sprintf("order is %s; its workflow says %s", s, w.Status)
				}
				if detail == "" {
					continue
				}
				if err := found(Finding{Kind: KindStatusMismatch, OrderID: o.ID, Detail: detail}); err != nil {
					return err
				}
			}
			if len(rows) < scanPage {
				break
			}
			last := rows[len(rows)-1]
			after, afterID = last.CreatedAt, last.ID
			r.progress()
		}
	}
	return nil
}

// heldReservations finds the stock still held by orders past confirmed
// and settles it as the order's status says: committed once it shipped,
// released once it ended.
func (r *Reconciler) heldReservations(ctx context.Context, _ time.Time, found func(Finding) error) error {
	page := func(after uuid.UUID) ([]db.HeldReservationsOfSettledOrdersRow, error) {
		return r.Store.db.Q().HeldReservationsOfSettledOrders(ctx, db.HeldReservationsOfSettledOrdersParams{AfterID: after, MaxRows: scanPage})
	}
	return scanByOrder(r, page, func(row db.HeldReservationsOfSettledOrdersRow) uuid.UUID { return row.OrderID },
		func(row db.HeldReservationsOfSettledOrdersRow) error {
			status := orders.Status(row.Status)
			settle, how := r.Stock.Commit, "committed"
			if status.Ended() {
				settle, how = r.Stock.Release, "released"
			}
			lines, err := r.Orders.Lines(ctx, row.OrderID)
			if err != nil {
				return err
			}
			repaired := settle(ctx, row.OrderID, orders.StockHolds(lines)) == nil
			return found(Finding{Kind: KindReservationHeld, OrderID: row.OrderID, Repaired: repaired,
				Detail: fmt.Sprintf("order is %s, its stock still held; %s", status, how)})
		})
}

// scanByOrder walks a scan keyed by order ID, a page at a time, until a
// page comes back empty.
func scanByOrder[T any](r *Reconciler, page func(after uuid.UUID) ([]T, error), key func(T) uuid.UUID, each func(T) error) error {
	after := uuid.Nil
	for {
		rows, err := page(after)
		if err != nil || len(rows) == 0 {
			return dbErrors.Of(err)
		}
		for _, row := range rows {
			if err := each(row); err != nil {
				return err
			}
		}
		after = key(rows[len(rows)-1])
		r.progress()
	}
}

// lapsedAuthorizations finds the authorizations open past their lifetime:
// on an ended order it is recorded voided (the provider released it); on
// an open one the order's workflow should have renewed it, which is left to
// an operator.
func (r *Reconciler) lapsedAuthorizations(ctx context.Context, _ time.Time, found func(Finding) error) error {
	page := func(after uuid.UUID) ([]db.LapsedAuthorizationsRow, error) {
		return r.Store.db.Q().LapsedAuthorizations(ctx, db.LapsedAuthorizationsParams{AfterID: after, MaxRows: scanPage})
	}
	return scanByOrder(r, page, func(row db.LapsedAuthorizationsRow) uuid.UUID { return row.OrderID },
		func(row db.LapsedAuthorizationsRow) error {
			status := orders.Status(row.Status)
			f := Finding{Kind: KindAuthorizationLapsed, OrderID: row.OrderID,
				Detail: fmt.Sprintf("order is %s; its authorization lapsed at %s", status, row.ExpiresAt.UTC().Format(time.RFC3339))}
			if status.Ended() {
				f.Repaired = r.Orders.VoidPayment(ctx, row.OrderID) == nil
				f.Detail += "; recorded voided"
			}
			return found(f)
		})
}
