// Command loadgen drives the order platform's HTTP API under load and, in
// the same run, the same PostgreSQL and Temporal server without the
// platform (the baselines), then prints each figure beside its baseline as a
// ratio. `make bench` runs it; docs/performance.md says what each figure means.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// options are loadgen's flags.
type options struct {
	api            string
	adminEmail     string
	adminPassword  string
	workloads      []string
	baselines      []string
	temporal       string
	namespace      string
	database       string
	clients        int
	keyShare       float64
	pace           float64
	faults         string
	endpoints      bool
	duration       time.Duration
	rate           float64
	rounds         int
	products       int
	catalogSizes   []int
	catalogClients int
	pids           map[string]int
	jsonPath       string
	recovery       time.Duration
	allowNoAnswer  bool
}

const usage = `loadgen drives the order platform's HTTP API and prints throughput,
latency, errors and resource use, beside baselines run against the same
PostgreSQL and Temporal server in the same run. (loadgen compare -h: two
builds' figures side by side; loadgen temporal-server -h: the real Temporal
server, for make bench CLUSTER=1; loadgen seed-scale -h: a year of orders,
for make bench-scale; loadgen trace-sink -h: where make bench's spans go.)

Workloads (-workloads, run in this order in each round):
  place    closed loop: POST /orders                      (vs baseline start)
  confirm  closed loop POST /orders for -duration, then every order until
           confirmed: orders reaching confirmed per second (vs baseline workflow)
  webhooks confirm with a dead and a live webhook endpoint registered, vs
           confirm with none before and after it; the live one's backlog when
           the load stops; at -rate orders/s, event commit to the receiver's 2xx
  read     closed loop: GET /orders/{id}
  mix      closed loop: 20% POST /orders, 60% GET /orders/{id}, 20% GET /orders
  rate     open loop: POST /orders at -rate per second; time to confirmed
  catalog  closed loop: product and user lists and searches, on a catalog
           seeded to each of -catalog-sizes in turn
  lists    closed loop: the lists of orders, events, webhook deliveries and
           the audit log at their first page and 100 pages deep, on what the
           database holds (make bench-scale: loadgen seed-scale -h)
Chaos workloads (make chaos runs them while it breaks things; each fails
unless nothing was duplicated, lost or stuck, stock matches the confirmed
orders, and the API answered only 2xx, 409, 429 or 503):
  orders       closed loop; each order retried under its Idempotency-Key
               until answered
  oversell     every client buys one unit of a product with 25 in stock
  idempotency  every client sends the same order under the same key
Baselines (-baselines):
  start    StartWorkflow in a closed loop (a workflow that returns at once)
  workflow a 3-activity workflow (no-op activities), started in a closed loop
           for -duration, then run to completion: completed per second
  insert   a single-row INSERT through pgx in a closed loop

Flags:
`

