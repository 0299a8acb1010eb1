package orders

import (
	"sync"
	"time"
)

// startBreaker keeps a POST from waiting on a Temporal known to be down.
// A failed start opens it: for the cooldown, Place commits orders without
// trying to start their workflows and leaves them to the relay, which keeps
// trying (and, while it is open, takes orders of any age). A start that
// succeeds, the relay's or a request's, closes it. Once the cooldown is
// over, one request at a time tries again (half-open) while the others
// still leave their orders to the relay. Each API process has its own.
type startBreaker struct {
	cooldown time.Duration
	now      func() time.Time

	mu        sync.Mutex
	openUntil time.Time // zero: closed
	probing   bool      // a request is trying after the cooldown
}

func newStartBreaker(cooldown time.Duration) *startBreaker {
	return &startBreaker{cooldown: cooldown, now: time.Now}
}

// allow tells whether a request should try to start its order's workflow.
func (b *startBreaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.openUntil.IsZero():
		return true
	case b.probing || b.now().Before(b.openUntil):
		return false
	}
	b.probing = true
	return true
}

// open reports whether direct starts are being skipped (half-open counts as
// open: most requests still skip).
func (b *startBreaker) open() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.openUntil.IsZero()
}

// record takes the outcome of a start: a failure (re)opens the breaker
// for the cooldown, a success closes it. A start its caller gave up on
// (abandoned) tells nothing of Temporal: it only ends a probe.
func (b *startBreaker) record(err error, abandoned bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
	switch {
	case abandoned:
	case err != nil:
		b.openUntil = b.now().Add(b.cooldown)
	default:
		b.openUntil = time.Time{}
	}
}
