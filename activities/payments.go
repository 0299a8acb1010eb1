package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// PaymentGateway is what the order workflow needs of a payment provider:
// authorize with manual capture, capture, void, refund in part or in full.
// Every call carries an idempotency key derived from the order and the
// step, so a retried call never charges, captures or refunds twice.
type PaymentGateway interface {
	Name() string
	// Authorize holds the amount on the payment method behind the token. A
	// decline is ErrPaymentDeclined; any other error is worth retrying.
	Authorize(ctx context.Context, a Authorize) (Authorized, error)
	Capture(ctx context.Context, key, ref string) error
	Void(ctx context.Context, key, ref string) error
	// Refund gives back part or all of a captured payment and returns the
	// provider's refund ID. A refusal is ErrRefundRefused; any other
	// error is worth retrying.
	Refund(ctx context.Context, r RefundCall) (ref string, err error)
}

// Authorize is an authorization asked of the provider.
type Authorize struct {
	Key         string // the idempotency key
	OrderID     string // kept with the payment at the provider, to find the order again
	AmountCents int64
	Currency    string
	Token       string // the customer's payment method, as the provider gave it
}

// Authorized is an authorization the provider holds.
type Authorized struct {
	Ref string
	// ExpiresAt is when it lapses, as the provider says; nil when it did
	// not say (the configured lifetime applies).
	ExpiresAt *time.Time
}

// RefundCall is a refund asked of the provider.
type RefundCall struct {
	Key         string // the idempotency key
	Ref         string // the payment's
	RefundID    string // the platform's, kept with the refund at the provider
	AmountCents int64
	Reason      string
}

var (
	// ErrPaymentDeclined is the provider's final no to an authorization.
	ErrPaymentDeclined = errors.New("payment declined")
	// ErrRefundRefused is the provider's final no to a refund.
	ErrRefundRefused = errors.New("refund refused by the payment provider")
	// ErrGatewayUnavailable is a transient failure.
	ErrGatewayUnavailable = errors.New("payment gateway unavailable")
)

// Test tokens the simulated gateway recognises: today's three, and Stripe's
// documented test tokens and payment methods.
const (
	TokenApprove   = "tok_approve"
	TokenDecline   = "tok_decline"
	TokenTransient = "tok_transient" // fails TransientFailures times per order, then approves
)

var (
	approvingTokens = []string{TokenApprove, "tok_visa", "pm_card_visa", "tok_mastercard", "pm_card_mastercard"}
	decliningTokens = []string{TokenDecline, "tok_chargeDeclined", "pm_card_chargeDeclined"}
)

// SimulatedGateway stands in for a payment provider: the default, and what
// the tests and the demo use. Unknown tokens are declined.
type SimulatedGateway struct {
	TransientFailures int // of tok_transient's authorizations, per order
	RefundFailures    int // of every refund, per refund: 0 unless a test sets it

	mu       sync.Mutex
	attempts map[string]int
}

// NewSimulatedGateway fails tok_transient authorizations twice before approving.
func NewSimulatedGateway() *SimulatedGateway {
	return &SimulatedGateway{TransientFailures: 2, attempts: map[string]int{}}
}

func (g *SimulatedGateway) Name() string { return "simulated" }

// attempt counts a call under key and tells whether it is among the first n.
func (g *SimulatedGateway) attempt(key string, n int) (int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.attempts[key]++
	return g.attempts[key], g.attempts[key] <= n
}

func (g *SimulatedGateway) Authorize(_ context.Context, a Authorize) (Authorized, error) {
	switch {
	case slices.Contains(approvingTokens, a.Token):
	case a.Token == TokenTransient:
		if n, fail := g.attempt(a.Key, g.TransientFailures); fail {
			return Authorized{}, fmt.Errorf("%w (simulated, attempt %d)", ErrGatewayUnavailable, n)
		}
	case slices.Contains(decliningTokens, a.Token):
		return Authorized{}, ErrPaymentDeclined
	default:
		return Authorized{}, fmt.Errorf("%w: unknown token", ErrPaymentDeclined)
	}
	return Authorized{Ref: fmt.Sprintf("sim_auth_%s_%d%s", strings.ReplaceAll(a.Key, ":", "_"), a.AmountCents, a.Currency)}, nil
}

func (g *SimulatedGateway) Capture(context.Context, string, string) error { return nil }
func (g *SimulatedGateway) Void(context.Context, string, string) error    { return nil }

func (g *SimulatedGateway) Refund(_ context.Context, r RefundCall) (string, error) {
	if n, fail := g.attempt(r.Key, g.RefundFailures); fail {
		return "", fmt.Errorf("%w (simulated refund, attempt %d)", ErrGatewayUnavailable, n)
	}
	return "sim_re_" + r.RefundID, nil
}
