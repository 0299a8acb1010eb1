package api_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// BenchmarkPlaceOrderTracing times POST /orders (price, insert, start the
// workflow) on a real PostgreSQL and Temporal dev server, with tracing off
// (no exporter: the no-op provider) and on (every span recorded and
// exported in batches). No worker runs, so only the request is measured:
//
//	go test -run '^$' -bench PlaceOrderTracing -count 6 ./api/
func BenchmarkPlaceOrderTracing(b *testing.B) {
	for _, c := range []struct {
		name   string
		tracer func() trace.TracerProvider
	}{
		{"off", func() trace.TracerProvider { return tracenoop.NewTracerProvider() }},
		{"on", func() trace.TracerProvider {
			return sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			p := newPlatform(b, func(s *settings) { s.tracer, s.noWorker = c.tracer(), true })
			mug := p.newProduct(1290, "EUR", 1_000_000)
			_, token := p.newUser(false, true)
			body := orderBody("tok_approve", line(mug.ID, 1))
			b.ResetTimer()
			for b.Loop() {
				resp := p.api.Do(http.MethodPost, "/api/v1/orders/", "Authorization: Bearer "+token, "Idempotency-Key: "+uuid.NewString(), body)
				if resp.Code != http.StatusCreated {
					b.Fatalf("place: %d", resp.Code)
				}
			}
		})
	}
}
