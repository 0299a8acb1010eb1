package api

import (
	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/orders"
)

// ReturnPublic is a return as the API shows it, the orders' own view.
type ReturnPublic = orders.ReturnView

// ReturnBody is what a customer sends back.
type ReturnBody struct {
	Lines  []LineQuantityInput `json:"lines" nullable:"false" minItems:"1" maxItems:"100" doc:"The delivered lines sent back, each at most what is left of it"`
	Reason string              `json:"reason,omitempty" maxLength:"500"`
}

// Resolve refuses a return of no lines (null passes minItems).
func (b *ReturnBody) Resolve(_ huma.Context, prefix *huma.PathBuffer) []error {
	if len(b.Lines) == 0 {
		return []error{&huma.ErrorDetail{Location: prefix.With("lines"), Message: "name the lines sent back", Value: []LineQuantityInput{}}}
	}
	return nil
}

// ReturnRequestInput asks to return lines of a delivered order.
type ReturnRequestInput struct {
	OrderIDPath
	Body ReturnBody
}

// ReturnPath names one return of an order.
type ReturnPath struct {
	OrderIDPath
	ReturnID uuid.UUID `path:"return_id"`
}

// ReturnStepBody says why an operator approves, rejects or receives.
type ReturnStepBody struct {
	Note string `json:"note,omitempty" maxLength:"500" doc:"Why, for the timeline and the customer"`
}

// ReturnStepInput moves a return on.
type ReturnStepInput struct {
	ReturnPath
	Body *ReturnStepBody `required:"false"`
}

// ReturnOutput is one return.
type ReturnOutput struct {
	Status int // 201 or 200 done, 202 still running
	Body   ReturnPublic
}
