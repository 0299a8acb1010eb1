package workflowclient

import (
	"context"

	"go.opentelemetry.io/otel/trace"
	"go.temporal.io/sdk/activity"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/workflows"
)

// Interceptors trace the workflows' clients and the workers built on them
// with OpenTelemetry through the Temporal SDK's interceptor: StartWorkflow,
// RunWorkflow, StartActivity and RunActivity (local ones too), updates and
// signals, each span a child of the one that caused it, carried across
// Temporal in the W3C trace context. Every span of an order's workflow
// carries the order's ID (order.id), and every workflow and activity log
// line its trace_id, span_id and order_id. With a no-op tp, nothing is recorded but
// an incoming trace ID still flows through.
func Interceptors(tp trace.TracerProvider) ([]interceptor.ClientInterceptor, error) {
	inner, err := temporalotel.NewTracer(temporalotel.TracerOptions{Tracer: tp.Tracer("temporal-sdk-go")})
	if err != nil {
		return nil, err
	}
	return []interceptor.ClientInterceptor{interceptor.NewTracingInterceptor(orderTracer{inner}), &orderLogs{}}, nil
}

// orderTracer is the SDK's OpenTelemetry tracer, with the order's ID on
// each span and snake_case trace fields on log lines, like the API's.
type orderTracer struct{ interceptor.Tracer }

// workflowIDTag is the tag the SDK's tracing interceptor puts the workflow
// ID in.
const workflowIDTag = "temporalWorkflowID"

func (t orderTracer) StartSpan(opts *interceptor.TracerStartSpanOptions) (interceptor.TracerSpan, error) {
	if id, ok := workflows.OrderIDOf(opts.Tags[workflowIDTag]); ok {
		tags := make(map[string]string, len(opts.Tags)+1)
		for k, v := range opts.Tags {
			tags[k] = v
		}
		tags["order.id"] = id
		o := *opts
		o.Tags = tags
		opts = &o
	}
	return t.Tracer.StartSpan(opts)
}

func (t orderTracer) GetLogger(logger log.Logger, ref interceptor.TracerSpanRef) log.Logger {
	span, ok := ref.(interface{ SpanContext() trace.SpanContext })
	if !ok || !span.SpanContext().IsValid() {
		return logger
	}
	sc := span.SpanContext()
	return log.With(logger, "trace_id", sc.TraceID().String(), "span_id", sc.SpanID().String())
}

// orderLogs puts order_id on every log line of an order's workflow and of
// the activities it runs.
type orderLogs struct{ interceptor.InterceptorBase }

func (*orderLogs) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &orderWorkflowLogs{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}}
}

func (*orderLogs) InterceptActivity(_ context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &orderActivityLogs{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}}
}

type orderWorkflowLogs struct {
	interceptor.WorkflowInboundInterceptorBase
}

func (w *orderWorkflowLogs) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return w.Next.Init(&orderWorkflowLogger{interceptor.WorkflowOutboundInterceptorBase{Next: outbound}})
}

type orderWorkflowLogger struct {
	interceptor.WorkflowOutboundInterceptorBase
}

func (w *orderWorkflowLogger) GetLogger(ctx workflow.Context) log.Logger {
	return withOrderID(w.Next.GetLogger(ctx), workflow.GetInfo(ctx).WorkflowExecution.ID)
}

type orderActivityLogs struct {
	interceptor.ActivityInboundInterceptorBase
}

func (a *orderActivityLogs) Init(outbound interceptor.ActivityOutboundInterceptor) error {
	return a.Next.Init(&orderActivityLogger{interceptor.ActivityOutboundInterceptorBase{Next: outbound}})
}

type orderActivityLogger struct {
	interceptor.ActivityOutboundInterceptorBase
}

func (a *orderActivityLogger) GetLogger(ctx context.Context) log.Logger {
	return withOrderID(a.Next.GetLogger(ctx), activity.GetInfo(ctx).WorkflowExecution.ID)
}

func withOrderID(logger log.Logger, workflowID string) log.Logger {
	if id, ok := workflows.OrderIDOf(workflowID); ok {
		return log.With(logger, "order_id", id)
	}
	return logger
}
