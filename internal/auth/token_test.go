package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestTokenRoundTrip(t *testing.T) {
	tk := NewTokens("secret-one")
	id := uuid.New()
	s, err := tk.Issue(id, 3, PurposeAccess, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, ver, err := tk.Parse(s, PurposeAccess)
	if err != nil || got != id || ver != 3 {
		t.Fatalf("parse: %v %v %v", got, ver, err)
	}
}

func TestRejectedTokens(t *testing.T) {
	tk := NewTokens("secret-one")
	id := uuid.New()
	good, _ := tk.Issue(id, 1, PurposeAccess, time.Hour)
	parts := strings.Split(good, ".")

	expired := func() string {
		old := NewTokens("secret-one")
		old.now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
		s, _ := old.Issue(id, 1, PurposeAccess, time.Hour)
		return s
	}()
	otherKey, _ := NewTokens("secret-two").Issue(id, 1, PurposeAccess, time.Hour)
	reset, _ := tk.Issue(id, 1, PurposeReset, time.Hour)
	// alg none: a header claiming no signature, with the real payload.
	noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	algNone := noneHeader + "." + parts[1] + "."
	// A payload changed after signing (another user).
	forged := strings.Replace(good, parts[1], base64.RawURLEncoding.EncodeToString(
		[]byte(`{"sub":"`+uuid.NewString()+`","exp":9999999999,"ver":1,"purpose":"access"}`)), 1)
	hs512 := func() string {
		// Same secret, another algorithm: refused, only HS256 is accepted.
		header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS512","typ":"JWT"}`))
		return header + "." + parts[1] + "." + parts[2]
	}()

	cases := map[string]string{
		"empty": "", "garbage": "not.a.token", "expired": expired, "other key": otherKey,
		"reset token as access": reset, "alg none": algNone, "forged payload": forged, "HS512": hs512,
	}
	for name, tok := range cases {
		if _, _, err := tk.Parse(tok, PurposeAccess); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: want ErrInvalidToken, got %v", name, err)
		}
	}
}
