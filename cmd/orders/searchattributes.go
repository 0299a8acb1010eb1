package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/acme/orders/workflowclient"
)

// runRegisterSearchAttributes adds the order search attributes the
// namespace lacks: once per namespace, before the first worker starts.
// Temporal Cloud namespaces take them in its UI or with tcld instead.
func runRegisterSearchAttributes(ctx context.Context, e env, _ []string) error {
	tc, err := dialTemporal(e)
	if err != nil {
		return err
	}
	defer tc.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	added, err := workflowclient.RegisterSearchAttributes(ctx, tc, e.cfg.Temporal.Namespace)
	if err != nil {
		return err
	}
	if len(added) == 0 {
		fmt.Fprintf(e.stdout, "namespace %s already has the order search attributes\n", e.cfg.Temporal.Namespace)
		return nil
	}
	fmt.Fprintf(e.stdout, "added to namespace %s: %s\n", e.cfg.Temporal.Namespace, strings.Join(added, ", "))
	return nil
}
