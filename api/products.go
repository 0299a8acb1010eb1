package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/db"
)

// errStockBelowReserved maps the inventory check constraint to 409.
var errStockBelowReserved = huma.Error409Conflict("that would leave less on hand than is reserved by orders (or below zero)")

func (h *handlers) registerProducts(api huma.API) {
	tags := []string{"products"}
	huma.Register(api, guarded(anyone, huma.Operation{
		OperationID: "list-products", Method: http.MethodGet, Path: "/products",
		Summary: "List the catalog, newest first", Tags: tags,
	}), h.listProducts)
	huma.Register(api, guarded(anyone, huma.Operation{
		OperationID: "read-product", Method: http.MethodGet, Path: "/products/{product_id}",
		Summary: "A product with its stock", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.readProduct)
	huma.Register(api, guarded(superuser, huma.Operation{
		OperationID: "create-product", Method: http.MethodPost, Path: "/products",
		Summary: "Add a product, with its initial stock", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
	}), h.createProduct)
	huma.Register(api, guarded(superuser, huma.Operation{
		OperationID: "update-product", Method: http.MethodPatch, Path: "/products/{product_id}",
		Summary: "Change a product (orders keep the name and price they were placed with)", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}), h.updateProduct)
	huma.Register(api, guarded(superuser, huma.Operation{
		OperationID: "delete-product", Method: http.MethodDelete, Path: "/products/{product_id}",
		Summary: "Delete a product; one that orders reference is deactivated instead", Tags: tags,
		Errors: []int{http.StatusNotFound},
	}), h.deleteProduct)
	huma.Register(api, guarded(superuser, huma.Operation{
		OperationID: "adjust-stock", Method: http.MethodPost, Path: "/products/{product_id}/stock",
		Summary: "Add or remove stock on hand; every adjustment is recorded", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}), h.adjustStock)
	huma.Register(api, guarded(superuser, huma.Operation{
		OperationID: "list-stock-adjustments", Method: http.MethodGet, Path: "/products/{product_id}/stock",
		Summary: "The latest 100 stock adjustments of a product", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.listStockAdjustments)
}

func optionalBool(s string) *bool {
	if s == "" {
		return nil
	}
	b := s == "true"
	return &b
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (h *handlers) listProducts(ctx context.Context, in *ListProductsInput) (*ProductsOutput, error) {
	q := db.New(h.DB)
	active, search := optionalBool(in.Active), optionalString(in.Search)
	rows, err := q.ListProducts(ctx, db.ListProductsParams{Active: active, Search: search, Limit: in.Limit, Offset: in.Skip})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	count, err := q.CountProducts(ctx, db.CountProductsParams{Active: active, Search: search})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &ProductsOutput{}
	out.Body.Data = make([]ProductPublic, len(rows))
	for i, r := range rows {
		out.Body.Data[i] = publicProduct(r.Product, r.OnHand, r.Reserved)
	}
	out.Body.Count = count
	return out, nil
}

func (h *handlers) productOutput(ctx context.Context, q *db.Queries, in ProductIDPath) (*ProductOutput, error) {
	row, err := q.GetProduct(ctx, in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &ProductOutput{Body: publicProduct(row.Product, row.OnHand, row.Reserved)}, nil
}

func (h *handlers) readProduct(ctx context.Context, in *ProductIDPath) (*ProductOutput, error) {
	return h.productOutput(ctx, db.New(h.DB), *in)
}

var errSKUTaken = huma.Error409Conflict("a product with this SKU already exists")

func (h *handlers) createProduct(ctx context.Context, in *CreateProductInput) (*ProductOutput, error) {
	var p db.Product
	err := db.InTx(ctx, h.DB, func(q *db.Queries) error {
		var err error
		p, err = q.CreateProduct(ctx, db.CreateProductParams{
			Sku: in.Body.SKU, Name: in.Body.Name, Description: in.Body.Description,
			PriceCents: in.Body.PriceCents, Currency: in.Body.Currency, Active: in.Body.Active == nil || *in.Body.Active,
		})
		if db.IsUniqueViolation(err) {
			return errSKUTaken
		}
		if err != nil {
			return err
		}
		if err := q.CreateInventory(ctx, db.CreateInventoryParams{ProductID: p.ID, OnHand: in.Body.InitialStock}); err != nil {
			return err
		}
		if in.Body.InitialStock > 0 {
			actor := currentUser(ctx).ID
			_, err = q.RecordStockAdjustment(ctx, db.RecordStockAdjustmentParams{
				ProductID: p.ID, Delta: in.Body.InitialStock, OnHandAfter: in.Body.InitialStock, Reason: "initial stock", ActorID: &actor,
			})
		}
		return err
	})
	if errors.Is(err, errSKUTaken) {
		return nil, errSKUTaken
	}
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &ProductOutput{Body: publicProduct(p, in.Body.InitialStock, 0)}, nil
}

func (h *handlers) updateProduct(ctx context.Context, in *UpdateProductInput) (*ProductOutput, error) {
	q := db.New(h.DB)
	_, err := q.UpdateProduct(ctx, db.UpdateProductParams{
		ID: in.ID, Sku: in.Body.SKU, Name: in.Body.Name, Description: in.Body.Description,
		PriceCents: in.Body.PriceCents, Currency: in.Body.Currency, Active: in.Body.Active,
	})
	if db.IsUniqueViolation(err) {
		return nil, errSKUTaken
	}
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.productOutput(ctx, q, in.ProductIDPath)
}

func (h *handlers) deleteProduct(ctx context.Context, in *ProductIDPath) (*MessageOutput, error) {
	q := db.New(h.DB)
	ordered, err := q.ProductIsOrdered(ctx, in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	if ordered {
		no := false
		if _, err := q.UpdateProduct(ctx, db.UpdateProductParams{ID: in.ID, Active: &no}); err != nil {
			return nil, h.fail(ctx, err)
		}
		return message("Product deactivated: orders reference it, so it is kept."), nil
	}
	n, err := q.DeleteProduct(ctx, in.ID)
	if err == nil && n == 0 {
		return nil, huma.Error404NotFound("not found")
	}
	if db.IsForeignKeyViolation(err) { // ordered between the check and the delete
		return nil, huma.Error409Conflict("product was just ordered; delete again to deactivate it")
	}
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return message("Product deleted."), nil
}

func (h *handlers) adjustStock(ctx context.Context, in *AdjustStockInput) (*ProductOutput, error) {
	if in.Body.Delta == 0 {
		return nil, huma.Error422UnprocessableEntity("delta must not be 0", &huma.ErrorDetail{Location: "body.delta", Value: 0})
	}
	actor := currentUser(ctx).ID
	err := db.InTx(ctx, h.DB, func(q *db.Queries) error {
		inv, err := q.AdjustOnHand(ctx, db.AdjustOnHandParams{ProductID: in.ID, Delta: in.Body.Delta})
		if err != nil {
			return err
		}
		_, err = q.RecordStockAdjustment(ctx, db.RecordStockAdjustmentParams{
			ProductID: in.ID, Delta: in.Body.Delta, OnHandAfter: inv.OnHand, Reason: in.Body.Reason, ActorID: &actor,
		})
		return err
	})
	if db.IsCheckViolation(err) {
		return nil, errStockBelowReserved
	}
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.productOutput(ctx, db.New(h.DB), in.ProductIDPath)
}

func (h *handlers) listStockAdjustments(ctx context.Context, in *ProductIDPath) (*StockAdjustmentsOutput, error) {
	q := db.New(h.DB)
	if _, err := q.GetProduct(ctx, in.ID); err != nil {
		return nil, h.fail(ctx, err)
	}
	rows, err := q.ListStockAdjustments(ctx, db.ListStockAdjustmentsParams{ProductID: in.ID, Limit: 100})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &StockAdjustmentsOutput{}
	out.Body.Data = make([]StockAdjustment, len(rows))
	for i, r := range rows {
		out.Body.Data[i] = StockAdjustment{ID: r.ID, Delta: r.Delta, OnHandAfter: r.OnHandAfter, Reason: r.Reason, ActorID: r.ActorID, CreatedAt: r.CreatedAt}
	}
	out.Body.Count = len(rows)
	return out, nil
}
