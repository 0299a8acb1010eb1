package orders_test

import (
	"testing"

	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/testenv"
)

func TestRefusalsNameRealConstraints(t *testing.T) {
	testenv.RequireConstraints(t, orders.DBErrors.Constraints())
}
