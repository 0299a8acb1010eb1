package api

import (
	"testing"
	"time"
)

func TestRateLimiterCountsPerClientPerWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 59, 0, time.UTC) // a second before a minute turns
	l := newRateLimiter(2, time.Minute)
	l.now = func() time.Time { return now }
	for i := range 2 {
		if ok, _ := l.allow("10.0.0.1"); !ok {
			t.Fatalf("request %d refused", i)
		}
	}
	now = now.Add(2 * time.Second) // the wall-clock minute turned; the window did not
	ok, wait := l.allow("10.0.0.1")
	if ok || wait != 58*time.Second {
		t.Fatalf("third request: allowed %v, wait %s", ok, wait)
	}
	if ok, _ := l.allow("10.0.0.2"); !ok {
		t.Fatal("another client is refused")
	}
	now = now.Add(58 * time.Second)
	if ok, _ := l.allow("10.0.0.1"); !ok {
		t.Fatal("refused in the next window")
	}
}
