package orders

import (
	"errors"
	"testing"
)

// TestStartBreaker: closed, a failure opens it until a start succeeds; a
// start abandoned by its caller changes nothing.
func TestStartBreaker(t *testing.T) {
	var b startBreaker
	allowed := func(want bool, when string) {
		t.Helper()
		if got := b.allow(); got != want {
			t.Fatalf("%s: allow() = %v, want %v", when, got, want)
		}
	}
	down := errors.New("unavailable")

	allowed(true, "closed")
	b.record(nil, true)
	allowed(true, "closed, a start abandoned")
	b.record(down, false)
	allowed(false, "open")
	allowed(false, "open, a second caller")
	b.record(nil, true)
	allowed(false, "open, a start abandoned")
	b.record(down, false)
	allowed(false, "open, the relay failed again")
	b.record(nil, false)
	allowed(true, "the relay started one: closed")
}
