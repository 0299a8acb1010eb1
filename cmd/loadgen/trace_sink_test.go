package main

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// TestTraceSinkCountsExportedSpans: the platform's exporter (OTLP over
// gRPC, as internal/telemetry builds it) delivers to the sink, and the sink
// reports every span it took, by service and name.
func TestTraceSinkCountsExportedSpans(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	var out strings.Builder
	done := make(chan error, 1)
	go func() { done <- serveTraceSink(ctx, lis, &out) }()

	exp, err := otlptracegrpc.New(t.Context(), otlptracegrpc.WithEndpointURL("http://"+lis.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", "orders-api"))))
	tracer := tp.Tracer("test")
	for _, name := range []string{"POST /orders", "INSERT", "POST /orders"} {
		_, span := tracer.Start(t.Context(), name)
		span.End()
	}
	if err := tp.Shutdown(t.Context()); err != nil { // flushes: returns once exported
		t.Fatalf("export to the sink: %v", err)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("sink: %v", err)
	}
	want := "trace-sink: 3 spans taken\n" +
		"        2  orders-api: POST /orders\n" +
		"        1  orders-api: INSERT\n"
	if got := out.String(); got != want {
		t.Errorf("sink said\n%s\nwant\n%s", got, want)
	}
}

// TestTraceSinkReturnsWhenItCannotServe: a listener that fails ends the
// sink with the error, without waiting for a stop that may never come.
func TestTraceSinkReturnsWhenItCannotServe(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lis.Close()
	if err := serveTraceSink(t.Context(), lis, io.Discard); err == nil {
		t.Fatal("the sink served on a closed listener")
	}
}
