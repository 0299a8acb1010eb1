package main

import (
	"context"
	"fmt"

	"github.com/acme/orders/internal/catalog"
)

// demoProducts is a small catalog to place orders against from /docs. The
// Espresso Machine costs more than the default approval threshold, so an
// order of it waits for an operator.
var demoProducts = []catalog.NewProduct{
	{SKU: "MUG-001", Name: "Enamel Mug", Description: "350 ml, white with a blue rim.", PriceCents: 1290, InitialStock: 100},
	{SKU: "TEE-002", Name: "Organic T-Shirt", Description: "Unisex, size M, heather grey.", PriceCents: 2490, InitialStock: 50},
	{SKU: "BAG-003", Name: "Canvas Tote Bag", Description: "Heavy canvas, inner pocket.", PriceCents: 1890, InitialStock: 75},
	{SKU: "BEANS-004", Name: "Coffee Beans 1 kg", Description: "Medium roast, whole beans.", PriceCents: 2290, InitialStock: 200},
	{SKU: "LAMP-005", Name: "Desk Lamp", Description: "LED, dimmable, warm white.", PriceCents: 4990, InitialStock: 3},
	{SKU: "ESP-006", Name: "Espresso Machine", Description: "15 bar pump; orders of it need an operator's approval.", PriceCents: 129900, InitialStock: 10},
}

func runSeed(ctx context.Context, e env, _ []string) error {
	pool, store, err := openDatabase(ctx, e.cfg.Database, 2, e.tel)
	if err != nil {
		return err
	}
	defer pool.Close()
	products := catalog.NewService(catalog.NewStore(store))
	for _, p := range demoProducts {
		p.Currency = "EUR"
		if err := products.EnsureProduct(ctx, p); err != nil {
			return fmt.Errorf("seed %s: %w", p.SKU, err)
		}
	}
	fmt.Fprintf(e.stdout, "demo catalog ready: %d products\n", len(demoProducts))
	return nil
}
