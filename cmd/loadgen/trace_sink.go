package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	_ "google.golang.org/grpc/encoding/gzip" // OTEL_EXPORTER_OTLP_COMPRESSION=gzip
)

const traceSinkUsage = `loadgen trace-sink takes the spans the platform exports over OTLP/gRPC and
drops them, counting them, until it is stopped (SIGTERM or SIGINT); then it
prints how many it took, in all and by service and span name. make bench runs the API and the worker with tracing
on, every span recorded and exported as in production, with this sink as
their collector: the exporters' work is measured, a trace store's is not
added to the bench's cores.

Flags:
`

// runTraceSink is loadgen's trace-sink command.
func runTraceSink(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("loadgen trace-sink", traceSinkUsage, stderr)
	addr := fs.String("addr", "127.0.0.1:4317", "the address to take OTLP/gRPC on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	lis, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	return serveTraceSink(ctx, lis, stdout)
}

// serveTraceSink serves the sink on lis until ctx ends, then prints the
// count of spans taken.
func serveTraceSink(ctx context.Context, lis net.Listener, stdout io.Writer) error {
	sink := &traceSink{}
	srv := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(srv, sink)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		srv.GracefulStop() // waits for the exports in flight, so they are counted
	}()
	err := srv.Serve(lis)
	cancel() // Serve failed: the stop need not wait for ctx
	<-stopped
	sink.report(stdout)
	return err
}

// traceSink is an OTLP trace collector that keeps nothing but counts.
type traceSink struct {
	coltracepb.UnimplementedTraceServiceServer
	mu     sync.Mutex
	spans  int
	byName map[string]int // "service: span name"
}

func (s *traceSink) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byName == nil {
		s.byName = map[string]int{}
	}
	for _, rs := range req.GetResourceSpans() {
		service := "?"
		for _, a := range rs.GetResource().GetAttributes() {
			if a.GetKey() == "service.name" {
				service = a.GetValue().GetStringValue()
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, sp := range ss.GetSpans() {
				s.spans++
				s.byName[service+": "+sp.GetName()]++
			}
		}
	}
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

// report prints the total, then each service and span name, most first.
func (s *traceSink) report(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(w, "trace-sink: %d spans taken\n", s.spans)
	names := slices.Collect(maps.Keys(s.byName))
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(s.byName[b]-s.byName[a], strings.Compare(a, b)) })
	for _, n := range names {
		fmt.Fprintf(w, "%9d  %s\n", s.byName[n], n)
	}
}
