package orders

import (
	"errors"
	"testing"
	"time"
)

// TestStartBreaker: closed, a failure opens it for the cooldown; then one
// caller at a time probes; a probe's success closes it, its failure opens
// it again, and a probe its caller abandoned lets the next caller probe.
func TestStartBreaker(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	b := newStartBreaker(5 * time.Second)
	b.now = func() time.Time { return now }
	down := errors.New("unavailable")
	allowed := func(want bool, when string) {
		t.Helper()
		if got := b.allow(); got != want {
			t.Fatalf("%s: allow() = %v, want %v", when, got, want)
		}
	}

	allowed(true, "closed")
	allowed(true, "closed, a second caller")
	b.record(down, false)
	if !b.open() {
		t.Fatal("a failure left it closed")
	}
	allowed(false, "open")
	now = now.Add(4 * time.Second)
	allowed(false, "still within the cooldown")

	now = now.Add(2 * time.Second)
	allowed(true, "after the cooldown: a probe")
	allowed(false, "while the probe runs")
	b.record(down, false)
	allowed(false, "the probe failed: open again")

	now = now.Add(6 * time.Second)
	allowed(true, "the next probe")
	b.record(nil, true) // its caller went away
	allowed(true, "a probe abandoned: another may probe")
	b.record(nil, false)
	if b.open() {
		t.Fatal("a successful start left it open")
	}
	allowed(true, "closed again")
	allowed(true, "closed again, a second caller")
}
