package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/catalog"
)

// ProductPublic is a catalog entry with its stock.
type ProductPublic struct {
	ID          uuid.UUID `json:"id"`
	SKU         string    `json:"sku"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	PriceCents  int64     `json:"price_cents" doc:"Price in minor units of currency"`
	Currency    string    `json:"currency" example:"EUR"`
	Active      bool      `json:"active"`
	// LowStockThreshold: the daily summary lists the product once what is
	// available falls to it.
	LowStockThreshold int32     `json:"low_stock_threshold" doc:"The daily summary e-mail lists the product once available falls to this; 0: never"`
	OnHand            int32     `json:"on_hand"`
	Reserved          int32     `json:"reserved"`
	Available         int32     `json:"available" doc:"on_hand - reserved: what can still be ordered"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

func publicProduct(p catalog.Product) ProductPublic {
	return ProductPublic{
		ID: p.ID, SKU: p.SKU, Name: p.Name, Description: p.Description, PriceCents: p.PriceCents,
		Currency: p.Currency, Active: p.Active, LowStockThreshold: p.LowStockThreshold, OnHand: p.OnHand, Reserved: p.Reserved, Available: p.Available(),
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

func productOutput(p catalog.Product, err error) (*ProductOutput, error) {
	if err != nil {
		return nil, err
	}
	return &ProductOutput{Location: BasePath + "/products/" + p.ID.String(), Body: publicProduct(p)}, nil
}

// ProductOutput is one product, with where to find it.
type ProductOutput struct {
	Location string `header:"Location"`
	Body     ProductPublic
}

// ListProductsInput filters and pages the catalog, newest first.
type ListProductsInput struct {
	Active string `query:"active" enum:"true,false" doc:"Only active (true) or inactive (false) products; both when absent"`
	Search string `query:"q" maxLength:"100" doc:"Part of the name or SKU, case-insensitive"`
	PagedInput
	Limit int32 `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

// ProductIDPath names a product in the path.
type ProductIDPath struct {
	ID uuid.UUID `path:"product_id"`
}

// CreateProductInput adds a product with its initial stock.
type CreateProductInput struct {
	Body struct {
		SKU               string `json:"sku" pattern:"^[A-Za-z0-9._-]{1,64}$" doc:"Letters, digits, dot, underscore, dash; up to 64"`
		Name              string `json:"name" minLength:"1" maxLength:"200"`
		Description       string `json:"description,omitempty" maxLength:"5000"`
		PriceCents        int64  `json:"price_cents" minimum:"0" maximum:"100000000000"`
		Currency          string `json:"currency" pattern:"^[A-Z]{3}$" doc:"ISO 4217, upper case" example:"EUR"`
		Active            *bool  `json:"active,omitempty" doc:"Default true"`
		InitialStock      int32  `json:"initial_stock,omitempty" minimum:"0" maximum:"1000000000"`
		LowStockThreshold int32  `json:"low_stock_threshold,omitempty" minimum:"0" maximum:"1000000000" doc:"The daily summary lists the product once available falls to this; 0 (default): never"`
	}
}

// UpdateProductInput changes a product; absent fields stay as they are.
type UpdateProductInput struct {
	ProductIDPath
	Body struct {
		SKU               *string `json:"sku,omitempty" pattern:"^[A-Za-z0-9._-]{1,64}$"`
		Name              *string `json:"name,omitempty" minLength:"1" maxLength:"200"`
		Description       *string `json:"description,omitempty" maxLength:"5000"`
		PriceCents        *int64  `json:"price_cents,omitempty" minimum:"0" maximum:"100000000000"`
		Currency          *string `json:"currency,omitempty" pattern:"^[A-Z]{3}$"`
		Active            *bool   `json:"active,omitempty"`
		LowStockThreshold *int32  `json:"low_stock_threshold,omitempty" minimum:"0" maximum:"1000000000"`
	}
}

// AdjustStockInput changes what is on hand, with a reason for the record.
type AdjustStockInput struct {
	ProductIDPath
	Body struct {
		Delta  int32  `json:"delta" minimum:"-1000000000" maximum:"1000000000" doc:"Units added (positive) or removed (negative); not 0"`
		Reason string `json:"reason" minLength:"1" maxLength:"500" example:"stock count"`
	}
}

// StockAdjustment is one recorded change of on-hand stock.
type StockAdjustment struct {
	ID          int64      `json:"id"`
	Delta       int32      `json:"delta"`
	OnHandAfter int32      `json:"on_hand_after"`
	Reason      string     `json:"reason"`
	ActorID     *uuid.UUID `json:"actor_id,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

func publicAdjustment(a catalog.StockAdjustment) StockAdjustment {
	return StockAdjustment{ID: a.ID, Delta: a.Delta, OnHandAfter: a.OnHandAfter, Reason: a.Reason, ActorID: a.ActorID, CreatedAt: a.CreatedAt}
}
