package activities

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// PaymentGateway is what the order workflow needs of a payment provider.
// Every call is idempotent for the same key or reference, as real gateways
// are with an idempotency key.
type PaymentGateway interface {
	Name() string
	// Authorize holds amount on the payment method behind token. A decline
	// is ErrPaymentDeclined; any other error is worth retrying.
	Authorize(ctx context.Context, key string, amountCents int64, currency, token string) (ref string, err error)
	Capture(ctx context.Context, ref string) error
	Void(ctx context.Context, ref string) error
	Refund(ctx context.Context, ref string) error
}

// ErrPaymentDeclined is the gateway's final no.
var ErrPaymentDeclined = errors.New("payment declined")

// ErrGatewayUnavailable is a transient failure.
var ErrGatewayUnavailable = errors.New("payment gateway unavailable")

// Test tokens the simulated gateway recognises.
const (
	TokenApprove   = "tok_approve"
	TokenDecline   = "tok_decline"
	TokenTransient = "tok_transient" // fails TransientFailures times per order, then approves
)

// SimulatedGateway stands in for a payment provider: the default, and what
// the tests and demo use. Unknown tokens are declined.
type SimulatedGateway struct {
	TransientFailures int

	mu       sync.Mutex
	attempts map[string]int
}

// NewSimulatedGateway fails tok_transient authorizations twice before approving.
func NewSimulatedGateway() *SimulatedGateway {
	return &SimulatedGateway{TransientFailures: 2, attempts: map[string]int{}}
}

func (g *SimulatedGateway) Name() string { return "simulated" }

func (g *SimulatedGateway) Authorize(_ context.Context, key string, amountCents int64, currency, token string) (string, error) {
	switch token {
	case TokenApprove:
	case TokenTransient:
		g.mu.Lock()
		g.attempts[key]++
		n := g.attempts[key]
		g.mu.Unlock()
		if n <= g.TransientFailures {
			return "", fmt.Errorf("%w (simulated, attempt %d)", ErrGatewayUnavailable, n)
		}
	default:
		return "", ErrPaymentDeclined
	}
	return fmt.Sprintf("sim_auth_%s_%d%s", key, amountCents, currency), nil
}

func (g *SimulatedGateway) Capture(context.Context, string) error { return nil }
func (g *SimulatedGateway) Void(context.Context, string) error    { return nil }
func (g *SimulatedGateway) Refund(context.Context, string) error  { return nil }
