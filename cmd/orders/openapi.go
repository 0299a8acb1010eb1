package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"

	"github.com/acme/orders/api"
)

// runOpenAPI prints the document the API serves at /api/v1/openapi.json.
func runOpenAPI(_ context.Context, e env, _ []string) error {
	doc := api.NewAPI(api.Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).OpenAPI()
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
