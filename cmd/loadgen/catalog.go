package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"time"
)

// The catalog workload lists and searches products and users through the
// API on a catalog seeded straight into PostgreSQL, first at the smaller of
// -catalog-sizes, then grown to the larger: each list's latency at both
// sizes, side by side in one round, tells whether it grows with the
// catalog. Later rounds measure the larger size only (a catalog does not
// shrink). The users are seeded once, catalogUsers of them. It measures
// latency, so it runs -catalog-clients at once (one per core, not enough
// to queue): a saturating closed loop would time the queue instead.

const catalogUsers = 20_000

// Every seeded product is named "<adjective> <noun> <n>" (n its number):
// a noun matches 2 % of them, an adjective and a noun 0.1 %, a number one.
var (
	seedAdjectives = []string{"Enamel", "Organic", "Canvas", "Ceramic", "Walnut", "Linen", "Copper", "Matte", "Glossy", "Vintage",
		"Compact", "Deluxe", "Rustic", "Nordic", "Classic", "Modern", "Heavy", "Slim", "Wide", "Tiny"}
	seedNouns = []string{"Mug", "Shirt", "Tote", "Lamp", "Kettle", "Bowl", "Plate", "Vase", "Clock", "Chair", "Stool", "Desk", "Shelf",
		"Rug", "Towel", "Apron", "Glass", "Bottle", "Jar", "Spoon", "Fork", "Knife", "Pan", "Pot", "Tray", "Basket", "Box", "Bag",
		"Wallet", "Belt", "Hat", "Scarf", "Sock", "Glove", "Candle", "Frame", "Mirror", "Pillow", "Blanket", "Sheet", "Cup",
		"Saucer", "Teapot", "Grinder", "Press", "Scale", "Timer", "Brush", "Comb", "Soap"}
)

// catalogQuery is one list the workload asks for; deep queries follow
// cursors from the first page before they are timed.
type catalogQuery struct {
	name  string
	path  string
	admin bool // users are a superuser's to list
	deep  int  // pages to follow by cursor first
}

func catalogQueries(size int) []catalogQuery {
	return []catalogQuery{
		{name: "products first page", path: "/products?limit=50"},
		{name: "products active", path: "/products?active=true&limit=50"},
		{name: "products 100 pages deep (cursor)", path: "/products?limit=50", deep: 100},
		{name: "products skip 5000 (old clients)", path: "/products?limit=50&skip=5000"},
		{name: "products q one noun (2%)", path: "/products?q=Mug"},
		{name: "products q two words (0.1%)", path: "/products?q=" + url.QueryEscape("Walnut Desk")},
		{name: "products q a number (1 match)", path: fmt.Sprintf("/products?q=%d", size/2+7)},
		{name: "products q nothing matches", path: "/products?q=zqxv"},
		{name: "users first page", path: "/users?limit=100", admin: true},
		{name: "users 100 pages deep (cursor)", path: "/users?limit=100", admin: true, deep: 100},
	}
}

func runCatalog(ctx context.Context, b *bench, r *result) error {
	sizes := b.o.catalogSizes
	if b.catalogSeeded >= sizes[len(sizes)-1] {
		sizes = sizes[len(sizes)-1:]
	}
	if err := b.seedUsers(ctx); err != nil {
		return err
	}
	for i, size := range sizes {
		if err := b.seedProducts(ctx, size); err != nil {
			return err
		}
		tier := "small"
		if i == len(sizes)-1 && len(b.o.catalogSizes) > 1 {
			tier = "large"
		}
		if err := b.measureCatalog(ctx, r, size, tier); err != nil {
			return err
		}
	}
	return nil
}

