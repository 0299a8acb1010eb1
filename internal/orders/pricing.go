package orders

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/catalog"
)

// Catalog is what placing an order needs of the catalog: the products it
// is priced from (catalog.Store).
type Catalog interface {
	Products(ctx context.Context, ids []uuid.UUID) ([]catalog.Product, error)
}

// The line rules every order is placed under; the database checks them too.
const (
	MaxLines    = 100
	MaxQuantity = 1000
	MaxKeyLen   = 255 // of an Idempotency-Key
)

// CheckLines applies the rules a request's lines must keep whatever the
// catalog holds: one line at least and MaxLines at most, a quantity of 1 to
// MaxQuantity, each product once. Every broken rule is reported, in one
// *LinesError; nil when none is.
func CheckLines(in []LineRequest) *LinesError {
	var problems []LineProblem
	if len(in) == 0 || len(in) > MaxLines {
		problems = append(problems, LineProblem{Index: -1, Message: fmt.Sprintf("an order has 1 to %d lines", MaxLines), Value: len(in)})
	}
	seen := make(map[uuid.UUID]bool, len(in))
	for i, l := range in {
		if l.Quantity < 1 || l.Quantity > MaxQuantity {
			problems = append(problems, LineProblem{Index: i, Field: "quantity", ProductID: l.ProductID,
				Message: fmt.Sprintf("quantity must be 1 to %d", MaxQuantity), Value: l.Quantity})
		}
		if seen[l.ProductID] {
			problems = append(problems, LineProblem{Index: i, Field: "product_id", ProductID: l.ProductID,
				Message: "each product may appear on one line only", Value: l.ProductID})
		}
		seen[l.ProductID] = true
	}
	if len(problems) == 0 {
		return nil
	}
	return &LinesError{Problems: problems}
}

// price checks the lines against the catalog (each product exists, is for
// sale, and all share one currency) and snapshots their SKU, name and price.
// Every line that cannot be ordered is reported, in one *LinesError.
func (s *Service) price(ctx context.Context, in []LineRequest) (lines []Line, currency string, total int64, err error) {
	ids := make([]uuid.UUID, len(in))
	for i, l := range in {
		ids[i] = l.ProductID
	}
	products, err := s.catalog.Products(ctx, ids)
	if err != nil {
		return nil, "", 0, err
	}
	byID := make(map[uuid.UUID]catalog.Product, len(products))
	for _, p := range products {
		byID[p.ID] = p
	}
	lines = make([]Line, len(in))
	var problems []LineProblem
	for i, l := range in {
		p, ok := byID[l.ProductID]
		problem := LineProblem{Index: i, Field: "product_id", ProductID: l.ProductID, Value: l.ProductID}
		switch {
		case !ok:
			problem.Message = "no such product"
		case !p.Active:
			problem.Message = "product is not for sale"
		case currency != "" && p.Currency != currency:
			problem.Message, problem.Value = "all products of an order must share one currency", p.Currency
		}
		if problem.Message != "" {
			problems = append(problems, problem)
			continue
		}
		currency = p.Currency
		lines[i] = Line{ProductID: p.ID, SKU: p.SKU, Name: p.Name, UnitPriceCents: p.PriceCents, Quantity: l.Quantity}
		total += lines[i].TotalCents()
	}
	if len(problems) > 0 {
		return nil, "", 0, &LinesError{Problems: problems}
	}
	return lines, currency, total, nil
}
