package orders_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/orders"
)

func TestStatusesAreTheDatabaseEnum(t *testing.T) {
	f := newFixture(t)
	var inDB []string
	if err := f.pool.QueryRow(t.Context(), "SELECT enum_range(NULL::order_status)::text[]").Scan(&inDB); err != nil {
		t.Fatal(err)
	}
	var inGo []string
	for _, s := range orders.Statuses() {
		inGo = append(inGo, string(s))
		if !s.Valid() {
			t.Errorf("%s is not Valid", s)
		}
	}
	if !slices.Equal(inDB, inGo) {
		t.Fatalf("database enum %v, Go vocabulary %v", inDB, inGo)
	}
	if orders.Status("lost").Valid() {
		t.Fatal("an unknown status is Valid")
	}
}

func TestPlacePricesSnapshotsRecordsAndStarts(t *testing.T) {
	f := newFixture(t)
	mug, tee := f.product(1290, "EUR", 10), f.product(2490, "EUR", 5)
	o := f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 2}, orders.LineRequest{ProductID: tee, Quantity: 1})

	if o.Status != orders.StatusPending || o.TotalCents != 2*1290+2490 || o.Currency != "EUR" || o.CustomerID != f.customer.ID ||
		len(o.Lines) != 2 || o.Lines[0].UnitPriceCents != 1290 || o.Lines[1].TotalCents() != 2490 || o.ShippingAddress != address {
		t.Fatalf("placed %+v", o)
	}
	starts := f.wf.started()
	if len(starts) != 1 || starts[0] != (orders.Start{OrderID: o.ID, TotalCents: o.TotalCents, Currency: "EUR",
		ApprovalThresholdCents: opts.ApprovalThresholdCents, ApprovalTimeout: opts.ApprovalTimeout,
		CustomerEmail: f.customer.Email, Lines: 2, PlacedAt: o.CreatedAt}) {
		t.Fatalf("starts %+v", starts)
	}
	read, err := f.svc.Get(t.Context(), f.customer, o.ID)
	if err != nil || !read.WorkflowStarted || len(read.Lines) != 2 {
		t.Fatalf("read %+v %v", read, err)
	}
	events, err := f.svc.Events(t.Context(), f.customer, o.ID)
	if err != nil || len(events) != 1 || events[0].Type != "placed" || events[0].To != orders.StatusPending ||
		events[0].Actor != f.customer.Email || events[0].Detail != "2 lines, total 5070 EUR" {
		t.Fatalf("events %+v %v", events, err)
	}
}

func TestPlaceReportsEveryLineThatCannotBeOrdered(t *testing.T) {
	f := newFixture(t)
	eur, usd, off := f.product(100, "EUR", 5), f.product(100, "USD", 5), f.product(100, "EUR", 5)
	if _, err := f.pool.Exec(t.Context(), "UPDATE products SET active = false WHERE id = $1", off); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Place(t.Context(), f.customer, request("k",
		orders.LineRequest{ProductID: eur, Quantity: 1}, orders.LineRequest{ProductID: uuid.New(), Quantity: 1},
		orders.LineRequest{ProductID: off, Quantity: 1}, orders.LineRequest{ProductID: usd, Quantity: 1}))
	var lines *orders.LinesError
	if !errors.As(err, &lines) || len(lines.Problems) != 3 {
		t.Fatalf("want three line problems, got %v", err)
	}
	for i, want := range []struct {
		index   int
		message string
	}{{1, "no such product"}, {2, "product is not for sale"}, {3, "all products of an order must share one currency"}} {
		if p := lines.Problems[i]; p.Index != want.index || p.Message != want.message {
			t.Errorf("problem %d: %+v", i, p)
		}
	}
	if n := f.count("SELECT count(*) FROM orders"); n != 0 || len(f.wf.started()) != 0 {
		t.Fatalf("a refused order left %d orders and %d starts", n, len(f.wf.started()))
	}
}

