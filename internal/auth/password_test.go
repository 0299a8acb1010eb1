package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHashAndVerify(t *testing.T) {
	h, err := Passwords.Hash(t.Context(), "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "correct horse") {
		t.Fatalf("hash %q", h)
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct hors": false, "": false} {
		ok, err := Passwords.Verify(t.Context(), h, pw)
		if err != nil || ok != want {
			t.Errorf("verify %q: %v %v, want %v", pw, ok, err, want)
		}
	}
	h2, _ := Passwords.Hash(t.Context(), "correct horse")
	if h == h2 {
		t.Error("two hashes of one password must differ (salt)")
	}
}

func TestMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$2b$12$abc", "$argon2id$v=19$m=x$a$b", "$argon2id$v=19$m=1,t=1,p=1$!!$!!"} {
		if _, err := Passwords.Verify(t.Context(), h, "x"); err == nil {
			t.Errorf("%q: want ErrMalformedHash", h)
		}
		if !NeedsRehash(h) {
			t.Errorf("%q: a malformed hash needs a rehash", h)
		}
	}
}

func TestNeedsRehashWhenParametersChange(t *testing.T) {
	h, _ := Passwords.Hash(t.Context(), "pw-123456")
	if NeedsRehash(h) {
		t.Fatal("fresh hash must not need a rehash")
	}
	old := Current
	t.Cleanup(func() { Current = old })
	Current = Params{Memory: old.Memory * 2, Time: old.Time, Threads: old.Threads}
	if !NeedsRehash(h) {
		t.Fatal("a hash made with weaker parameters must need a rehash")
	}
	// An old hash still verifies after the parameters change.
	if ok, err := Passwords.Verify(t.Context(), h, "pw-123456"); !ok || err != nil {
		t.Fatalf("old hash no longer verifies: %v %v", ok, err)
	}
}

// The login of an unknown user burns one verification (BurnVerify) so that it
// costs what a wrong password for a real user costs; these two benchmarks
// print both figures side by side.
func BenchmarkVerifyWrongPassword(b *testing.B) {
	h, _ := Passwords.Hash(b.Context(), "the-real-password")
	for b.Loop() {
		_, _ = Passwords.Verify(b.Context(), h, "a-wrong-password")
	}
}

func BenchmarkBurnVerifyUnknownUser(b *testing.B) {
	for b.Loop() {
		Passwords.BurnVerify(b.Context(), "a-wrong-password")
	}
}

// TestHasherQueuesBeyondItsSlots: a hash waits while every slot is held,
// and gives up when its caller does.
func TestHasherQueuesBeyondItsSlots(t *testing.T) {
	h := NewHasher(1)
	release, err := h.Hold(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := h.Hash(t.Context(), "pw-123456")
		done <- err
	}()
	for h.Waiting() != 1 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := h.Hash(ctx, "pw-123456"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a caller that gave up: %v", err)
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
