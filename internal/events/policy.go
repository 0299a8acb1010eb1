package events

import (
	"math/rand/v2"
	"time"
)

// Policy is when a failed delivery is tried again, and when an endpoint
// that keeps failing is disabled.
type Policy struct {
	// Schedule is the wait before each retry: a delivery gets
	// len(Schedule)+1 attempts (WEBHOOK_RETRY_SCHEDULE).
	Schedule []time.Duration
	// DisableAfter is how long an endpoint's every delivery may fail before
	// it is disabled (WEBHOOK_DISABLE_AFTER).
	DisableAfter time.Duration
}

// DefaultSchedule waits about 3 days in all: 5s, 5m, 30m, 2h, 5h, 10h,
// 14h, 20h, 24h.
var DefaultSchedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour,
	10 * time.Hour, 14 * time.Hour, 20 * time.Hour, 24 * time.Hour,
}

// Outcome is what an attempt came to.
type Outcome int

const (
	// Delivered: the receiver answered 2xx.
	Delivered Outcome = iota
	// Retryable: no answer in time, no connection, 408, 429 or 5xx.
	Retryable
	// Refused: any other answer; retrying would get the same.
	Refused
	// Gone: 410, the receiver asks to be forgotten; its endpoint is disabled.
	Gone
)

// maxRetryAfter bounds how long a receiver's Retry-After can put a retry off.
const maxRetryAfter = 24 * time.Hour

// Next is where a delivery stands after its attempts-th attempt came to o
// at now: finished in a state (next nil), or pending until next. A retry
// waits the schedule's interval with ±10 % jitter, or the receiver's
// Retry-After when that is longer.
func (p Policy) Next(attempts int, o Outcome, retryAfter time.Duration, now time.Time) (DeliveryState, *time.Time) {
	switch o {
	case Delivered:
		return DeliverySucceeded, nil
	case Refused, Gone:
		return DeliveryFailed, nil
	}
	if attempts > len(p.Schedule) {
		return DeliveryFailed, nil
	}
	wait := p.Schedule[attempts-1]
	wait += time.Duration((rand.Float64()*0.2 - 0.1) * float64(wait))
	if retryAfter > wait {
		wait = min(retryAfter, maxRetryAfter)
	}
	next := now.Add(wait)
	return DeliveryPending, &next
}

// Disable tells whether an endpoint failing since since is to be disabled
// at now.
func (p Policy) Disable(since *time.Time, now time.Time) bool {
	return since != nil && p.DisableAfter > 0 && now.Sub(*since) >= p.DisableAfter
}