func TestPlaceIsIdempotentPerCustomerAndKey(t *testing.T) {
	f := newFixture(t)
	mug := f.product(1290, "EUR", 100)
	r := request("key-1", orders.LineRequest{ProductID: mug, Quantity: 1})
	first, err := f.svc.Place(t.Context(), f.customer, r)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.svc.Place(t.Context(), f.customer, r)
	if err != nil || again.ID != first.ID || len(again.Lines) != 1 {
		t.Fatalf("retry: %+v %v", again, err)
	}
	other := request("key-1", orders.LineRequest{ProductID: mug, Quantity: 2})
	if _, err := f.svc.Place(t.Context(), f.customer, other); !errors.Is(err, orders.ErrKeyReused) {
		t.Fatalf("same key, other order: %v", err)
	}
	if o, err := f.svc.Place(t.Context(), f.operator, r); err != nil || o.ID == first.ID {
		t.Fatalf("another customer's same key: %+v %v", o, err)
	}

	// Concurrent duplicates, from two API processes, make one order.
	r = request("key-2", orders.LineRequest{ProductID: mug, Quantity: 1})
	ids := make([]uuid.UUID, 20)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := f.svc
			if i%2 == 1 {
				svc = f.service()
			}
			o, err := svc.Place(t.Context(), f.customer, r)
			if err != nil {
				t.Error(err)
			}
			ids[i] = o.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("duplicates got %s and %s", ids[0], id)
		}
	}
	if n := f.count("SELECT count(*) FROM orders WHERE idempotency_key = 'key-2'"); n != 1 {
		t.Fatalf("%d orders for one key", n)
	}
}

// TestPlaceEnforcesEveryLineRule: whoever calls Place (not only HTTP) gets
// a domain error naming each broken rule, and nothing is written.
func TestPlaceEnforcesEveryLineRule(t *testing.T) {
	f := newFixture(t)
	mug := f.product(1290, "EUR", 10)
	many := make([]orders.LineRequest, orders.MaxLines+1)
	for i := range many {
		many[i] = orders.LineRequest{ProductID: uuid.New(), Quantity: 1}
	}
	for name, c := range map[string]struct {
		lines []orders.LineRequest
		want  []orders.LineProblem
	}{
		"no lines":       {nil, []orders.LineProblem{{Index: -1}}},
		"too many lines": {many, []orders.LineProblem{{Index: -1}}},
		"quantity 0":     {[]orders.LineRequest{{ProductID: mug, Quantity: 0}}, []orders.LineProblem{{Index: 0, Field: "quantity"}}},
		"quantity above": {[]orders.LineRequest{{ProductID: mug, Quantity: orders.MaxQuantity + 1}}, []orders.LineProblem{{Index: 0, Field: "quantity"}}},
		"a product twice": {[]orders.LineRequest{{ProductID: mug, Quantity: 1}, {ProductID: mug, Quantity: 2}},
			[]orders.LineProblem{{Index: 1, Field: "product_id"}}},
	} {
		_, err := f.svc.Place(t.Context(), f.customer, request(uuid.NewString(), c.lines...))
		var lines *orders.LinesError
		if !errors.As(err, &lines) || len(lines.Problems) != len(c.want) {
			t.Fatalf("%s: %v", name, err)
		}
		for i, p := range lines.Problems {
			if p.Index != c.want[i].Index || p.Field != c.want[i].Field || p.Message == "" {
				t.Errorf("%s: problem %+v, want at %d %s", name, p, c.want[i].Index, c.want[i].Field)
			}
		}
	}
	for _, key := range []string{"", strings.Repeat("k", orders.MaxKeyLen+1)} {
		if _, err := f.svc.Place(t.Context(), f.customer, request(key, orders.LineRequest{ProductID: mug, Quantity: 1})); !errors.Is(err, orders.ErrKeyInvalid) {
			t.Fatalf("key of %d characters: %v", len(key), err)
		}
	}
	if n := f.count("SELECT count(*) FROM orders"); n != 0 {
		t.Fatalf("%d orders written", n)
	}
}
