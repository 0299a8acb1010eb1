package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/testenv"
)

func TestSeedIsIdempotentAndKeepsStock(t *testing.T) {
	pool, dbURL := testenv.NewPool(t)
	kv := map[string]string{"ENV_FILE": os.DevNull, "DATABASE_URL": dbURL, "SECRET_KEY": "changethis"}
	seed := func() {
		t.Helper()
		if err := run(t.Context(), []string{"orders", "seed"}, envOf(kv), nil, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
	}
	seed()
	q := db.New(pool)
	rows, err := q.ListProducts(t.Context(), db.ListProductsParams{Limit: 100})
	if err != nil || len(rows) != len(demoProducts) {
		t.Fatalf("%d products, %v", len(rows), err)
	}
	lamp := rows[0].Product.ID
	for _, r := range rows {
		if r.Product.Sku == "LAMP-005" {
			lamp = r.Product.ID
		}
	}
	if _, err := q.AdjustOnHand(t.Context(), db.AdjustOnHandParams{ProductID: lamp, Delta: -2}); err != nil {
		t.Fatal(err)
	}
	seed()
	inv, err := q.GetInventory(t.Context(), lamp)
	if err != nil || inv.OnHand != 1 {
		t.Fatalf("seeding again reset stock: %+v %v", inv, err)
	}
	if n, _ := q.CountProducts(t.Context(), db.CountProductsParams{}); n != int64(len(demoProducts)) {
		t.Fatalf("seeding again made %d products", n)
	}
}
