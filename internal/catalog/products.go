package catalog

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// Service reads and changes the catalog.
type Service struct {
	db *db.Store
}

// NewService returns the catalog over a database.
func NewService(s *db.Store) *Service { return &Service{db: s} }

// Filter selects and pages products, newest first; zero fields do not filter.
type Filter struct {
	Active      *bool
	Search      string // part of the name or SKU, case-insensitive
	Skip, Limit int32
}

// likeEscaper makes LIKE's wildcards (and its escape character) literal.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// List returns a page of products and how many match in all.
func (s *Service) List(ctx context.Context, f Filter) ([]Product, int64, error) {
	q := s.db.Q()
	var search *string
	if f.Search != "" {
		pattern := likeEscaper.Replace(f.Search) // the text as typed, not a pattern
		search = &pattern
	}
	rows, err := q.ListProducts(ctx, db.ListProductsParams{Active: f.Active, Search: search, Limit: f.Limit, Offset: f.Skip})
	if err != nil {
		return nil, 0, err
	}
	count, err := q.CountProducts(ctx, db.CountProductsParams{Active: f.Active, Search: search})
	if err != nil {
		return nil, 0, err
	}
	out := make([]Product, len(rows))
	for i, r := range rows {
		out[i] = productFromDB(r.Product, r.OnHand, r.Reserved)
	}
	return out, count, nil
}

// Get returns one product with its stock.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Product, error) {
	row, err := s.db.Q().GetProduct(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return Product{}, ErrNotFound
	}
	if err != nil {
		return Product{}, err
	}
	return productFromDB(row.Product, row.OnHand, row.Reserved), nil
}

// NewProduct is a product to add, with its initial stock.
type NewProduct struct {
	SKU          string
	Name         string
	Description  string
	PriceCents   int64
	Currency     string
	Active       bool
	InitialStock int32
}

// Create adds a product and its stock; the initial stock is recorded as an
// adjustment by actor.
func (s *Service) Create(ctx context.Context, actor uuid.UUID, p NewProduct) (Product, error) {
	var created Product
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		row, err := q.CreateProduct(ctx, db.CreateProductParams{
			Sku: p.SKU, Name: p.Name, Description: p.Description, PriceCents: p.PriceCents, Currency: p.Currency, Active: p.Active,
		})
		if db.Violates(err, "products_sku_key") {
			return ErrSKUTaken
		}
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
			ProductID: row.ID, Delta: p.InitialStock, OnHandAfter: p.InitialStock, Reason: "initial stock", ActorID: &actor,
		})
		return err
	})
	return created, err
}

// Change is a change of a product; nil fields stay as they are.
type Change struct {
	SKU         *string
	Name        *string
	Description *string
	PriceCents  *int64
	Currency    *string
	Active      *bool
}

// Update changes a product. Orders keep the name and price they were placed with.
func (s *Service) Update(ctx context.Context, id uuid.UUID, c Change) (Product, error) {
	_, err := s.db.Q().UpdateProduct(ctx, db.UpdateProductParams{
		ID: id, Sku: c.SKU, Name: c.Name, Description: c.Description, PriceCents: c.PriceCents, Currency: c.Currency, Active: c.Active,
	})
	switch {
	case errors.Is(err, db.ErrNotFound):
		return Product{}, ErrNotFound
	case db.Violates(err, "products_sku_key"):
		return Product{}, ErrSKUTaken
	case err != nil:
		return Product{}, err
	}
	return s.Get(ctx, id)
}

// Delete removes a product. One that orders reference is deactivated
// instead, so the orders keep it; deactivated says which happened. An order
// placed while the delete runs makes it a deactivation too, as if the
// order had come first.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) (deactivated bool, err error) {
	q := s.db.Q()
	ordered, err := q.ProductIsOrdered(ctx, id)
	if err != nil {
		return false, err
	}
	if !ordered {
		n, err := q.DeleteProduct(ctx, id)
		switch {
		case db.Violates(err, "order_lines_product_id_fkey"):
			// ordered between the check and the delete: deactivate below
		case err != nil:
			return false, err
		case n == 0:
			return false, ErrNotFound
		default:
			return false, nil
		}
	}
	no := false
	_, err = q.UpdateProduct(ctx, db.UpdateProductParams{ID: id, Active: &no})
	if errors.Is(err, db.ErrNotFound) {
		return false, ErrNotFound
	}
	return err == nil, err
}
