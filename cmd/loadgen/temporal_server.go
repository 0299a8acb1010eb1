package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/acme/orders/internal/testenv"
)

const temporalServerUsage = `loadgen temporal-server runs the Temporal server that make cluster-tools
builds (PostgreSQL persistence, 4 history shards, namespace default), as the
cluster tests do, until it is stopped (SIGTERM or SIGINT); then it drops its
databases. It writes "ADDRESS PID" (the frontend, the server's process) to
-state once the namespace is usable. make bench CLUSTER=1 runs it on the
bench's PostgreSQL (TEST_DATABASE_URL names the server to create the
databases in).

Flags:
`

// runTemporalServer is loadgen's temporal-server command.
func runTemporalServer(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flagSet("loadgen temporal-server", temporalServerUsage, stderr)
	state := fs.String("state", "", "the file to write \"ADDRESS PID\" to once the server is up")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *state == "" {
		return errors.New("temporal-server: -state is required")
	}
	s, err := testenv.RunTemporalServer()
	if err != nil {
		return err
	}
	err = os.WriteFile(*state, fmt.Appendf(nil, "%s %d\n", s.HostPort(), s.PID()), 0o644)
	if err == nil {
		<-ctx.Done()
	}
	return errors.Join(err, s.Close())
}
