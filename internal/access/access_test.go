package access_test

import (
	"slices"
	"testing"

	"github.com/acme/orders/internal/access"
)

// TestRolesHoldWhatTheirWorkNeeds: support reads every order and cancels;
// fulfillment ships, delivers and keeps stock; catalog keeps products,
// prices and stock; admin holds everything; a customer holds nothing.
func TestRolesHoldWhatTheirWorkNeeds(t *testing.T) {
	for role, want := range map[access.Role][]access.Scope{
		access.Customer:    nil,
		access.Support:     {access.OrdersRead, access.OrdersWrite},
		access.Fulfillment: {access.OrdersRead, access.FulfillmentsWrite, access.StockWrite},
		access.Catalog:     {access.ProductsRead, access.ProductsWrite, access.StockWrite},
		access.AdminRole:   append(access.KeyScopes(), access.Admin),
	} {
		for _, s := range want {
			if !role.Scopes().Has(s) {
				t.Errorf("%s lacks %s", role, s)
			}
		}
		if role != access.AdminRole && role.Scopes().Has(access.Admin) {
			t.Errorf("%s holds admin", role)
		}
	}
	if access.Customer.Staff() || !access.Support.Staff() || access.Role("root").Valid() {
		t.Error("Staff or Valid is wrong")
	}
	for _, nope := range [][]access.Scope{{access.Admin}, {"orders:delete"}, {access.OrdersRead, ""}} {
		if access.CheckKeyScopes(nope) == nil {
			t.Errorf("a key may hold %v", nope)
		}
	}
	if err := access.CheckKeyScopes(access.KeyScopes()); err != nil || slices.Contains(access.KeyScopes(), access.Admin) {
		t.Errorf("key scopes: %v", err)
	}
	for _, s := range append(access.KeyScopes(), access.Admin) {
		if access.Describe()[string(s)] == "" {
			t.Errorf("%s is not described", s)
		}
	}
}
