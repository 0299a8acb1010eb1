package api

import (
	"testing"
	"time"
)

func TestMemoryRateCounterCountsPerClientPerWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 59, 0, time.UTC) // a second before a minute turns
	c := newMemoryRateCounter()
	c.now = func() time.Time { return now }
	hit := func(bucket, client string) (int, time.Duration) {
		n, wait, err := c.Hit(t.Context(), bucket, client, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return n, wait
	}
	for i := range 2 {
		if n, _ := hit("login", "10.0.0.1"); n != i+1 {
			t.Fatalf("request %d counted %d", i+1, n)
		}
	}
	now = now.Add(2 * time.Second) // the wall-clock minute turned; the window did not
	if n, wait := hit("login", "10.0.0.1"); n != 3 || wait != 58*time.Second {
		t.Fatalf("third request: %d, window ends in %s", n, wait)
	}
	if n, _ := hit("login", "10.0.0.2"); n != 1 {
		t.Fatal("another client shares the count")
	}
	if n, _ := hit("signup", "10.0.0.1"); n != 1 {
		t.Fatal("another operation shares the count")
	}
	now = now.Add(58 * time.Second)
	if n, _ := hit("login", "10.0.0.1"); n != 1 {
		t.Fatal("the next window starts from the last")
	}
}
