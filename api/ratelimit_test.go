package api

import (
	"testing"
	"time"
)

// TestRateLimitSlidesAcrossTheMinute: five attempts just before a minute
// turns leave no room for a sixth just after it (fixed windows would allow
// ten in two seconds); the client may try again once the second oldest has
// left the window, and refused attempts count.
func TestRateLimitSlidesAcrossTheMinute(t *testing.T) {
	start := time.Date(2026, 1, 1, 12, 0, 58, 0, time.UTC)
	now := start
	log := newMemoryRateLog()
	log.now = func() time.Time { return now }
	l := &rateLimiter{bucket: "login", limit: 5, window: time.Minute, log: log}
	attempt := func(client string) (time.Duration, bool) {
		recent, err := log.Record(t.Context(), l.bucket, client, l.limit+1, l.window)
		if err != nil {
			t.Fatal(err)
		}
		return l.refused(recent)
	}
	starts := []time.Duration{0, 300 * time.Millisecond, 600 * time.Millisecond, time.Second, 1500 * time.Millisecond}
	for i, at := range starts {
		now = start.Add(at)
		if _, refused := attempt("10.0.0.1"); refused {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	now = time.Date(2026, 1, 1, 12, 1, 1, 0, time.UTC)
	wait, refused := attempt("10.0.0.1")
	if !refused || wait != 57300*time.Millisecond {
		t.Fatalf("6th attempt, after the minute turned: refused %v, wait %s; want refused, 57.3s (until 12:01:58.3)", refused, wait)
	}
	if _, refused := attempt("10.0.0.2"); refused {
		t.Fatal("another client shares the log")
	}
	if recent, _ := log.Record(t.Context(), "signup", "10.0.0.1", 2, time.Minute); len(recent) != 1 {
		t.Fatalf("another operation shares the log: %v", recent)
	}
	now = time.Date(2026, 1, 1, 12, 1, 58, 300*int(time.Millisecond), time.UTC)
	if _, refused := attempt("10.0.0.1"); refused {
		t.Fatal("refused after the Retry-After")
	}
	if _, refused := attempt("10.0.0.1"); !refused {
		t.Fatal("a 7th attempt in a minute (the refused one counts) was allowed")
	}
}

// TestMemoryRateLogStaysBounded: a client's log keeps its latest attempts
// only, and a client idle for a window is forgotten.
func TestMemoryRateLogStaysBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	log := newMemoryRateLog()
	log.now = func() time.Time { return now }
	for range 100 {
		now = now.Add(time.Millisecond)
		if _, err := log.Record(t.Context(), "login", "10.0.0.1", 3, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(log.logs[memoryLogKey{"login", "10.0.0.1"}]); got != 3 {
		t.Fatalf("kept %d attempts, want 3", got)
	}
	now = now.Add(2 * time.Minute)
	recent, _ := log.Record(t.Context(), "login", "10.0.0.2", 3, time.Minute)
	if len(recent) != 1 || len(log.logs) != 1 {
		t.Fatalf("after two idle minutes: recent %v, %d logs kept, want 1", recent, len(log.logs))
	}
}
