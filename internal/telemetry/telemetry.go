// Package telemetry sets up OpenTelemetry for one process: the tracer
// provider (exporting over OTLP as the OTEL_* variables say, or recording
// nothing), the meter provider behind /metrics (Prometheus), the W3C trace
// context that the HTTP API and Temporal propagate, and the log handler that
// puts trace and request IDs on every line.
//
// The providers are handed to each instrumented part explicitly (HTTP, pgx,
// the Temporal client and worker), never taken from OpenTelemetry's globals,
// so that tests can run several platforms in one process, each with its own.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/acme/orders/internal/config"
)

// Propagator carries the trace context (W3C traceparent) and baggage across
// HTTP and Temporal headers.
var Propagator propagation.TextMapPropagator = propagation.NewCompositeTextMapPropagator(
	propagation.TraceContext{}, propagation.Baggage{},
)

// Telemetry is one process's providers.
type Telemetry struct {
	// Tracer records spans when an exporter is configured; otherwise it is a
	// no-op that still carries an incoming trace ID through the process.
	Tracer trace.TracerProvider
	// Meter records the metrics that Metrics exposes.
	Meter metric.MeterProvider
	// Metrics serves Meter's metrics, with Go's runtime and the process's,
	// in Prometheus' text format.
	Metrics  http.Handler
	shutdown []func(context.Context) error
}

// Setup builds the providers for service (the default service name) from
// the configuration. Shutdown flushes what is still buffered.
func Setup(ctx context.Context, cfg config.Telemetry, service string) (*Telemetry, error) {
	if cfg.ServiceName != "" {
		service = cfg.ServiceName
	}
	res, err := resource.New(ctx, resource.WithFromEnv(), resource.WithTelemetrySDK(),
		resource.WithAttributes(semconv.ServiceName(service)))
	if err != nil {
		return nil, fmt.Errorf("telemetry resource: %w", err)
	}
	t := &Telemetry{Tracer: noop.NewTracerProvider()}
	if err := t.setupMetrics(res); err != nil {
		return nil, err
	}
	if cfg.Tracing() {
		exp, err := spanExporter(ctx, cfg)
		if err != nil {
			return nil, err
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
		t.Tracer = tp
		t.shutdown = append(t.shutdown, tp.Shutdown)
	}
	// For libraries that only know the globals; the platform's own parts
	// get the providers passed.
	otel.SetTextMapPropagator(Propagator)
	otel.SetTracerProvider(t.Tracer)
	return t, nil
}

// Disabled records nothing: for tests and commands that serve nothing.
func Disabled() *Telemetry {
	return &Telemetry{Tracer: noop.NewTracerProvider(), Meter: metricnoop.NewMeterProvider(), Metrics: http.NotFoundHandler()}
}

func (t *Telemetry) setupMetrics(res *resource.Resource) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo())
	if err != nil {
		return fmt.Errorf("prometheus exporter: %w", err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp), sdkmetric.WithResource(res))
	t.Meter = mp
	t.Metrics = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	t.shutdown = append(t.shutdown, mp.Shutdown)
	return nil
}

// spanExporter is the exporter OTEL_TRACES_EXPORTER names. The OTLP
// exporters read the rest of their settings (headers, certificates,
// timeouts) from the standard variables themselves.
func spanExporter(ctx context.Context, cfg config.Telemetry) (sdktrace.SpanExporter, error) {
	switch {
	case cfg.TracesExporter == "console":
		return stdouttrace.New()
	case cfg.OTLPProtocol == "http/protobuf":
		var opts []otlptracehttp.Option
		if cfg.OTLPEndpoint != "" {
			// The generic endpoint is a base: traces go to its /v1/traces.
			opts = append(opts, otlptracehttp.WithEndpointURL(strings.TrimRight(cfg.OTLPEndpoint, "/")+"/v1/traces"))
		}
		return otlptracehttp.New(ctx, opts...)
	default:
		var opts []otlptracegrpc.Option
		if cfg.OTLPEndpoint != "" {
			opts = append(opts, otlptracegrpc.WithEndpointURL(cfg.OTLPEndpoint))
		}
		return otlptracegrpc.New(ctx, opts...)
	}
}

// Shutdown flushes the spans still buffered and stops the providers.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	var errs []error
	for _, f := range t.shutdown {
		errs = append(errs, f(ctx))
	}
	return errors.Join(errs...)
}
