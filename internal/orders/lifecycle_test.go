package orders_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/testenv"
)

// TestLifecycleTableHoldsTogether: every status but the terminal ones leads
// somewhere, every status is reached from pending, and the terminal ones
// are the three an order ends in.
func TestLifecycleTableHoldsTogether(t *testing.T) {
	reached := map[orders.Status]bool{orders.StatusPending: true}
	for changed := true; changed; {
		changed = false
		for _, r := range orders.Rules() {
			if r.Allowed && reached[r.Status] && !reached[r.Next] {
				reached[r.Next], changed = true, true
			}
		}
	}
	var terminal []orders.Status
	for _, s := range orders.Statuses() {
		if !reached[s] {
			t.Errorf("%s cannot be reached from pending", s)
		}
		if s.Terminal() {
			terminal = append(terminal, s)
		}
		if s.Ended() && !s.Terminal() {
			t.Errorf("%s carries a reason, yet the order goes on", s)
		}
	}
	if want := []orders.Status{orders.StatusReturned, orders.StatusCancelled, orders.StatusFailed}; !slices.Equal(terminal, want) {
		t.Errorf("terminal statuses %v, want %v", terminal, want)
	}
	if want := []orders.Action{orders.ActionCancel, orders.ActionApprove, orders.ActionReject, orders.ActionShip, orders.ActionDeliver}; !slices.Equal(orders.Askable(), want) {
		t.Errorf("askable actions %v, want %v", orders.Askable(), want)
	}
	for _, r := range orders.Rules() {
		if r.Allowed == (r.Refusal != "") || r.Allowed == (r.Next == "") || len(r.By) == 0 {
			t.Errorf("incoherent rule %+v", r)
		}
	}
	if r := orders.Decide(orders.StatusConfirmed, "refund"); r.Allowed || r.Refusal == "" {
		t.Errorf("an unknown action: %+v", r)
	}
}

func TestLifecycleRefusalsSayWhy(t *testing.T) {
	for _, c := range []struct {
		s    orders.Status
		a    orders.Action
		want string
	}{
		{orders.StatusShipped, orders.ActionCancel, "order is shipped; it can be cancelled only until it ships"},
		{orders.StatusPending, orders.ActionApprove, "order is pending; only an order awaiting approval can be approved"},
		{orders.StatusAwaitingApproval, orders.ActionShip, "order is awaiting_approval; only a confirmed order can ship"},
		{orders.StatusDelivered, orders.ActionDeliver, "order is delivered; only a shipped order can be delivered"},
		{orders.StatusReturned, orders.ActionDeliver, "order is returned; its lifecycle is over"},
	} {
		if got := orders.Decide(c.s, c.a).Refusal; got != c.want {
			t.Errorf("%s of a %s order: %q, want %q", c.a, c.s, got, c.want)
		}
	}
	if !orders.MayAsk(orders.PartyCustomer, orders.ActionCancel) || orders.MayAsk(orders.PartyCustomer, orders.ActionApprove) ||
		!orders.MayAsk(orders.PartyCarrier, orders.ActionDeliver) || orders.MayAsk(orders.PartyOperator, orders.ActionConfirm) {
		t.Error("who may ask is not as the table says")
	}
}

// The lifecycle section of docs/architecture.md is generated from the table
// (orders.LifecycleDoc); `make docs` rewrites it, `make check` fails while
// it is stale.
const (
	docBegin = "<!-- lifecycle: generated from internal/orders/lifecycle.go by `make docs`; do not edit -->\n"
	docEnd   = "<!-- end of lifecycle -->"
)

func TestLifecycleDocIsCurrent(t *testing.T) {
	path := filepath.Join(testenv.RepoRoot(t), "docs", "architecture.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	begin, end := strings.Index(doc, docBegin), strings.Index(doc, docEnd)
	if begin < 0 || end < begin {
		t.Fatalf("%s has no generated lifecycle section (%q ... %q)", path, docBegin, docEnd)
	}
	current := doc[:begin+len(docBegin)] + orders.LifecycleDoc() + doc[end:]
	if current == doc {
		return
	}
	if os.Getenv("UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, []byte(current), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the lifecycle section of %s", path)
		return
	}
	t.Fatalf("the lifecycle section of %s is stale: run `make docs`", path)
}
