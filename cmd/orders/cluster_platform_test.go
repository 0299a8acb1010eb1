package main

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/orders/internal/testenv"
)

// The cluster tests run the platform as production does: `orders api` and
// `orders worker` as processes of their own (built once per run), on a
// database of the test's own, against a real Temporal server on PostgreSQL.

var ordersBin struct {
	once sync.Once
	path string
	err  error
}

// ordersBinary builds the orders command once per test run.
func ordersBinary(t *testing.T) string {
	t.Helper()
	ordersBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "orders-bin-")
		if err != nil {
			ordersBin.err = err
			return
		}
		ordersBin.path = filepath.Join(dir, "orders")
		out, err := exec.Command("go", "build", "-o", ordersBin.path, ".").CombinedOutput()
		if err != nil {
			ordersBin.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if ordersBin.err != nil {
		t.Fatal(ordersBin.err)
	}
	return ordersBin.path
}

// proc is one running orders process; its output goes to a file that the
// test prints when it fails.
type proc struct {
	name   string
	cmd    *exec.Cmd
	done   chan struct{}
	err    error
	killed bool
}

// stop sends sig and waits for the process to end (SIGKILL after 40s).
func (p *proc) stop(sig syscall.Signal) error {
	select {
	case <-p.done:
		return p.err
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	return p.err
}

// kill ends the process with SIGKILL: no drain, no goodbye, as a crash.
func (p *proc) kill() {
	p.killed = true
	_ = p.stop(syscall.SIGKILL)
}

// clusterPlatform is APIs and workers sharing one database and task queue.
type clusterPlatform struct {
	t        *testing.T
	bin      string
	env      map[string]string
	apis     []*proc
	workers  []*proc
	bases    []string // each API's /api/v1
	workerAt []string // each worker's side listener
	token    string   // root's, a superuser
	db       *pgxpool.Pool
}

// startClusterPlatform registers the search attributes with `orders
// register-search-attributes`, starts apis API processes and workers worker
// processes on a fresh database, migrates it with `orders migrate up` and
// waits until every process is ready. settings add to or override the configuration.
func startClusterPlatform(t *testing.T, temporalAddr string, apis, workers int, settings map[string]string) *clusterPlatform {
	t.Helper()
	dbURL := testenv.NewEmptyDatabase(t)
	p := &clusterPlatform{t: t, bin: ordersBinary(t), env: platformEnv(temporalAddr, dbURL, "orders-"+strings.ToLower(t.Name())+"-"+uuid.NewString()[:8])}
	p.env["FIRST_SUPERUSER"], p.env["FIRST_SUPERUSER_PASSWORD"] = "root@example.com", "root-password"
	p.env["LOG_LEVEL"], p.env["ORDER_WORKFLOW_RETRY_INTERVAL"] = "info", "1s"
	p.env["SMTP_HOST"] = ""           // no mail relay: the e-mail steps are skipped
	p.env["DATABASE_MAX_CONNS"] = "4" // the tests share one PostgreSQL
	maps.Copy(p.env, settings)
	// As compose, Swarm and Kubernetes start them: the processes before the
	// migrate job has run; they wait for the schema.
	p.oneShot("register-search-attributes")
	for range apis {
		p.startAPI()
	}
	for range workers {
		p.startWorker()
	}
	p.oneShot("migrate", "up")
	for _, base := range p.bases {
		p.healthy(base + "/utils/ready")
	}
	for _, addr := range p.workerAt {
		p.healthy("http://" + addr + workerReadyPath)
	}
	p.token = login(t, p.bases[0], "root@example.com", "root-password")
	var err error
	if p.db, err = pgxpool.New(context.Background(), dbURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.db.Close)
	return p
}

// oneShot runs a command that must succeed, as a compose job would.
func (p *clusterPlatform) oneShot(args ...string) {
	p.t.Helper()
	cmd := exec.Command(p.bin, args...)
	cmd.Env = p.environ(nil)
	if out, err := cmd.CombinedOutput(); err != nil {
		p.t.Fatalf("orders %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (p *clusterPlatform) environ(extra map[string]string) []string {
	env := []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range p.env {
		env = append(env, k+"="+v)
	}
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

func (p *clusterPlatform) startAPI() {
	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(p.t))
	p.apis = append(p.apis, p.start(fmt.Sprintf("api-%d", len(p.apis)), map[string]string{"HTTP_ADDR": addr}, "api"))
	p.bases = append(p.bases, "http://"+addr+"/api/v1")
}

func (p *clusterPlatform) startWorker() {
	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(p.t))
	p.workers = append(p.workers, p.start(fmt.Sprintf("worker-%d", len(p.workers)), map[string]string{"WORKER_METRICS_ADDR": addr}, "worker"))
	p.workerAt = append(p.workerAt, addr)
}

// start runs `orders args...`; at the test's end it is stopped with SIGTERM
// (unless the test killed it) and must have exited cleanly, and its output
// is printed when the test failed.
func (p *clusterPlatform) start(name string, extra map[string]string, args ...string) *proc {
	p.t.Helper()
	logPath := filepath.Join(p.t.TempDir(), name+".log")
	out, err := os.Create(logPath)
	if err != nil {
		p.t.Fatal(err)
	}
	cmd := exec.Command(p.bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = p.environ(extra), out, out
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	pr := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { pr.err = cmd.Wait(); _ = out.Close(); close(pr.done) }()
	p.t.Cleanup(func() {
		if err := pr.stop(syscall.SIGTERM); err != nil && !pr.killed {
			p.t.Errorf("%s ended with %v", name, err)
		}
		if p.t.Failed() {
			b, _ := os.ReadFile(logPath)
			p.t.Logf("--- %s's output (last 6 KiB):\n%s", name, tail(b, 6<<10))
		}
	})
	return pr
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// healthy waits until `orders healthcheck URL` passes, as the compose and
// Swarm healthchecks run it.
func (p *clusterPlatform) healthy(url string) {
	p.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := exec.Command(p.bin, "healthcheck", url).CombinedOutput()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("orders healthcheck %s: %v\n%s", url, err, out)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// product adds a product with stock through the API and returns its ID.
func (p *clusterPlatform) product(sku string, priceCents, stock int) string {
	p.t.Helper()
	var prod struct{ ID string }
	call(p.t, http.MethodPost, p.bases[0]+"/products/", p.token,
		fmt.Sprintf(`{"sku":%q,"name":%q,"price_cents":%d,"currency":"EUR","initial_stock":%d}`, sku, sku, priceCents, stock),
		http.StatusCreated, &prod)
	return prod.ID
}

// orderBody is a one-line order of qty units paid with payment's token.
func orderBody(productID string, qty int, payment string) string {
	return fmt.Sprintf(`{"lines":[{"product_id":%q,"quantity":%d}],
		"shipping_address":{"name":"A","line1":"1 Main St","city":"Berlin","postal_code":"10115","country":"DE"},
		"payment_token":%q}`, productID, qty, payment)
}

// place places one order through the first API and returns its ID.
func (p *clusterPlatform) place(productID string, qty int, payment string) string {
	p.t.Helper()
	var o struct{ ID string }
	call(p.t, http.MethodPost, p.bases[0]+"/orders/", p.token, orderBody(productID, qty, payment), http.StatusCreated, &o)
	return o.ID
}

// act asks for an order action (ship, approve, cancel, ...) and waits until
// the order reaches want.
func (p *clusterPlatform) act(id, action, want string) {
	p.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.bases[0]+"/orders/"+id+"/"+action, strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		p.t.Fatalf("%s %s: %s", action, id, resp.Status)
	}
	p.waitStatus(id, want, 60*time.Second)
}

// waitStatus polls the order through the API until it is want.
func (p *clusterPlatform) waitStatus(id, want string, limit time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		var o struct{ Status string }
		call(p.t, http.MethodGet, p.bases[0]+"/orders/"+id, p.token, "", http.StatusOK, &o)
		if o.Status == want {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("order %s is %s after %s, not %s; its workflow: %s", id, o.Status, limit, want, p.describe(id))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// describe is what Temporal says of the order's workflow, for a failure.
func (p *clusterPlatform) describe(id string) string {
	out, err := exec.Command(testenv.TemporalCLI(p.t), "workflow", "describe", "--address", p.env["TEMPORAL_ADDRESS"],
		"--workflow-id", "order-"+id).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("%v: %s", err, out)
	}
	return string(out)
}

// count runs a count(*) query on the platform's database.
func (p *clusterPlatform) count(sql string, args ...any) int {
	p.t.Helper()
	var n int
	if err := p.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		p.t.Fatalf("%s: %v", sql, err)
	}
	return n
}
