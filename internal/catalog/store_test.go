package catalog_test

import (
	"testing"

	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/testenv"
)

func TestRefusalsNameRealConstraints(t *testing.T) {
	testenv.RequireConstraints(t, catalog.DBErrors.Constraints())
}
