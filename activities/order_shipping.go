package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/emails"
)

// RequestShipment asks the carrier to pick the order up; idempotent.
func (o *Orders) RequestShipment(ctx context.Context, orderID uuid.UUID) error {
	q := db.New(o.DB)
	if _, err := q.GetShipment(ctx, orderID); err == nil {
		return nil
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	ref, err := o.Carrier.RequestShipment(ctx, orderID.String())
	if err != nil {
		return err
	}
	return q.CreateShipment(ctx, db.CreateShipmentParams{OrderID: orderID, Carrier: o.Carrier.Name(), CarrierRef: ref})
}

// CancelShipment withdraws a shipment request that has not shipped.
func (o *Orders) CancelShipment(ctx context.Context, orderID uuid.UUID) error {
	q := db.New(o.DB)
	s, err := q.GetShipment(ctx, orderID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil || s.Status != "requested" {
		return err
	}
	if err := o.Carrier.CancelShipment(ctx, s.CarrierRef); err != nil {
		return err
	}
	return q.SetShipmentStatus(ctx, db.SetShipmentStatusParams{OrderID: orderID, Status: "cancelled"})
}

// MarkShipmentInput records what the carrier (or an operator) said.
type MarkShipmentInput struct {
	OrderID uuid.UUID `json:"order_id"`
	Status  string    `json:"status"` // shipped or delivered
}

// MarkShipment records the shipment's progress.
func (o *Orders) MarkShipment(ctx context.Context, in MarkShipmentInput) error {
	return db.New(o.DB).SetShipmentStatus(ctx, db.SetShipmentStatusParams{OrderID: in.OrderID, Status: in.Status})
}

// ConfirmationEmail builds the order-confirmation e-mail; the workflow sends
// it as a SendEmail child workflow.
func (o *Orders) ConfirmationEmail(ctx context.Context, orderID uuid.UUID) (EmailRequest, error) {
	q := db.New(o.DB)
	order, err := q.GetOrder(ctx, orderID)
	if err != nil {
		return EmailRequest{}, err
	}
	email, err := q.GetCustomerEmail(ctx, orderID)
	if err != nil {
		return EmailRequest{}, err
	}
	lines, err := q.GetOrderLines(ctx, orderID)
	if err != nil {
		return EmailRequest{}, err
	}
	summary := make([]string, len(lines))
	for i, l := range lines {
		summary[i] = fmt.Sprintf("%d x %s (%s) at %s", l.Quantity, l.Name, l.Sku, emails.Money(l.UnitPriceCents, order.Currency))
	}
	return EmailRequest{To: email, Template: emails.OrderConfirmation, Data: emails.Data{
		ProjectName: o.ProjectName, Email: email, OrderID: orderID.String(),
		Total: emails.Money(order.TotalCents, order.Currency), Lines: summary,
	}}, nil
}
