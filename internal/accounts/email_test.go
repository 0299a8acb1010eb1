package accounts_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/acme/orders/internal/accounts"
)

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"ann@example.com":        "ann@example.com",
		"  Ann@Example.com\t":    "Ann@Example.com",
		"first.last+tag@sub.io":  "first.last+tag@sub.io",
		"o'brien@example.ie":     "o'brien@example.ie",
		"\nann@example.com\r\n ": "ann@example.com",
	} {
		if got, err := accounts.NormalizeEmail(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "   ", "Ann <ann@example.com>", "<ann@example.com>", `"Ann" <ann@example.com>`,
		"ann@example.com (work)", `"ann smith"@example.com`, "ann smith@example.com", "ann@exa mple.com",
		"ann", "@example.com", "ann@", "ann@example.com, bob@example.com", "ann@example.com;",
		strings.Repeat("a", 250) + "@example.com",
	} {
		if got, err := accounts.NormalizeEmail(in); !errors.Is(err, accounts.ErrInvalidEmail) {
			t.Errorf("%q: accepted as %q", in, got)
		}
	}
}
