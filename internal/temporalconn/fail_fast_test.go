package temporalconn

import (
	"context"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// TestAStartIsRefusedAtOnceWhileTheConnectionIsDown: on a connection that
// failed (nothing listens), a workflow start is refused without being sent
// (and FailedPrecondition is not retried by the SDK), while any other call
// goes on to the invoker.
func TestAStartIsRefusedAtOnceWhileTheConnectionIsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	cc.Connect()
	for s := cc.GetState(); s != connectivity.TransientFailure; s = cc.GetState() {
		if !cc.WaitForStateChange(t.Context(), s) {
			t.Fatal("the connection never failed")
		}
	}

	invoked := ""
	invoker := func(_ context.Context, method string, _, _ any, _ *grpc.ClientConn, _ ...grpc.CallOption) error {
		invoked = method
		return nil
	}
	err = failStartsWhileDown(t.Context(), startWorkflow, nil, nil, cc, invoker)
	if status.Code(err) != codes.FailedPrecondition || invoked != "" {
		t.Fatalf("a start on a failed connection: %v (sent: %q)", err, invoked)
	}
	other := "/temporal.api.workflowservice.v1.WorkflowService/QueryWorkflow"
	if err := failStartsWhileDown(t.Context(), other, nil, nil, cc, invoker); err != nil || invoked != other {
		t.Fatalf("another call: %v (sent: %q)", err, invoked)
	}
}
