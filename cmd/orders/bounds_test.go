package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/acme/orders/internal/config"
	"github.com/acme/orders/workflows"
)

// TestDatabaseBoundStaysBelowTheStepTimeout: the longest DATABASE_TIMEOUT the
// configuration accepts leaves an order step's attempt time to fail on a
// frozen database and be retried, rather than be timed out by Temporal.
func TestDatabaseBoundStaysBelowTheStepTimeout(t *testing.T) {
	field, _ := reflect.TypeFor[config.Database]().FieldByName("Timeout")
	limit, err := time.ParseDuration(field.Tag.Get("max"))
	if err != nil {
		t.Fatalf("DATABASE_TIMEOUT has no max: %v", err)
	}
	if limit >= workflows.StepTimeout {
		t.Fatalf("DATABASE_TIMEOUT may be %v, not below the steps' %v", limit, workflows.StepTimeout)
	}
}
