package main

import (
	"context"
	"fmt"

	"github.com/acme/orders/db"
)

// demoProducts is a small catalog to place orders against from /docs. The
// Espresso Machine costs more than the default approval threshold, so an
// order of it waits for an operator.
var demoProducts = []struct {
	sku, name, description string
	priceCents             int64
	stock                  int32
}{
	{"MUG-001", "Enamel Mug", "350 ml, white with a blue rim.", 1290, 100},
	{"TEE-002", "Organic T-Shirt", "Unisex, size M, heather grey.", 2490, 50},
	{"BAG-003", "Canvas Tote Bag", "Heavy canvas, inner pocket.", 1890, 75},
	{"BEANS-004", "Coffee Beans 1 kg", "Medium roast, whole beans.", 2290, 200},
	{"LAMP-005", "Desk Lamp", "LED, dimmable, warm white.", 4990, 3},
	{"ESP-006", "Espresso Machine", "15 bar pump; orders of it need an operator's approval.", 129900, 10},
}

func runSeed(ctx context.Context, e env, _ []string) error {
	pool, err := db.NewPool(ctx, e.cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer pool.Close()
	return db.InTx(ctx, pool, func(q *db.Queries) error {
		for _, p := range demoProducts {
			product, err := q.UpsertProductBySKU(ctx, db.UpsertProductBySKUParams{
				Sku: p.sku, Name: p.name, Description: p.description, PriceCents: p.priceCents, Currency: "EUR",
			})
			if err != nil {
				return fmt.Errorf("seed %s: %w", p.sku, err)
			}
			if err := q.CreateInventory(ctx, db.CreateInventoryParams{ProductID: product.ID, OnHand: p.stock}); err != nil {
				return fmt.Errorf("seed stock of %s: %w", p.sku, err)
			}
		}
		fmt.Fprintf(e.stdout, "demo catalog ready: %d products\n", len(demoProducts))
		return nil
	})
}
