package main

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// The lists workload times the lists and feeds an operator or an
// integrator pages through: orders, the event feed, a webhook endpoint's
// deliveries and the audit log, each at its first page and 100 pages deep
// (cursors followed first), on what the database holds. make bench-scale
// runs it on a database seed-scale filled (a million orders, ten million
// events). Like catalog, it measures latency with -catalog-clients at once.

// listQueries are the lists timed; endpoint is the webhook endpoint whose
// deliveries are listed ("" leaves them out).
func listQueries(endpoint string) []catalogQuery {
	lists := [][2]string{ // name, path
		{"orders", "/orders?limit=50"},
		{"orders delivered", "/orders?status=delivered&limit=50"},
		{"events", "/events?limit=50"},
		{"events order.delivered", "/events?type=order.delivered&limit=50"},
		{"audit log", "/audit-log?limit=50"},
		{"audit log cancel-order", "/audit-log?action=cancel-order&limit=50"},
	}
	if endpoint != "" {
		lists = append(lists, [2]string{"webhook deliveries", "/webhooks/" + endpoint + "/deliveries?limit=50"})
	}
	var qs []catalogQuery
	for _, l := range lists {
		qs = append(qs,
			catalogQuery{name: l[0] + " first page", path: l[1], admin: true},
			catalogQuery{name: l[0] + " 100 pages deep", path: l[1], admin: true, deep: 100})
	}
	return qs
}

func runLists(ctx context.Context, b *bench, r *result) error {
	endpoint, err := b.seededEndpointID(ctx)
	if err != nil {
		return err
	}
	queries := listQueries(endpoint)
	paths := make([]string, len(queries))
	for i, q := range queries {
		if paths[i], err = b.followCursors(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q.name, err)
		}
	}
	r.elapsed = b.closedLoopOf(ctx, r, b.o.catalogClients, func(ctx context.Context, i int) error {
		n := rand.IntN(len(queries))
		return r.timed(ctx, queries[n].name, func() error { return b.admin.do(ctx, "GET", paths[n], nil, nil, nil) })
	})
	for _, q := range queries {
		s := summarize(r.op(q.name).latencies)
		r.figures = append(r.figures,
			figure{Key: "lists." + q.name + ".p50_ms", Label: q.name + " p50", Unit: "ms", Value: s.P50},
			figure{Key: "lists." + q.name + ".p99_ms", Label: q.name + " p99", Unit: "ms", Value: s.P99})
	}
	return nil
}

// seededEndpointID is the webhook endpoint seed-scale registered
// (seededEndpoint), or "" when there is none.
func (b *bench) seededEndpointID(ctx context.Context) (string, error) {
	var list struct {
		Data []struct {
			ID          string `json:"id"`
			Description string `json:"description"`
		} `json:"data"`
	}
	if err := b.admin.do(ctx, "GET", "/webhooks?limit=100", nil, nil, &list); err != nil {
		return "", err
	}
	for _, e := range list.Data {
		if e.Description == seededEndpoint {
			return e.ID, nil
		}
	}
	return "", nil
}
