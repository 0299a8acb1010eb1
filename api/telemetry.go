package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/acme/orders/internal/telemetry"
)

// Telemetry is what the HTTP layer records to; the zero value records nothing.
type Telemetry struct {
	Tracer trace.TracerProvider
	Meter  metric.MeterProvider
	// Metrics is served on /metrics, outside the API and its document; nil:
	// not served.
	Metrics http.Handler
}

// metricsPath is where Prometheus scrapes the API process.
const metricsPath = "/metrics"

// instrument is the outermost middleware: a server span per request (taking
// over an incoming W3C traceparent) and the request metrics
// (http_server_request_duration_seconds by method, route and status).
// Scrapes of /metrics are neither traced nor counted.
func instrument(t Telemetry) func(http.Handler) http.Handler {
	tp, mp := t.Tracer, t.Meter
	if tp == nil {
		tp = tracenoop.NewTracerProvider()
	}
	if mp == nil {
		mp = metricnoop.NewMeterProvider()
	}
	return otelhttp.NewMiddleware("HTTP",
		otelhttp.WithTracerProvider(tp), otelhttp.WithMeterProvider(mp),
		otelhttp.WithPropagators(telemetry.Propagator),
		otelhttp.WithFilter(func(r *http.Request) bool { return r.URL.Path != metricsPath }),
	)
}

// nameByRoute names the request's span by its route template once chi has
// routed it ("GET /api/v1/orders/{id}"), and labels its metrics with the
// route, so that neither grows with every order ID.
func nameByRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		rc := chi.RouteContext(r.Context())
		if rc == nil || rc.RoutePattern() == "" {
			return
		}
		route, span := rc.RoutePattern(), trace.SpanFromContext(r.Context())
		span.SetName(r.Method + " " + route)
		span.SetAttributes(semconv.HTTPRoute(route))
		if l, ok := otelhttp.LabelerFromContext(r.Context()); ok {
			l.Add(semconv.HTTPRoute(route))
		}
	})
}

// traceOrder marks the request's span with the order it is about.
func traceOrder(ctx context.Context, id string) {
	trace.SpanFromContext(ctx).SetAttributes(attribute.String("order.id", id))
}
