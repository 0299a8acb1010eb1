package api

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
)

func TestUnmappedErrorsAreBare(t *testing.T) {
	err := huma.NewErrorWithContext(nil, http.StatusInternalServerError, "unexpected error occurred",
		errors.New("pq: relation secret_table does not exist"))
	model, ok := err.(*huma.ErrorModel)
	if !ok || model.Status != http.StatusInternalServerError {
		t.Fatalf("got %#v", err)
	}
	if model.Detail != "" || len(model.Errors) != 0 || strings.Contains(model.Error(), "secret_table") {
		t.Fatalf("500 leaks its cause: %+v", model)
	}
	// Client errors keep their detail: it is what the caller must fix.
	bad := huma.NewErrorWithContext(nil, http.StatusUnprocessableEntity, "validation failed", errors.New("quantity too large"))
	if !strings.Contains(bad.Error(), "validation failed") || len(bad.(*huma.ErrorModel).Errors) != 1 {
		t.Fatalf("4xx lost its detail: %+v", bad)
	}
}
