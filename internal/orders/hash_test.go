package orders

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/google/uuid"
)

// TestRequestHashIsTheBodyAsTheAPIReceivedIt: hashes stored before the
// domain owned placing must keep matching, or a client's retry across an
// upgrade would be refused as a reused key.
func TestRequestHashIsTheBodyAsTheAPIReceivedIt(t *testing.T) {
	id := uuid.MustParse("6f1c3c4e-0000-4000-8000-000000000001")
	r := PlaceRequest{
		IdempotencyKey:  "k",
		Lines:           []LineRequest{{ProductID: id, Quantity: 2}},
		ShippingAddress: Address{Name: "Ann", Line1: "1 Main St", City: "Berlin", PostalCode: "10115", Country: "DE"},
		PaymentToken:    "tok_approve",
	}
	body := `{"lines":[{"product_id":"6f1c3c4e-0000-4000-8000-000000000001","quantity":2}],` +
		`"shipping_address":{"name":"Ann","line1":"1 Main St","city":"Berlin","postal_code":"10115","country":"DE"},` +
		`"payment_token":"tok_approve"}`
	sum := sha256.Sum256([]byte(body))
	if got, want := r.hash(), hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("hash %s, want %s", got, want)
	}
}
