package api

import (
	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/orders"
)

// RefundPublic is a refund as the API shows it, the orders' own view.
type RefundPublic = orders.RefundView

// LineQuantityInput is a quantity of one of the order's lines.
type LineQuantityInput struct {
	LineNo   int32 `json:"line_no" minimum:"1" maximum:"100" doc:"The line's number, from 1 in the order's line order"`
	Quantity int32 `json:"quantity" minimum:"1" maximum:"1000"`
}

// RefundBody is what to refund: an amount, or lines at their prices.
type RefundBody struct {
	AmountCents int64               `json:"amount_cents,omitempty" minimum:"1" doc:"An amount; or give lines instead"`
	Lines       []LineQuantityInput `json:"lines,omitempty" maxItems:"100" doc:"Lines at their unit prices; or give amount_cents instead"`
	Reason      string              `json:"reason,omitempty" maxLength:"500"`
}

// Resolve asks for exactly one of amount_cents and lines.
func (b *RefundBody) Resolve(_ huma.Context, prefix *huma.PathBuffer) []error {
	if (b.AmountCents > 0) == (len(b.Lines) > 0) {
		return []error{&huma.ErrorDetail{Location: prefix.With("amount_cents"), Message: "give either amount_cents or lines", Value: b.AmountCents}}
	}
	return nil
}

// RefundInput refunds part or all of an order's captured payment.
type RefundInput struct {
	OrderIDPath
	Body RefundBody
}

// RefundOutput is one refund.
type RefundOutput struct {
	Status int // 200 settled, 202 still running
	Body   RefundPublic
}
