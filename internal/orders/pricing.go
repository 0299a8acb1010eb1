package orders

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// price checks the lines against the catalog (each product exists, is for
// sale, and all share one currency) and snapshots their SKU, name and price.
// Every line that cannot be ordered is reported, in one *LinesError.
func (s *Service) price(ctx context.Context, in []LineRequest) (lines []Line, currency string, total int64, err error) {
	ids := make([]uuid.UUID, len(in))
	for i, l := range in {
		ids[i] = l.ProductID
	}
	products, err := s.store.db.Q().GetProductsByIDs(ctx, ids)
	if err != nil {
		return nil, "", 0, err
	}
	byID := make(map[uuid.UUID]db.Product, len(products))
	for _, p := range products {
		byID[p.ID] = p
	}
	lines = make([]Line, len(in))
	var problems []LineProblem
	for i, l := range in {
		p, ok := byID[l.ProductID]
		problem := LineProblem{Index: i, ProductID: l.ProductID, Value: l.ProductID}
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
		lines[i] = Line{ProductID: p.ID, SKU: p.Sku, Name: p.Name, UnitPriceCents: p.PriceCents, Quantity: l.Quantity}
		total += lines[i].TotalCents()
	}
	if len(problems) > 0 {
		return nil, "", 0, &LinesError{Problems: problems}
	}
	return lines, currency, total, nil
}
