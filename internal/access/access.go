// Package access is who may do what: the scopes an operation needs, the
// staff roles that hold them, and the scopes an API key is given. It is a
// leaf: the API enforces it, the order and account services consult it.
package access

import (
	"fmt"
	"slices"
)

// Scope is a permission an operation needs.
type Scope string

// The scopes an API key can be given, each a resource and read or write.
const (
	OrdersRead        Scope = "orders:read"        // every order, its timeline, refunds and returns
	OrdersWrite       Scope = "orders:write"       // place orders for customers, cancel, approve, reject
	FulfillmentsWrite Scope = "fulfillments:write" // ship and deliver
	ProductsRead      Scope = "products:read"      // stock adjustments (the products themselves are public)
	ProductsWrite     Scope = "products:write"     // create, change (prices too) and delete products
	StockWrite        Scope = "stock:write"        // adjust stock on hand
	EventsRead        Scope = "events:read"        // the event feed and its stream
	WebhooksManage    Scope = "webhooks:manage"    // webhook endpoints and their deliveries
	RefundsWrite      Scope = "refunds:write"      // refund captured payments
	ReturnsWrite      Scope = "returns:write"      // approve, reject and receive returns
	UsersRead         Scope = "users:read"         // every user's account
)

// Admin is the scope of what only an admin may do: change users and roles,
// manage API keys, read the audit log, run the platform's tools. No API key
// holds it.
const Admin Scope = "admin"

// keyScopes are the scopes an API key may hold, in the order documents list them.
var keyScopes = []Scope{
	OrdersRead, OrdersWrite, FulfillmentsWrite, ProductsRead, ProductsWrite, StockWrite,
	EventsRead, WebhooksManage, RefundsWrite, ReturnsWrite, UsersRead,
}

// KeyScopes are the scopes an API key may hold.
func KeyScopes() []Scope { return slices.Clone(keyScopes) }

// Describe is what each scope allows, for the OpenAPI document.
func Describe() map[string]string {
	return map[string]string{
		string(OrdersRead):        "Read every order, its timeline, refunds and returns",
		string(OrdersWrite):       "Place orders for customers; cancel, approve and reject orders",
		string(FulfillmentsWrite): "Ship and deliver orders",
		string(ProductsRead):      "Read stock adjustments",
		string(ProductsWrite):     "Create, change and delete products, prices included",
		string(StockWrite):        "Adjust stock on hand",
		string(EventsRead):        "Read the event feed and its live stream",
		string(WebhooksManage):    "Manage webhook endpoints and their deliveries",
		string(RefundsWrite):      "Refund captured payments",
		string(ReturnsWrite):      "Approve, reject and receive returns",
		string(UsersRead):         "Read every user's account",
		string(Admin):             "Users, roles, API keys, the audit log and the platform's tools (admins only; never an API key)",
	}
}

// CheckKeyScopes is an error naming the first scope that no API key may hold.
func CheckKeyScopes(scopes []Scope) error {
	for _, s := range scopes {
		if !slices.Contains(keyScopes, s) {
			return fmt.Errorf("%q is not a scope an API key can hold", s)
		}
	}
	return nil
}

// Role is a user's place: a customer, or one of the staff roles.
type Role string

// The roles, from none of the staff scopes to all of them.
const (
	Customer    Role = "customer"
	Support     Role = "support"
	Fulfillment Role = "fulfillment"
	Catalog     Role = "catalog"
	AdminRole   Role = "admin"
)

// roleScopes is the one table of what each role holds. A customer holds no
// scope: they act on their own orders and account only.
var roleScopes = map[Role][]Scope{
	Customer:    nil,
	Support:     {OrdersRead, OrdersWrite, ReturnsWrite, UsersRead},
	Fulfillment: {OrdersRead, FulfillmentsWrite, ProductsRead, StockWrite},
	Catalog:     {ProductsRead, ProductsWrite, StockWrite},
	AdminRole:   append(slices.Clone(keyScopes), Admin),
}

// Roles are every role, customer first.
func Roles() []Role { return []Role{Customer, Support, Fulfillment, Catalog, AdminRole} }

// Valid tells whether r is a role.
func (r Role) Valid() bool {
	_, ok := roleScopes[r]
	return ok
}

// Scopes are what the role holds.
func (r Role) Scopes() Grants { return slices.Clone(roleScopes[r]) }

// Grants are the scopes a caller holds: a user's by their role, an API
// key's as it was given.
type Grants []Scope

// Has tells whether the scope is among the grants.
func (g Grants) Has(s Scope) bool { return slices.Contains(g, s) }

// Names are the scopes as text, as documents and the database hold them.
func Names(scopes []Scope) []string {
	out := make([]string, len(scopes))
	for i, s := range scopes {
		out[i] = string(s)
	}
	return out
}

// ScopesOf are scopes from their names.
func ScopesOf(names []string) []Scope {
	out := make([]Scope, len(names))
	for i, n := range names {
		out[i] = Scope(n)
	}
	return out
}

// Staff tells whether the role is one of the staff's.
func (r Role) Staff() bool { return r.Valid() && r != Customer }
