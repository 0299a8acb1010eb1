package catalog

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/page"
)

// Store holds the catalog's tables: products, inventory, stock adjustments
// and the stock each order holds. It is the one writer of inventory, and
// its errors are the catalog's own.
type Store struct {
	db *db.Store
}

// NewStore returns the catalog store over a database.
func NewStore(s *db.Store) *Store { return &Store{db: s} }

// dbErrors turns the database's refusals into the catalog's errors.
var dbErrors = db.Translation{NotFound: ErrNotFound, Refusals: map[string]error{
	"products_sku_key":                  ErrSKUTaken,
	"inventory_reserved_within_on_hand": ErrStockBelowReserved,
	"order_lines_product_id_fkey":       errOrdered,
}}

// searchWindow is how many of the newest products a search walks first
// (ListProductsInWindow): enough to fill a page of 50 with a word one
// product in forty shares, or a letter or two that the trigram index cannot
// narrow. The walk stops once the page is full; a rarer word pays for the
// whole walk (about a millisecond at this size, measured against 5,000:
// docs/performance.md) before it searches the index.
const searchWindow = 2000

// listProducts reads a page of products with their stock, newest first. A
// search first walks the newest searchWindow products; only when they hold
// less than a page does it search the trigram indexes, which read every
// match (the cost of a search follows its matches, not the catalog).
func (s *Store) listProducts(ctx context.Context, f Filter) (page.Page[Product], error) {
	p := db.ListProductsParams{Active: f.Active, Search: f.search(), Skip: f.Page.Skip, Limit: f.Page.Fetch()}
	var err error
	if p.AfterCreated, p.AfterID, err = f.Page.After(); err != nil {
		return page.Page[Product]{}, err
	}
	var rows []db.ListProductsRow
	if p.Search != nil && p.Skip == 0 {
		window, err := s.db.Q().ListProductsInWindow(ctx, db.ListProductsInWindowParams{
			Active: p.Active, AfterCreated: p.AfterCreated, AfterID: p.AfterID, Window: searchWindow, Search: *p.Search, Limit: p.Limit,
		})
		if err != nil {
			return page.Page[Product]{}, dbErrors.Of(err)
		}
		if len(window) == int(p.Limit) {
			for _, r := range window {
				rows = append(rows, db.ListProductsRow(r))
			}
		}
	}
	if rows == nil {
		if rows, err = s.db.Q().ListProducts(ctx, p); err != nil {
			return page.Page[Product]{}, dbErrors.Of(err)
		}
	}
	products := make([]Product, len(rows))
	for i, r := range rows {
		products[i] = productFromDB(r.Product, r.OnHand, r.Reserved)
	}
	return page.Of(products, f.Page, func(p Product) page.Position { return page.Position{CreatedAt: p.CreatedAt, ID: p.ID} }), nil
}

func (s *Store) countProducts(ctx context.Context, f Filter) (int64, error) {
	n, err := s.db.Q().CountProducts(ctx, db.CountProductsParams{Active: f.Active, Search: f.search()})
	return n, dbErrors.Of(err)
}

func (s *Store) product(ctx context.Context, id uuid.UUID) (Product, error) {
	row, err := s.db.Q().GetProduct(ctx, id)
	return productFromDB(row.Product, row.OnHand, row.Reserved), dbErrors.Of(err)
}

// Products returns the products of the IDs that exist, without their
// stock: what an order is priced from.
func (s *Store) Products(ctx context.Context, ids []uuid.UUID) ([]Product, error) {
	rows, err := s.db.Q().GetProductsByIDs(ctx, ids)
	if err != nil {
		return nil, dbErrors.Of(err)
	}
	products := make([]Product, len(rows))
	for i, r := range rows {
		products[i] = productFromDB(r, 0, 0)
	}
	return products, nil
}

// createProduct adds a product and its stock in one transaction; the
// initial stock is recorded as an adjustment by actor.
func (s *Store) createProduct(ctx context.Context, actor *uuid.UUID, p NewProduct) (Product, error) {
	var created Product
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		row, err := q.CreateProduct(ctx, db.CreateProductParams{
			Sku: p.SKU, Name: p.Name, Description: p.Description, PriceCents: p.PriceCents, Currency: p.Currency, Active: p.Active,
			LowStockThreshold: p.LowStockThreshold,
		})
		if err != nil {
			return err
		}
		created = productFromDB(row, p.InitialStock, 0)
		if err := q.CreateInventory(ctx, db.CreateInventoryParams{ProductID: row.ID, OnHand: p.InitialStock}); err != nil {
			return err
		}
		if p.InitialStock == 0 {
			return nil
		}
		_, err = q.RecordStockAdjustment(ctx, db.RecordStockAdjustmentParams{
			ProductID: row.ID, Delta: p.InitialStock, OnHandAfter: p.InitialStock, Reason: "initial stock", ActorID: actor,
		})
		return err
	})
	return created, dbErrors.Of(err)
}

func (s *Store) updateProduct(ctx context.Context, id uuid.UUID, c Change) error {
	_, err := s.db.Q().UpdateProduct(ctx, db.UpdateProductParams{
		ID: id, Sku: c.SKU, Name: c.Name, Description: c.Description, PriceCents: c.PriceCents, Currency: c.Currency, Active: c.Active,
		LowStockThreshold: c.LowStockThreshold,
	})
	return dbErrors.Of(err)
}

// deleteProduct removes a product with its stock and adjustments; one that
// orders reference is errOrdered.
func (s *Store) deleteProduct(ctx context.Context, id uuid.UUID) error {
	n, err := s.db.Q().DeleteProduct(ctx, id)
	if err == nil && n == 0 {
		return ErrNotFound
	}
	return dbErrors.Of(err)
}

// ensureProduct adds a product by SKU if it is missing (name and
// description are refreshed), with stock only when new.
func (s *Store) ensureProduct(ctx context.Context, p NewProduct) error {
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		row, err := q.UpsertProductBySKU(ctx, db.UpsertProductBySKUParams{
			Sku: p.SKU, Name: p.Name, Description: p.Description, PriceCents: p.PriceCents, Currency: p.Currency,
		})
		if err != nil {
			return err
		}
		return q.CreateInventory(ctx, db.CreateInventoryParams{ProductID: row.ID, OnHand: p.InitialStock})
	})
	return dbErrors.Of(err)
}
