package testenv

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"
)

// HistoryShards is the number of history shards of the Temporal servers
// StartTemporalServer runs: several, as in production, where a workflow's
// shard is fixed by its ID (the dev server has one).
const HistoryShards = 4

// TemporalServer is the Temporal server production runs (go.temporal.io/server,
// bin/temporal-server from `make cluster-tools`) persisting to the local
// PostgreSQL: two databases of its own, its schema set up with
// bin/temporal-sql-tool, HistoryShards shards, SQL visibility, and the
// frontend, history, matching and worker services in one process on free
// loopback ports. Namespace default exists; the order search attributes
// are left to `orders register-search-attributes`, as in production.
type TemporalServer struct {
	dir      string // config/, the log
	hostPort string
	exited   chan struct{} // closed when the server process ends
	store    string        // the history database
	dbs      []string      // both, to drop
	cmd      *exec.Cmd
	log      *os.File
}

// clusterBinaries are the server and its schema tool, or an error naming
// the make target that builds them.
func clusterBinaries() (server, sqlTool string, err error) {
	root, err := repoRoot()
	if err != nil {
		return "", "", err
	}
	server, sqlTool = filepath.Join(root, "bin", "temporal-server"), filepath.Join(root, "bin", "temporal-sql-tool")
	for _, p := range []string{server, sqlTool, filepath.Join(root, "bin", "temporal-schema")} {
		if _, err := os.Stat(p); err != nil {
			return "", "", fmt.Errorf("testenv: %s missing: run `make cluster-tools` (make test-cluster does)", p)
		}
	}
	return server, sqlTool, nil
}

