package accounts_test

import (
	"testing"

	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/testenv"
)

func TestRefusalsNameRealConstraints(t *testing.T) {
	testenv.RequireConstraints(t, accounts.DBErrors.Constraints())
}
