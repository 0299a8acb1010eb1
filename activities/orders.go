package activities

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/db"
)

// Orders holds the order lifecycle's side effects: the database read model,
// stock, the payment gateway and the carrier.
type Orders struct {
	DB          *pgxpool.Pool
	Payments    PaymentGateway
	Carrier     Carrier
	ProjectName string // for the e-mails it builds
}

// Application error types the order workflow tells apart. All are
// non-retryable: retrying cannot change the answer.
const (
	ErrTypeOutOfStock        = "OutOfStock"
	ErrTypePaymentDeclined   = "PaymentDeclined"
	ErrTypeInvalidTransition = "InvalidTransition"
)

// TransitionInput moves an order's read model from one status to another
// and records why in its timeline.
type TransitionInput struct {
	OrderID uuid.UUID      `json:"order_id"`
	From    db.OrderStatus `json:"from"`
	To      db.OrderStatus `json:"to"`
	Actor   string         `json:"actor"`
	Detail  string         `json:"detail"`
}

// Transition writes the status and its event in one transaction. A retry
// after a commit finds the order already moved and succeeds without a second
// event; any other status is a non-retryable error.
func (o *Orders) Transition(ctx context.Context, in TransitionInput) error {
	return db.InTx(ctx, o.DB, func(q *db.Queries) error {
		var reason *string
		if in.To == db.OrderStatusFailed || in.To == db.OrderStatusCancelled {
			reason = &in.Detail
		}
		_, err := q.TransitionOrder(ctx, db.TransitionOrderParams{ID: in.OrderID, FromStatus: in.From, ToStatus: in.To, FailureReason: reason})
		if errors.Is(err, pgx.ErrNoRows) {
			order, gerr := q.GetOrder(ctx, in.OrderID)
			if gerr != nil {
				return gerr
			}
			if order.Status == in.To {
				return nil // a retry: already moved, and its event already written
			}
			msg := fmt.Sprintf("order %s is %s, not %s", in.OrderID, order.Status, in.From)
			return temporal.NewNonRetryableApplicationError(msg, ErrTypeInvalidTransition, nil)
		}
		if err != nil {
			return err
		}
		actor := in.Actor
		if actor == "" {
			actor = "system"
		}
		from, to := in.From, in.To
		return q.AddOrderEvent(ctx, db.AddOrderEventParams{
			OrderID: in.OrderID, Type: "status_changed", FromStatus: &from, ToStatus: &to,
			Actor: actor, Detail: in.Detail, DedupeKey: string(in.From) + "->" + string(in.To),
		})
	})
}

// lines returns the order's lines in product order: every stock change takes
// its row locks in that one order, so concurrent orders cannot deadlock.
func (o *Orders) lines(ctx context.Context, q *db.Queries, orderID uuid.UUID) ([]db.OrderLine, error) {
	lines, err := q.GetOrderLines(ctx, orderID)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, temporal.NewNonRetryableApplicationError("order has no lines", "NoLines", nil)
	}
	slices.SortFunc(lines, func(a, b db.OrderLine) int { return bytes.Compare(a.ProductID[:], b.ProductID[:]) })
	return lines, nil
}
