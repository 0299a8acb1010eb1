// Package tracectx keeps a trace context with a record (an order, an
// event) as its W3C traceparent, so that work done later, in a trace of its
// own, links back to the request or step that made the record.
package tracectx

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Of is ctx's traceparent; nil when ctx carries no valid span.
func Of(ctx context.Context) *string {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return nil
	}
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, carrier)
	tp := carrier.Get("traceparent")
	return &tp
}

// Links is a span link to the stored traceparent, saying why; none when
// nothing (valid) was stored.
func Links(stored *string, reason string) []trace.Link {
	if stored == nil {
		return nil
	}
	ctx := propagation.TraceContext{}.Extract(context.Background(), propagation.MapCarrier{"traceparent": *stored})
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return nil
	}
	return []trace.Link{{SpanContext: sc, Attributes: []attribute.KeyValue{attribute.String("link.reason", reason)}}}
}
