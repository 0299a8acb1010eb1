package orders

import "sync"

// startBreaker keeps a POST from waiting on a Temporal known to be down.
// A failed start opens it: Place then commits orders without trying to
// start their workflows and leaves them to the relay, which keeps trying
// every retry interval (taking, while the breaker is open, orders of any
// age). A start that succeeds, the relay's or a request's already in
// flight, closes it. No request probes a Temporal that failed: the relay
// does, so a customer never waits out a start timeout twice in an outage.
// Each API process has its own.
type startBreaker struct {
	mu     sync.Mutex
	failed bool
}

// allow tells whether a request should try to start its order's workflow.
func (b *startBreaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.failed
}

// record takes the outcome of a start: a failure opens the breaker, a
// success closes it. A start its caller gave up on (abandoned) tells
// nothing of Temporal.
func (b *startBreaker) record(err error, abandoned bool) {
	if abandoned {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failed = err != nil
}
