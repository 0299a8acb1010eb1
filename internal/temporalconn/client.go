// Package temporalconn builds the Temporal client from the configuration, for
// a local dev server or a hosted Temporal (TLS, mTLS or API key).
package temporalconn

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
	"go.temporal.io/sdk/interceptor"
	tlog "go.temporal.io/sdk/log"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/status"

	"github.com/acme/orders/internal/config"
)

// ErrUnavailable wraps what Temporal answered when it could not be reached;
// the API answers it with 503. Like db.ErrUnavailable, it reports
// Unavailable() true: an outage, worth retrying later.
var ErrUnavailable error = outage("the workflow service is unavailable; try again later")

type outage string

func (o outage) Error() string { return string(o) }

// Unavailable marks a dependency outage.
func (outage) Unavailable() bool { return true }

// Instruments are what the client, and every worker built on it, report
// to: interceptors (tracing) and the SDK's own metrics (task latencies,
// slots, failures, prefixed temporal_).
type Instruments struct {
	Interceptors []interceptor.ClientInterceptor
	Meter        metric.MeterProvider // nil: no SDK metrics
}

// Options turns the configuration into client options, without dialing.
func Options(cfg config.Temporal, logger *slog.Logger, in Instruments) (client.Options, error) {
	opts := client.Options{
		HostPort:     cfg.Address,
		Namespace:    cfg.Namespace,
		Logger:       tlog.NewStructuredLogger(logger.With("component", "temporal")),
		Interceptors: in.Interceptors,
	}
	if in.Meter != nil {
		opts.MetricsHandler = temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
			Meter:                in.Meter.Meter("temporal-sdk-go"),
			UseMonotonicCounters: true,
			OnError:              func(err error) { logger.Warn("temporal SDK metric not recorded", "error", err) },
		})
	}
	if cfg.TLS {
		tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if cfg.TLSCert != "" {
			cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
			if err != nil {
				return opts, fmt.Errorf("TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY: %w", err)
			}
			tlsCfg.Certificates = []tls.Certificate{cert}
		}
		opts.ConnectionOptions.TLS = tlsCfg
	}
	if cfg.APIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(cfg.APIKey)
	}
	opts.ConnectionOptions.DialOptions = append(opts.ConnectionOptions.DialOptions, grpc.WithChainUnaryInterceptor(failStartsWhileDown))
	return opts, nil
}

// startWorkflow is the RPC failStartsWhileDown refuses at once.
const startWorkflow = "/temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution"

// failStartsWhileDown refuses a workflow start at once while gRPC knows the
// server cannot be reached (its connection failed and waits to be made
// again), where the SDK would retry it until the caller's deadline: a POST
// would wait out its whole start timeout, and the outbox relay starts the
// order later anyway. The refusal is not retried (FailedPrecondition); gRPC
// keeps reconnecting on its own.
func failStartsWhileDown(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if method == startWorkflow && cc.GetState() == connectivity.TransientFailure {
		return status.Error(codes.FailedPrecondition, "Temporal unreachable: its connection failed and is being made again")
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

// Dial connects lazily: the client is returned even while the server is down,
// so the API can start, answer /ready with 503, and recover when Temporal returns.
func Dial(cfg config.Temporal, logger *slog.Logger, in Instruments) (client.Client, error) {
	opts, err := Options(cfg, logger, in)
	if err != nil {
		return nil, err
	}
	c, err := client.NewLazyClient(opts)
	if err != nil {
		return nil, fmt.Errorf("temporal client for %s: %w", cfg.Address, err)
	}
	return c, nil
}

// Ping asks the server whether it is healthy, for readiness checks.
func Ping(ctx context.Context, c client.Client) error {
	_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
	return err
}
