package catalog_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/page"
	"github.com/acme/orders/internal/testenv"
)

func newService(t *testing.T) (*catalog.Service, *pgxpool.Pool, uuid.UUID) {
	t.Helper()
	pool, _ := testenv.NewPool(t)
	store := db.NewStore(pool)
	u, err := store.Q().CreateUser(t.Context(), db.CreateUserParams{Email: "ops@example.com", PasswordHash: "x", IsActive: true, Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	return catalog.NewService(catalog.NewStore(store)), pool, u.ID
}

func TestStockIsAdjustedWithinWhatOrdersHold(t *testing.T) {
	s, pool, ops := newService(t)
	mug, err := s.Create(t.Context(), &ops, catalog.NewProduct{SKU: "MUG", Name: "Mug", PriceCents: 1290, Currency: "EUR", Active: true, InitialStock: 10})
	if err != nil || mug.OnHand != 10 || mug.Available() != 10 {
		t.Fatalf("created %+v %v", mug, err)
	}
	if _, err := s.Create(t.Context(), &ops, catalog.NewProduct{SKU: "MUG", Name: "Twin", Currency: "EUR"}); !errors.Is(err, catalog.ErrSKUTaken) {
		t.Fatalf("duplicate SKU: %v", err)
	}
	if _, err := pool.Exec(t.Context(), "UPDATE inventory SET reserved = 4 WHERE product_id = $1", mug.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdjustStock(t.Context(), &ops, mug.ID, -7, "count"); !errors.Is(err, catalog.ErrStockBelowReserved) {
		t.Fatalf("below what is reserved: %v", err)
	}
	if _, err := s.AdjustStock(t.Context(), &ops, mug.ID, 0, "nothing"); !errors.Is(err, catalog.ErrZeroDelta) {
		t.Fatalf("zero: %v", err)
	}
	if _, err := s.AdjustStock(t.Context(), &ops, uuid.New(), 1, "x"); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("no such product: %v", err)
	}
	got, err := s.AdjustStock(t.Context(), &ops, mug.ID, -6, "breakage")
	if err != nil || got.OnHand != 4 || got.Available() != 0 {
		t.Fatalf("adjusted %+v %v", got, err)
	}
	adjustments, err := s.Adjustments(t.Context(), mug.ID)
	if err != nil || len(adjustments) != 2 || adjustments[0].Reason != "breakage" || *adjustments[0].ActorID != ops ||
		adjustments[1].Reason != "initial stock" {
		t.Fatalf("adjustments %+v %v", adjustments, err)
	}
}

func TestDeleteKeepsWhatOrdersReference(t *testing.T) {
	s, pool, ops := newService(t)
	ordered, _ := s.Create(t.Context(), &ops, catalog.NewProduct{SKU: "A", Name: "A", Currency: "EUR", Active: true})
	spare, _ := s.Create(t.Context(), &ops, catalog.NewProduct{SKU: "B", Name: "B", Currency: "EUR", Active: true})
	_, err := pool.Exec(t.Context(), `WITH o AS (
		INSERT INTO orders (customer_id, currency, total_cents, shipping_address, payment_token, idempotency_key, request_hash)
		VALUES ($1, 'EUR', 0, '{}', 't', 'k', 'h') RETURNING id)
		INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price_cents, quantity)
		SELECT id, 1, $2, 'A', 'A', 0, 1 FROM o`, ops, ordered.ID)
	if err != nil {
		t.Fatal(err)
	}
	if deactivated, err := s.Delete(t.Context(), ordered.ID); err != nil || !deactivated {
		t.Fatalf("ordered product: %v %v", deactivated, err)
	}
	if p, err := s.Get(t.Context(), ordered.ID); err != nil || p.Active {
		t.Fatalf("the ordered product is gone or active: %+v %v", p, err)
	}
	if deactivated, err := s.Delete(t.Context(), spare.ID); err != nil || deactivated {
		t.Fatalf("spare product: %v %v", deactivated, err)
	}
	if _, err := s.Get(t.Context(), spare.ID); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("deleted product: %v", err)
	}
	if _, err := s.Delete(t.Context(), spare.ID); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

// TestSearchPagesEveryMatchNewestFirst pages through searches of a word
// many products share (served by the walk of the newest products) and of
// a rare one (served by the trigram index), across more products than the
// walk covers: every match comes once, newest first.
func TestSearchPagesEveryMatchNewestFirst(t *testing.T) {
	s, pool, _ := newService(t)
	const n = 2600 // more than the search's window of 2000
	_, err := pool.Exec(t.Context(), `
		INSERT INTO products (sku, name, price_cents, currency, created_at)
		SELECT 'P-' || g, CASE WHEN g % 2 = 0 THEN 'Even Mug ' ELSE 'Odd Bowl ' END || g
		       || CASE WHEN g IN (5, 1300, 2599) THEN ' Zebra' ELSE '' END,
		       100, 'EUR', now() - make_interval(secs => $1 - g)
		FROM generate_series(1, $1::int) g`, n)
	if err == nil {
		_, err = pool.Exec(t.Context(), `INSERT INTO inventory (product_id, on_hand) SELECT id, 1 FROM products`)
	}
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"mug": n / 2, "ZEBRA": 3, "P-13": 1 + 10 + 100, "nothing": 0} {
		var seen []string
		f := catalog.Filter{Search: q, Page: page.Request{Limit: 50}}
		for {
			found, _, err := s.List(t.Context(), f)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range found.Items {
				seen = append(seen, p.SKU)
			}
			if found.Next == "" {
				break
			}
			f.Page.Cursor = found.Next
		}
		if len(seen) != want {
			t.Fatalf("q=%s: %d matches, want %d", q, len(seen), want)
		}
		for i := 1; i < len(seen); i++ {
			if number(seen[i]) >= number(seen[i-1]) {
				t.Fatalf("q=%s: %s after %s, not newest first", q, seen[i], seen[i-1])
			}
		}
	}
}

func number(sku string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(sku, "P-"))
	return n
}
