package orders

import "slices"

// Status is where an order is in its lifecycle. The database's order_status
// enum holds the same values (a test keeps the two equal); nothing else
// spells them out. Which action leads from which status to which is the
// lifecycle table (lifecycle.go).
type Status string

const (
	StatusPending          Status = "pending"
	StatusAwaitingApproval Status = "awaiting_approval"
	StatusConfirmed        Status = "confirmed"
	StatusShipped          Status = "shipped"
	StatusDelivered        Status = "delivered"
	StatusReturned         Status = "returned" // every unit came back
	StatusCancelled        Status = "cancelled"
	StatusFailed           Status = "failed"
)

// Statuses lists every status in lifecycle order.
func Statuses() []Status {
	return []Status{StatusPending, StatusAwaitingApproval, StatusConfirmed, StatusShipped,
		StatusDelivered, StatusReturned, StatusCancelled, StatusFailed}
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses(), s) }

// Ended reports whether the order ended without being delivered, so that it
// carries a reason.
func (s Status) Ended() bool { return s == StatusCancelled || s == StatusFailed }

// PaymentStatus is what the payment gateway holds for an order.
type PaymentStatus string

const (
	PaymentAuthorized        PaymentStatus = "authorized"
	PaymentCaptured          PaymentStatus = "captured"
	PaymentPartiallyRefunded PaymentStatus = "partially_refunded"
	PaymentRefunded          PaymentStatus = "refunded"
	PaymentVoided            PaymentStatus = "voided"
)

// ShipmentStatus is what the carrier was asked, and said.
type ShipmentStatus string

const (
	ShipmentRequested ShipmentStatus = "requested"
	ShipmentShipped   ShipmentStatus = "shipped"
	ShipmentDelivered ShipmentStatus = "delivered"
	ShipmentCancelled ShipmentStatus = "cancelled"
)

// ReservationState is what an order holds of the stock: held until released
// (cancelled, failed) or committed (shipped: the goods left the shelf).
type ReservationState string

const (
	ReservationHeld      ReservationState = "held"
	ReservationReleased  ReservationState = "released"
	ReservationCommitted ReservationState = "committed"
)
