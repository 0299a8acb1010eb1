package orders_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/page"
)

// TestStaffReachOthersOrdersOnlyThroughTheirScopes: a role or a key sees
// and acts on another's order only as far as its scopes go, whatever the
// lifecycle lets an operator ask.
func TestStaffReachOthersOrdersOnlyThroughTheirScopes(t *testing.T) {
	f := newFixture(t)
	mug := f.product(100, "EUR", 50)
	o := f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 1})
	f.wf.done = true
	ctx := t.Context()
	support := f.user("support@example.com", access.Support)
	fulfillment := f.user("floor@example.com", access.Fulfillment)
	catalog := f.user("buyer@example.com", access.Catalog)
	reader := orders.Viewer{Email: "api-key:erp", Scopes: access.Grants{access.OrdersRead}}
	shop := orders.Viewer{Email: "api-key:shop", Scopes: access.Grants{access.OrdersWrite}}

	for name, v := range map[string]orders.Viewer{"support": support, "fulfillment": fulfillment, "reader key": reader, "shop key": shop} {
		if _, err := f.svc.Get(ctx, v, o.ID); err != nil {
			t.Errorf("%s reads the order: %v", name, err)
		}
	}
	if _, err := f.svc.Get(ctx, catalog, o.ID); !errors.Is(err, orders.ErrNotFound) {
		t.Errorf("catalog staff read a customer's order: %v", err)
	}
	if page, err := f.svc.List(ctx, reader, orders.Filter{Page: page.Request{Limit: 10}}); err != nil || len(page.Items) != 1 {
		t.Errorf("an orders:read key lists: %v %v", page.Items, err)
	}
	if page, err := f.svc.List(ctx, fulfillment, orders.Filter{CustomerID: &f.customer.ID, Page: page.Request{Limit: 10}}); err != nil || len(page.Items) != 1 {
		t.Errorf("fulfillment lists a customer's orders: %v %v", page.Items, err)
	}
	if page, err := f.svc.List(ctx, catalog, orders.Filter{CustomerID: &f.customer.ID, Page: page.Request{Limit: 10}}); err != nil || len(page.Items) != 0 {
		t.Errorf("catalog staff list a customer's orders: %v %v", page.Items, err)
	}

	for _, c := range []struct {
		name   string
		by     orders.Viewer
		action orders.Action
		want   error
	}{
		{"fulfillment cancels", fulfillment, orders.ActionCancel, orders.ErrNotAllowed},
		{"a reader key cancels", reader, orders.ActionCancel, orders.ErrNotAllowed},
		{"support ships", support, orders.ActionShip, orders.ErrNotAllowed},
		{"fulfillment ships", fulfillment, orders.ActionShip, nil},
		{"support approves", support, orders.ActionApprove, nil},
		{"a shop key cancels", shop, orders.ActionCancel, nil},
	} {
		if _, _, err := f.svc.Act(ctx, c.by, o.ID, c.action, "", nil); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if _, _, err := f.svc.Refund(ctx, support, o.ID, orders.RefundRequest{AmountCents: 1}); !errors.Is(err, orders.ErrNotAllowed) {
		t.Errorf("support refunds: %v", err)
	}

	// A key places orders for the customer it names, and only so.
	if _, err := f.svc.Place(ctx, shop, request(uuid.NewString(), orders.LineRequest{ProductID: mug, Quantity: 1})); !errors.Is(err, orders.ErrCustomerRequired) {
		t.Errorf("a key places for no one: %v", err)
	}
	r := request(uuid.NewString(), orders.LineRequest{ProductID: mug, Quantity: 1})
	r.CustomerID = &f.customer.ID
	placed, err := f.svc.Place(ctx, shop, r)
	if err != nil || placed.CustomerID != f.customer.ID {
		t.Errorf("a key places for the customer: %+v %v", placed, err)
	}
	// Its workflow carries the customer's e-mail, not the key's name.
	if starts := f.wf.started(); len(starts) == 0 || starts[len(starts)-1].OrderID != placed.ID || starts[len(starts)-1].CustomerEmail != f.customer.Email {
		t.Errorf("the key's order started as %+v, want the customer's e-mail %s", starts, f.customer.Email)
	}
	if _, err := f.svc.Place(ctx, reader, r); !errors.Is(err, orders.ErrNotAllowed) {
		t.Errorf("an orders:read key places: %v", err)
	}
	if _, err := f.svc.Place(ctx, support, r); err != nil {
		t.Errorf("support places for the customer: %v", err)
	}
	unknown := uuid.New()
	r.CustomerID, r.IdempotencyKey = &unknown, uuid.NewString()
	if _, err := f.svc.Place(ctx, shop, r); !errors.Is(err, orders.ErrCustomerNotFound) {
		t.Errorf("a key places for an unknown customer: %v", err)
	}
}
