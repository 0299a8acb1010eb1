package catalog

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/page"
)

// Service reads and changes the catalog.
type Service struct {
	store *Store
}

// NewService returns the catalog over its store.
func NewService(s *Store) *Service { return &Service{store: s} }

// Filter selects and pages products, newest first; zero fields do not
// filter. Count asks for how many match in all, which reads every match.
type Filter struct {
	Active *bool
	Search string // part of the name or SKU, case-insensitive
	Page   page.Request
	Count  bool
}

// likeEscaper makes LIKE's wildcards (and its escape character) literal.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// search is the search text as a LIKE pattern's middle (the text as typed,
// not a pattern); nil when there is none.
func (f Filter) search() *string {
	if f.Search == "" {
		return nil
	}
	pattern := likeEscaper.Replace(f.Search)
	return &pattern
}

// List returns a page of products and, when asked, how many match.
func (s *Service) List(ctx context.Context, f Filter) (page.Page[Product], *int64, error) {
	products, err := s.store.listProducts(ctx, f)
	if err != nil || !f.Count {
		return products, nil, err
	}
	n, err := s.store.countProducts(ctx, f)
	return products, &n, err
}

// Get returns one product with its stock.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Product, error) {
	return s.store.product(ctx, id)
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
	// LowStockThreshold: see Product.
	LowStockThreshold int32
}

// Create adds a product and its stock; the initial stock is recorded as an
// adjustment by actor (a user; nil for an API key, which the audit log names).
func (s *Service) Create(ctx context.Context, actor *uuid.UUID, p NewProduct) (Product, error) {
	return s.store.createProduct(ctx, actor, p)
}

// Change is a change of a product; nil fields stay as they are.
type Change struct {
	SKU         *string
	Name        *string
	Description *string
	PriceCents  *int64
	Currency    *string
	Active      *bool
	// LowStockThreshold: see Product.
	LowStockThreshold *int32
}

// Update changes a product. Orders keep the name and price they were placed with.
func (s *Service) Update(ctx context.Context, id uuid.UUID, c Change) (Product, error) {
	if err := s.store.updateProduct(ctx, id, c); err != nil {
		return Product{}, err
	}
	return s.store.product(ctx, id)
}

// Delete removes a product. One that orders reference is deactivated
// instead, so the orders keep it; deactivated says which happened.
func (s *Service) Delete(ctx context.Context, id uuid.UUID) (deactivated bool, err error) {
	err = s.store.deleteProduct(ctx, id)
	if !errors.Is(err, errOrdered) {
		return false, err
	}
	no := false
	return true, s.store.updateProduct(ctx, id, Change{Active: &no})
}

// AdjustStock adds (delta > 0) or removes stock on hand, recording who and
// why. Below what orders hold is ErrStockBelowReserved, above MaxOnHand
// ErrTooMuchStock.
func (s *Service) AdjustStock(ctx context.Context, actor *uuid.UUID, id uuid.UUID, delta int32, reason string) (Product, error) {
	if delta == 0 {
		return Product{}, ErrZeroDelta
	}
	if err := s.store.adjustStock(ctx, actor, id, delta, reason); err != nil {
		return Product{}, err
	}
	return s.store.product(ctx, id)
}

// Adjustments returns a product's latest adjustments, newest first.
func (s *Service) Adjustments(ctx context.Context, id uuid.UUID) ([]StockAdjustment, error) {
	if _, err := s.store.product(ctx, id); err != nil {
		return nil, err
	}
	return s.store.adjustments(ctx, id)
}

// EnsureProduct adds a product by SKU if it is missing (name and description
// are refreshed), with stock only when new: safe to run again, as the demo
// seed does.
func (s *Service) EnsureProduct(ctx context.Context, p NewProduct) error {
	return s.store.ensureProduct(ctx, p)
}
