package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
)

// bench is what every run shares: the customers and products it prepared,
// and the connections the baselines use.
type bench struct {
	o         options
	log       io.Writer // progress
	out       io.Writer // tables
	runID     string
	admin     *apiClient
	customers []*customer
	endpoints *endpoints // -endpoints: the run's live and dead webhook endpoints
	products  []string
	stock     map[string]int64 // each product's initial stock, by SKU
	seq       atomic.Int64

	mu        sync.Mutex
	unsettled []placedOrder // placed in the current run
	placed    atomic.Int64  // orders placed in all runs: all still open, waiting for shipment
	startRSS  map[string]float64

	temporal client.Client // baselines, history counts, e-mails still being sent
	worker   worker.Worker // runs the baseline workflows, on queue
	queue    string
	pool     *pgxpool.Pool // the platform's database: the orders watched, the insert baseline, the catalog's seed

	catalogSeeded int  // products the catalog workload has seeded
	usersSeeded   bool // and whether it seeded its users
}

// customer is one client's user, with the orders it placed (for reads).
type customer struct {
	*apiClient
	mu     sync.Mutex
	orders []string
}

func (c *customer) placed(id string) {
	c.mu.Lock()
	c.orders = append(c.orders, id)
	c.mu.Unlock()
}

func (c *customer) anyOrder() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.orders) == 0 {
		return "", false
	}
	return c.orders[rand.IntN(len(c.orders))], true
}

// result is one run of a workload or baseline.
type result struct {
	name    string
	round   int
	elapsed time.Duration
	ops     map[string]*opStats
	figures []figure
}

// figure is one measured number; Key names it across rounds.
type figure struct {
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Unit  string  `json:"unit"`
	Value float64 `json:"value"`
}

func (r *result) printOps(w io.Writer) {
	if len(r.ops) > 0 {
		opsTable(w, fmt.Sprintf("round %d, %s", r.round, r.name), r.elapsed, r.ops)
	} else {
		fmt.Fprintf(w, "\nround %d, %s (%.1fs)\n", r.round, r.name, r.elapsed.Seconds())
	}
	for _, f := range r.figures {
		fmt.Fprintf(w, "  %-44s %10.1f %s\n", f.Label, f.Value, f.Unit)
	}
}

// productStock is the stock of the bench's products: more than any run orders.
const productStock = 1_000_000_000

func newBench(ctx context.Context, o options, out, log io.Writer) (*bench, error) {
	b := &bench{o: o, out: out, log: log, runID: uuid.NewString()[:8], stock: map[string]int64{}}
	hc := newHTTPClient(o.clients)
	anon := &apiClient{base: strings.TrimRight(o.api, "/"), http: hc}
	var err error
	if b.admin, err = anon.login(ctx, o.adminEmail, o.adminPassword); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "loadgen %s: preparing %d products and %d customers\n", b.runID, o.products, o.clients)
	for i := range o.products {
		sku := fmt.Sprintf("LOAD-%s-%d", b.runID, i)
		id, err := b.admin.createProduct(ctx, sku, productStock)
		if err != nil {
			return nil, fmt.Errorf("create product: %w", err)
		}
		b.products = append(b.products, id)
		b.stock[sku] = productStock
	}
	keys := int(float64(o.clients)*o.keyShare + 0.5)
	for i := range o.clients {
		email, password := fmt.Sprintf("load-%s-%d@example.com", b.runID, i), "load-"+b.runID+"-password"
		id, err := b.admin.createUser(ctx, email, password)
		if err != nil {
			return nil, fmt.Errorf("create customer: %w", err)
		}
		var c *apiClient
		if (i+1)*keys/o.clients > i*keys/o.clients { // the keys spread evenly over the clients
			c, err = b.admin.keyFor(ctx, fmt.Sprintf("load-%s-%d", b.runID, i), id)
		} else {
			c, err = anon.login(ctx, email, password)
		}
		if err != nil {
			return nil, err
		}
		b.customers = append(b.customers, &customer{apiClient: c})
	}
	if err := b.openBaselines(ctx); err != nil {
		b.close()
		return nil, err
	}
	if o.endpoints {
		if b.endpoints, err = b.addEndpoints(ctx); err != nil {
			b.close()
			return nil, err
		}
	}
	b.startRSS = map[string]float64{}
	for role, pid := range o.pids {
		if rss, _, err := memoryMiB(pid); err == nil {
			b.startRSS[role] = rss
		}
	}
	return b, nil
}