// measureCatalog runs the catalog's queries in a closed loop at one size.
func (b *bench) measureCatalog(ctx context.Context, r *result, size int, tier string) error {
	queries := catalogQueries(size)
	paths := make([]string, len(queries))
	for i, q := range queries {
		path, err := b.followCursors(ctx, q)
		if err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
		paths[i] = path
	}
	run := &result{name: r.name, round: r.round, ops: map[string]*opStats{}}
	run.elapsed = b.closedLoopOf(ctx, run, b.o.catalogClients, func(ctx context.Context, i int) error {
		n := rand.IntN(len(queries))
		c := b.customers[i%len(b.customers)].apiClient
		if queries[n].admin {
			c = b.admin
		}
		return run.timed(ctx, queries[n].name, func() error { return c.do(ctx, "GET", paths[n], nil, nil, nil) })
	})
	for _, q := range queries {
		s := summarize(run.op(q.name).latencies)
		r.figures = append(r.figures,
			figure{Key: "catalog." + tier + "." + q.name + ".p50_ms", Label: fmt.Sprintf("%s p50 @%d", q.name, size), Unit: "ms", Value: s.P50},
			figure{Key: "catalog." + tier + "." + q.name + ".p99_ms", Label: fmt.Sprintf("%s p99 @%d", q.name, size), Unit: "ms", Value: s.P99})
		r.ops[fmt.Sprintf("%s @%d", q.name, size)] = run.op(q.name)
	}
	r.elapsed += run.elapsed
	return nil
}

// followCursors is the query's path, as many pages deep as it asks.
func (b *bench) followCursors(ctx context.Context, q catalogQuery) (string, error) {
	path := q.path
	for range q.deep {
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		if err := b.admin.do(ctx, "GET", path, nil, nil, &page); err != nil {
			return "", err
		}
		if page.NextCursor == "" {
			return path, nil // a shorter list, or an API without cursors
		}
		path = q.path + "&cursor=" + url.QueryEscape(page.NextCursor)
	}
	return path, nil
}

// seedProducts grows the seeded catalog to size products, each with stock,
// newest last, and tidies the tables (the trigram indexes' pending entries
// included) as autovacuum would after such a load.
func (b *bench) seedProducts(ctx context.Context, size int) error {
	if b.catalogSeeded >= size {
		return nil
	}
	fmt.Fprintf(b.log, "  catalog: seeding products %d..%d\n", b.catalogSeeded+1, size)
	start := time.Now()
	_, err := b.pool.Exec(ctx, `
		INSERT INTO products (sku, name, price_cents, currency, created_at)
		SELECT 'CAT-' || g, ($3::text[])[1 + g % 20] || ' ' || ($4::text[])[1 + (g / 20) % 50] || ' ' || g,
		       100 + g % 10000, 'EUR', now() - make_interval(secs => $2 - g)
		FROM generate_series($1::int, $2::int) g`, b.catalogSeeded+1, size, seedAdjectives, seedNouns)
	if err == nil {
		_, err = b.pool.Exec(ctx, `INSERT INTO inventory (product_id, on_hand)
			SELECT id, 100 FROM products WHERE sku LIKE 'CAT-%' ON CONFLICT DO NOTHING`)
	}
	if err == nil {
		_, err = b.pool.Exec(ctx, `VACUUM ANALYZE products, inventory`)
	}
	if err != nil {
		return fmt.Errorf("seed the catalog: %w", err)
	}
	b.catalogSeeded = size
	fmt.Fprintf(b.log, "  catalog: %d products in %.0fs\n", size, time.Since(start).Seconds())
	return nil
}

// seedUsers adds catalogUsers accounts (that cannot log in) once.
func (b *bench) seedUsers(ctx context.Context) error {
	if b.usersSeeded {
		return nil
	}
	_, err := b.pool.Exec(ctx, `
		INSERT INTO users (email, password_hash, created_at)
		SELECT 'seeded-' || g || '@example.com', 'not-a-hash', now() - make_interval(secs => $1 - g)
		FROM generate_series(1, $1::int) g ON CONFLICT DO NOTHING`, catalogUsers)
	if err == nil {
		_, err = b.pool.Exec(ctx, `VACUUM ANALYZE users`)
	}
	if err != nil {
		return fmt.Errorf("seed the users: %w", err)
	}
	b.usersSeeded = true
	return nil
}