func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	var workloads, baselines, pids, catalogSizes string
	fs := flagSet("loadgen", usage, stderr)
	fs.StringVar(&o.api, "api", "http://localhost:8000", "the API's base URL")
	fs.StringVar(&o.adminEmail, "admin-email", getenv("FIRST_SUPERUSER"), "a superuser's e-mail (default $FIRST_SUPERUSER)")
	fs.StringVar(&o.adminPassword, "admin-password", getenv("FIRST_SUPERUSER_PASSWORD"), "its password (default $FIRST_SUPERUSER_PASSWORD)")
	fs.StringVar(&workloads, "workloads", "place,confirm,webhooks,read,mix,rate,catalog", "workloads to run, comma-separated")
	fs.StringVar(&baselines, "baselines", "start,workflow,insert", "baselines to run, comma-separated; empty for none")
	fs.StringVar(&o.temporal, "temporal", or(getenv("TEMPORAL_ADDRESS"), "localhost:7233"), "Temporal frontend, for baselines and history counts")
	fs.StringVar(&o.namespace, "namespace", or(getenv("TEMPORAL_NAMESPACE"), "default"), "Temporal namespace")
	fs.StringVar(&o.database, "database", getenv("DATABASE_URL"), "the platform's PostgreSQL URL: where loadgen watches its orders confirm (so that watching costs the API nothing), and the insert baseline's")
	fs.IntVar(&o.clients, "clients", 16, "concurrent clients of the closed-loop workloads and baselines")
	fs.BoolVar(&o.endpoints, "endpoints", true, "register a live and a dead webhook endpoint for the whole run (the webhooks workload measures without them, and with its own)")
	fs.Float64Var(&o.keyShare, "key-share", 0.5, "the share of the clients that are integrators with an API key (orders:read, orders:write) placing for their customer; the others log in")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each workload and baseline runs")
	fs.Float64Var(&o.rate, "rate", 10, "orders per second of the rate workload")
	fs.IntVar(&o.rounds, "rounds", 1, "rounds; each runs every workload and baseline once, interleaved")
	fs.IntVar(&o.products, "products", 20, "products to create for the orders")
	fs.StringVar(&catalogSizes, "catalog-sizes", "10000,1000000", "catalog: the sizes to seed and measure at, ascending")
	fs.IntVar(&o.catalogClients, "catalog-clients", 2, "catalog: concurrent clients (few: it measures latency, not throughput)")
	fs.StringVar(&pids, "pids", "", "processes to measure, as role=pid,... (roles api, worker, temporal)")
	fs.StringVar(&o.jsonPath, "json", "", "also write every figure as JSON to this file")
	fs.DurationVar(&o.recovery, "recovery", 3*time.Minute, "chaos: how long orders may take to settle after the load")
	fs.StringVar(&o.faults, "faults", "", "chaos: the script's record of when each fault began and ended (lines \"begin UNIXTIME\", \"end UNIXTIME\"), to report the POSTs sent meanwhile")
	fs.Float64Var(&o.pace, "pace", 0, "chaos orders: at most this many new orders a second, between all clients (0: as fast as answered)")
	fs.BoolVar(&o.allowNoAnswer, "allow-no-answer", false, "chaos: a request may go unanswered (the API is being killed)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.workloads, o.baselines = list(workloads), list(baselines)
	for _, w := range o.workloads {
		if _, ok := workloadRunners[w]; !ok {
			return o, fmt.Errorf("unknown workload %q", w)
		}
	}
	for _, b := range o.baselines {
		if _, ok := baselineRunners[b]; !ok {
			return o, fmt.Errorf("unknown baseline %q", b)
		}
	}
	var err error
	if o.pids, err = parsePIDs(pids); err != nil {
		return o, err
	}
	for _, f := range list(catalogSizes) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || len(o.catalogSizes) > 0 && n <= o.catalogSizes[len(o.catalogSizes)-1] {
			return o, fmt.Errorf("-catalog-sizes: %q is not an ascending list of positive sizes", catalogSizes)
		}
		o.catalogSizes = append(o.catalogSizes, n)
	}
	if len(o.pids) > 0 {
		o.pids["loadgen"] = os.Getpid() // the baselines' worker and every client
	}
	switch {
	case o.adminEmail == "" || o.adminPassword == "":
		return o, errors.New("a superuser is needed: -admin-email and -admin-password (or FIRST_SUPERUSER and FIRST_SUPERUSER_PASSWORD)")
	case o.pace < 0:
		return o, errors.New("-pace must not be negative")
	case o.keyShare < 0 || o.keyShare > 1:
		return o, errors.New("-key-share must be between 0 and 1")
	case o.clients < 1 || o.catalogClients < 1 || o.rounds < 1 || o.duration <= 0 || o.rate <= 0 || o.products < 1:
		return o, errors.New("-clients, -rounds, -duration, -rate and -products must be positive")
	case o.database == "":
		return o, errors.New("-database (or DATABASE_URL) is needed: loadgen watches the orders it places there")
	case slices.Contains(o.workloads, "catalog") && len(o.catalogSizes) == 0:
		return o, errors.New("the catalog workload needs -catalog-sizes")
	}
	return o, nil
}

// flagSet is a command's flags, its usage text printed before them on
// -h or a bad flag.
func flagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	return fs
}

// subcommands are loadgen's commands besides the bench itself.
var subcommands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{
	"compare":         runCompare,
	"temporal-server": runTemporalServer,
	"seed-scale":      runSeedScale,
	"trace-sink":      runTraceSink,
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && subcommands[args[0]] != nil {
		err := subcommands[args[0]](ctx, args[1:], stdout, stderr)
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	o, err := parseOptions(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	b, err := newBench(ctx, o, stdout, stderr)
	if err != nil {
		return err
	}
	defer b.close()
	report := newReport(o)
	for round := 1; round <= o.rounds; round++ {
		for _, name := range interleave(o.workloads, o.baselines) {
			if err := ctx.Err(); err != nil {
				return err
			}
			res, err := b.runOne(ctx, name, round)
			if err != nil {
				return fmt.Errorf("round %d, %s: %w", round, name, err)
			}
			res.printOps(stdout)
			report.add(res)
		}
	}
	report.print(stdout)
	if o.jsonPath != "" {
		return report.writeJSON(o.jsonPath)
	}
	return nil
}

// interleave runs each workload next to the baseline it is compared with,
// so both see the machine in the same state.
func interleave(workloads, baselines []string) []string {
	var out []string
	used := map[string]bool{}
	for _, w := range workloads {
		out = append(out, "workload "+w)
		if b := comparedWith[w]; b != "" && slices.Contains(baselines, b) && !used[b] {
			out = append(out, "baseline "+b)
			used[b] = true
		}
	}
	for _, b := range baselines {
		if !used[b] {
			out = append(out, "baseline "+b)
		}
	}
	return out
}

// comparedWith names each workload's baseline.
var comparedWith = map[string]string{"place": "start", "confirm": "workflow", "mix": "insert"}

func list(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
