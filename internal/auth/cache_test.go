package auth

import (
	"testing"
	"time"
)

// TestCacheForgetsOnChangeAndWhileNotListening: an entry is served until its
// TTL or a Forget; a read that raced with a Forget is not remembered; while
// changes may go unnoticed nothing is served or remembered; a full cache
// starts over.
func TestCacheForgetsOnChangeAndWhileNotListening(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	live := true
	c := NewCache[string](30*time.Second, 2, func() bool { return live })
	c.now = func() time.Time { return now }
	hit := func(key, want string) {
		t.Helper()
		if v, _, ok := c.Get(key); !ok || v != want {
			t.Fatalf("Get(%q) = %q, %v; want %q", key, v, ok, want)
		}
	}
	miss := func(key string) uint64 {
		t.Helper()
		v, gen, ok := c.Get(key)
		if ok {
			t.Fatalf("Get(%q) = %q; want a miss", key, v)
		}
		return gen
	}

	c.Put("ann", miss("ann"), "ann v1")
	hit("ann", "ann v1")
	now = now.Add(31 * time.Second)
	miss("ann")

	gen := miss("ann")
	c.Forget() // a change committed while "ann" was being read
	c.Put("ann", gen, "ann v1")
	c.Put("ann", miss("ann"), "ann v2")
	hit("ann", "ann v2")
	c.Forget()
	miss("ann")

	c.Put("ann", miss("ann"), "ann v2")
	live = false
	miss("ann")
	c.Put("bob", miss("bob"), "bob")
	live = true
	miss("bob")

	c.Put("bob", miss("bob"), "bob")
	c.Put("eve", miss("eve"), "eve") // the third of at most 2
	hit("eve", "eve")
	miss("ann")

	var none *Cache[string]
	none.Put("ann", 0, "ann")
	if _, _, ok := none.Get("ann"); ok {
		t.Fatal("a nil cache remembered")
	}
	none.Forget()
}
