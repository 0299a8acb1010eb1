package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/catalog"
)

func (h *handlers) registerProducts(api huma.API) {
	tags := []string{"products"}
	handle(api, h, guarded(anyone, huma.Operation{
		OperationID: "list-products", Method: http.MethodGet, Path: "/products",
		Summary: "List the catalog, newest first, in cursor pages", Tags: tags,
	}), h.listProducts)
	handle(api, h, guarded(anyone, huma.Operation{
		OperationID: "read-product", Method: http.MethodGet, Path: "/products/{product_id}",
		Summary: "A product with its stock", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.readProduct)
	handle(api, h, guarded(needs(access.ProductsWrite), huma.Operation{
		OperationID: "create-product", Method: http.MethodPost, Path: "/products",
		Summary: "Add a product, with its initial stock", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
	}), h.createProduct)
	handle(api, h, guarded(needs(access.ProductsWrite), huma.Operation{
		OperationID: "update-product", Method: http.MethodPatch, Path: "/products/{product_id}",
		Summary: "Change a product (orders keep the name and price they were placed with)", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}), h.updateProduct)
	handle(api, h, guarded(needs(access.ProductsWrite), huma.Operation{
		OperationID: "delete-product", Method: http.MethodDelete, Path: "/products/{product_id}",
		Summary: "Delete a product; one that orders reference is deactivated instead", Tags: tags,
		Errors: []int{http.StatusNotFound},
	}), h.deleteProduct)
	handle(api, h, guarded(needs(access.StockWrite), huma.Operation{
		OperationID: "adjust-stock", Method: http.MethodPost, Path: "/products/{product_id}/stock",
		Summary: "Add or remove stock on hand; every adjustment is recorded", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}), h.adjustStock)
	handle(api, h, guarded(needs(access.ProductsRead), huma.Operation{
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

func (h *handlers) listProducts(ctx context.Context, in *ListProductsInput) (*ListOutput[ProductPublic], error) {
	products, count, err := h.Catalog.List(ctx, catalog.Filter{
		Active: optionalBool(in.Active), Search: in.Search, Page: in.request(in.Limit), Count: in.Count,
	})
	if err != nil {
		return nil, err
	}
	return pageOf(products, publicProduct, count), nil
}

func (h *handlers) readProduct(ctx context.Context, in *ProductIDPath) (*ProductOutput, error) {
	return productOutput(h.Catalog.Get(ctx, in.ID))
}

func (h *handlers) createProduct(ctx context.Context, in *CreateProductInput) (*ProductOutput, error) {
	b := in.Body
	p, err := h.Catalog.Create(ctx, currentUserID(ctx), catalog.NewProduct{
		SKU: b.SKU, Name: b.Name, Description: b.Description, PriceCents: b.PriceCents, Currency: b.Currency,
		Active: b.Active == nil || *b.Active, InitialStock: b.InitialStock, LowStockThreshold: b.LowStockThreshold,
	})
	if err == nil {
		noteAuditTarget(ctx, "product", p.ID.String())
	}
	return productOutput(p, err)
}

func (h *handlers) updateProduct(ctx context.Context, in *UpdateProductInput) (*ProductOutput, error) {
	b := in.Body
	return productOutput(h.Catalog.Update(ctx, in.ID, catalog.Change{
		SKU: b.SKU, Name: b.Name, Description: b.Description, PriceCents: b.PriceCents, Currency: b.Currency, Active: b.Active,
		LowStockThreshold: b.LowStockThreshold,
	}))
}

func (h *handlers) deleteProduct(ctx context.Context, in *ProductIDPath) (*MessageOutput, error) {
	deactivated, err := h.Catalog.Delete(ctx, in.ID)
	switch {
	case err != nil:
		return nil, err
	case deactivated:
		return message("Product deactivated: orders reference it, so it is kept."), nil
	}
	return message("Product deleted."), nil
}

func (h *handlers) adjustStock(ctx context.Context, in *AdjustStockInput) (*ProductOutput, error) {
	return productOutput(h.Catalog.AdjustStock(ctx, currentUserID(ctx), in.ID, in.Body.Delta, in.Body.Reason))
}

func (h *handlers) listStockAdjustments(ctx context.Context, in *ProductIDPath) (*ListOutput[StockAdjustment], error) {
	adjustments, err := h.Catalog.Adjustments(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return listOf(adjustments, publicAdjustment, counted(len(adjustments))), nil
}