// RequireTemporalServer skips t when the Temporal server is not built
// (`make cluster-tools`), or with CLUSTER_TESTS=skip (make test runs them
// after the rest, through make test-cluster); with CLUSTER_TESTS=require
// (make test-cluster) a missing server fails.
func RequireTemporalServer(t testing.TB) {
	t.Helper()
	Integration(t)
	if os.Getenv("CLUSTER_TESTS") == "skip" {
		t.Skip("cluster test: make test-cluster runs it")
	}
	if _, _, err := clusterBinaries(); err != nil {
		if os.Getenv("CLUSTER_TESTS") == "require" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// StartTemporalServer sets up and starts a server for this test alone (the
// test may stop and restart it); it is stopped and its databases dropped
// when the test ends.
func StartTemporalServer(t testing.TB) *TemporalServer {
	t.Helper()
	RequireTemporalServer(t)
	s, err := RunTemporalServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// PID is the server process's ID, for measuring its CPU.
func (s *TemporalServer) PID() int { return s.cmd.Process.Pid }

// RunTemporalServer sets up and starts a server; Close stops it and drops
// its databases. Outside a test it serves `make bench CLUSTER=1` (loadgen
// temporal-server).
func RunTemporalServer() (_ *TemporalServer, err error) {
	server, sqlTool, err := clusterBinaries()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "orders-temporal-")
	if err != nil {
		return nil, err
	}
	s := &TemporalServer{dir: dir}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	suffix := randomSuffix()
	store, visibility := "temporal_test_"+suffix, "temporal_visibility_test_"+suffix
	s.store = store
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pg, err := url.Parse(AdminURL())
	if err != nil {
		return nil, err
	}
	schema := filepath.Join(filepath.Dir(server), "temporal-schema", "postgresql", "v12")
	for db, versioned := range map[string]string{store: "temporal", visibility: "visibility"} {
		if err := adminExec(ctx, "CREATE DATABASE "+db); err != nil {
			return nil, fmt.Errorf("testenv: create %s: %w", db, err)
		}
		s.dbs = append(s.dbs, db)
		tool := []string{"--plugin", "postgres12", "--endpoint", pg.Hostname(), "--port", portOf(pg), "--user", pg.User.Username(), "--database", db}
		if pw, ok := pg.User.Password(); ok {
			tool = append(tool, "--password", pw)
		}
		for _, step := range [][]string{
			{"setup-schema", "--version", "0.0"},
			{"update-schema", "--schema-dir", filepath.Join(schema, versioned, "versioned")},
		} {
			if out, err := exec.CommandContext(ctx, sqlTool, append(tool, step...)...).CombinedOutput(); err != nil {
				return nil, fmt.Errorf("testenv: temporal-sql-tool %s on %s: %w\n%s", step[0], db, err, out)
			}
		}
	}

	ports := map[string]int{}
	for _, name := range []string{"frontend", "frontendMembership", "frontendHTTP", "history", "historyMembership",
		"matching", "matchingMembership", "worker", "workerMembership"} {
		if ports[name], err = smallFreePort(); err != nil {
			return nil, err
		}
	}
	s.hostPort = fmt.Sprintf("127.0.0.1:%d", ports["frontend"])
	pw, _ := pg.User.Password()
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "dynamicconfig.yaml"), []byte(serverDynamicConfig), 0o644); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, "config", "cluster.yaml"))
	if err != nil {
		return nil, err
	}
	err = serverConfig.Execute(f, map[string]any{
		"Shards": HistoryShards, "Store": store, "Visibility": visibility,
		"PG": pg.Hostname() + ":" + portOf(pg), "User": pg.User.Username(), "Password": pw,
		"Ports": ports, "Dir": dir,
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if s.log, err = os.Create(filepath.Join(dir, "server.log")); err != nil {
		return nil, err
	}
	if err := s.start(server); err != nil {
		return nil, err
	}
	if err := s.createNamespace(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// smallFreePort is a free loopback port below 32768: the server keeps its
// membership ports in a smallint column, and the kernel's own picks are
// above that.
func smallFreePort() (int, error) {
	for range 100 {
		port := 20000 + mrand.IntN(12000)
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			_ = ln.Close()
			return port, nil
		}
	}
	return 0, errors.New("testenv: no free port below 32768")
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	return "5432"
}

// The server's configuration: the shape of the module's
// config/development-postgres12.yaml, on this test's databases and ports,
// with small pools: the tests share one PostgreSQL (100 connections).
var serverConfig = template.Must(template.New("cluster.yaml").Parse(`log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: {{.Shards}}
  datastores:
    default:
      sql:
        pluginName: postgres12
        databaseName: {{.Store}}
        connectAddr: "{{.PG}}"
        connectProtocol: tcp
        user: "{{.User}}"
        password: "{{.Password}}"
        maxConns: 12
        maxIdleConns: 12
        maxConnLifetime: 1h
    visibility:
      sql:
        pluginName: postgres12
        databaseName: {{.Visibility}}
        connectAddr: "{{.PG}}"
        connectProtocol: tcp
        user: "{{.User}}"
        password: "{{.Password}}"
        maxConns: 3
        maxIdleConns: 3
        maxConnLifetime: 1h
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
  frontend:
    rpc: {grpcPort: {{.Ports.frontend}}, membershipPort: {{.Ports.frontendMembership}}, httpPort: {{.Ports.frontendHTTP}}, bindOnLocalHost: true}
  history:
    rpc: {grpcPort: {{.Ports.history}}, membershipPort: {{.Ports.historyMembership}}, bindOnLocalHost: true}
  matching:
    rpc: {grpcPort: {{.Ports.matching}}, membershipPort: {{.Ports.matchingMembership}}, bindOnLocalHost: true}
  worker:
    rpc: {grpcPort: {{.Ports.worker}}, membershipPort: {{.Ports.workerMembership}}, bindOnLocalHost: true}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:{{.Ports.frontend}}
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: {{.Dir}}/dynamicconfig.yaml
  pollInterval: 10s
`))

// A registered search attribute is visible at once (else the frontend's
// cache takes up to a minute).
const serverDynamicConfig = `system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
`

// HostPort is the frontend address, for TEMPORAL_ADDRESS.
func (s *TemporalServer) HostPort() string { return s.hostPort }

// Start runs the server again on the same ports and databases, after Stop.
func (s *TemporalServer) Start(t testing.TB) {
	t.Helper()
	server, _, err := clusterBinaries()
	if err == nil {
		err = s.start(server)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (s *TemporalServer) start(server string) error {
	s.cmd = exec.Command(server, "--root", s.dir, "--config", "config", "--env", "cluster", "--allow-no-auth", "start")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("testenv: start the Temporal server: %w", err)
	}
	exited, cmd := make(chan struct{}), s.cmd
	s.exited = exited
	go func() { _ = cmd.Wait(); close(exited) }()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		c, err := client.Dial(client.Options{HostPort: s.hostPort, Namespace: "default", Logger: quiet{}})
		if err == nil {
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			c.Close()
		}
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("testenv: the Temporal server did not become healthy: %w\n%s", err, s.tail())
		case <-exited:
			return fmt.Errorf("testenv: the Temporal server exited:\n%s", s.tail())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// createNamespace registers default, as the compose stack's temporal-setup
// job does, and waits until workflows can be listed in it.
func (s *TemporalServer) createNamespace(ctx context.Context) error {
	nc, err := client.NewNamespaceClient(client.Options{HostPort: s.hostPort, Logger: quiet{}})
	if err != nil {
		return err
	}
	defer nc.Close()
	if err := nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: "default", WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour),
	}); err != nil {
		return fmt.Errorf("testenv: register namespace default: %w", err)
	}
	c, err := client.Dial(client.Options{HostPort: s.hostPort, Namespace: "default", Logger: quiet{}})
	if err != nil {
		return err
	}
	defer c.Close()
	for {
		_, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default"})
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("testenv: namespace default not usable: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stop shuts the server down (SIGTERM, as a deployment does) and waits;
// Start brings it back.
func (s *TemporalServer) Stop(testing.TB) { s.stop() }

// stop ends the process: SIGTERM, then SIGKILL past 30 seconds.
func (s *TemporalServer) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// ShardsInUse counts the history shards holding workflows, read from the
// server's own database.
func (s *TemporalServer) ShardsInUse(t testing.TB) int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), withDatabase(s.store))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var n int
	if err := conn.QueryRow(t.Context(), "SELECT count(DISTINCT shard_id) FROM executions").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Client dials the server's default namespace; closed when the test ends.
func (s *TemporalServer) Client(t testing.TB) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: s.hostPort, Namespace: "default", Logger: quiet{}})
	if err != nil {
		t.Fatalf("testenv: dial Temporal: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// Close stops the server and drops its databases and folder.
func (s *TemporalServer) Close() error {
	s.stop()
	var err error
	if s.log != nil {
		_ = s.log.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, db := range s.dbs {
		if derr := adminExec(ctx, "DROP DATABASE IF EXISTS "+db+" WITH (FORCE)"); derr != nil && err == nil {
			err = fmt.Errorf("testenv: drop %s: %w", db, derr)
		}
	}
	_ = os.RemoveAll(s.dir)
	return err
}

// tail is the end of the server's log, for a failure message.
func (s *TemporalServer) tail() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return strings.TrimSpace(string(b))
}

// quiet drops the SDK's logging of the harness's own health polls.
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}