func (b *bench) close() {
	if b.endpoints != nil {
		_ = b.endpoints.remove(context.Background())
	}
	if b.worker != nil {
		b.worker.Stop()
	}
	if b.temporal != nil {
		b.temporal.Close()
	}
	if b.pool != nil {
		b.pool.Close()
	}
}

// runOne runs "workload NAME" or "baseline NAME" once.
func (b *bench) runOne(ctx context.Context, name string, round int) (*result, error) {
	kind, n, _ := strings.Cut(name, " ")
	run := workloadRunners[n]
	if kind == "baseline" {
		run = baselineRunners[n]
	}
	fmt.Fprintf(b.log, "round %d: %s for %s\n", round, name, b.o.duration)
	r := &result{name: name, round: round, ops: map[string]*opStats{}}
	start := time.Now()
	err := run(ctx, b, r)
	if r.elapsed == 0 {
		r.elapsed = time.Since(start)
	}
	if err != nil {
		return r, err
	}
	return r, b.settle(ctx)
}

// settle waits, unmeasured, until the orders the last run placed are
// confirmed and no e-mail is still being sent, so that no run pays for the
// one before.
func (b *bench) settle(ctx context.Context) error {
	b.mu.Lock()
	placed := b.unsettled
	b.unsettled = nil
	b.mu.Unlock()
	if out, err := b.waitConfirmed(ctx, placed, 5*time.Minute); err != nil || out.stuck > 0 {
		return fmt.Errorf("settle: %d orders not confirmed in 5 minutes (%v)", out.stuck, err)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		n, err := b.temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{
			Namespace: b.o.namespace, Query: "ExecutionStatus = 'Running' AND WorkflowType = 'SendEmail'",
		})
		if err != nil {
			return fmt.Errorf("settle: count e-mails being sent: %w", err)
		}
		if n.GetCount() == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("settle: %d e-mails still being sent after 5 minutes", n.GetCount())
		}
		if err := sleep(ctx, time.Second); err != nil {
			return err
		}
	}
}

// timed runs call and records its latency, or its error, under the
// operation's name; a call cut off by the end of the run is not recorded.
func (r *result) timed(ctx context.Context, name string, call func() error) error {
	start := time.Now()
	err := call()
	if ctx.Err() == nil {
		r.op(name).record(time.Since(start), err)
	}
	return err
}

// placedThisRun is a copy of the orders the current run placed.
func (b *bench) placedThisRun() []placedOrder {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.unsettled)
}

// op returns the run's stats of an operation.
func (r *result) op(name string) *opStats {
	if s, ok := r.ops[name]; ok {
		return s
	}
	s := &opStats{}
	r.ops[name] = s
	return s
}

// closedLoop runs fn in -clients clients for -duration, printing progress;
// it returns how long they ran.
func (b *bench) closedLoop(ctx context.Context, r *result, fn func(ctx context.Context, client int) error) time.Duration {
	return b.closedLoopOf(ctx, r, b.o.clients, fn)
}

// closedLoopOf is closedLoop with n clients.
func (b *bench) closedLoopOf(ctx context.Context, r *result, n int, fn func(ctx context.Context, client int) error) time.Duration {
	ctx, cancel := context.WithTimeout(ctx, b.o.duration)
	defer cancel()
	var done, failed atomic.Int64
	stop := b.progress(r.name, &done, &failed)
	defer stop()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				err := fn(ctx, i)
				if ctx.Err() != nil {
					return // cut off by the end of the run: not counted
				}
				done.Add(1)
				if err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// progress prints a line every 2 seconds until stopped.
func (b *bench) progress(name string, done, failed *atomic.Int64) (stop func()) {
	t := time.NewTicker(2 * time.Second)
	quit := make(chan struct{})
	start := time.Now()
	go func() {
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				el := time.Since(start).Seconds()
				fmt.Fprintf(b.log, "  %s: %4.0fs  %7d calls  %7.1f/s  %d failed\n", name, el, done.Load(), float64(done.Load())/el, failed.Load())
			}
		}
	}()
	return func() { t.Stop(); close(quit) }
}

// lines is a random order of one or two of the bench's products.
func (b *bench) lines() []orderLine {
	first := rand.IntN(len(b.products))
	lines := []orderLine{{ProductID: b.products[first], Quantity: 1 + rand.IntN(3)}}
	if second := rand.IntN(len(b.products)); second != first && rand.IntN(2) == 0 {
		lines = append(lines, orderLine{ProductID: b.products[second], Quantity: 1})
	}
	return lines
}

func (b *bench) key() string { return fmt.Sprintf("load-%s-%d", b.runID, b.seq.Add(1)) }
