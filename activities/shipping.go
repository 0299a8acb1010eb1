package activities

import "context"

// Carrier is what the order workflow needs of a shipping company. Requests
// are idempotent by order ID.
type Carrier interface {
	Name() string
	RequestShipment(ctx context.Context, orderID string) (ref string, err error)
	CancelShipment(ctx context.Context, ref string) error
}

// SimulatedCarrier accepts every request. Shipped and delivered come from an
// operator (API or temporal CLI), as a real carrier's webhook would.
type SimulatedCarrier struct{}

func (SimulatedCarrier) Name() string { return "simulated" }

func (SimulatedCarrier) RequestShipment(_ context.Context, orderID string) (string, error) {
	return "SIM-" + orderID, nil
}

func (SimulatedCarrier) CancelShipment(context.Context, string) error { return nil }
