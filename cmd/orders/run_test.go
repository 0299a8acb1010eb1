package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/enums/v1"

	"github.com/acme/orders/internal/testenv"
	"github.com/acme/orders/migrations"
	"github.com/acme/orders/workflows"
)

func envOf(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"orders", "--help"}, {"orders", "api", "--help"}, {"orders", "worker", "--help"},
		{"orders", "migrate", "--help"}, {"orders", "dev", "--help"}, {"orders", "seed", "--help"},
		{"orders", "createsuperuser", "--help"}, {"orders", "openapi", "--help"}} {
		var out bytes.Buffer
		if err := run(t.Context(), args, envOf(nil), nil, &out); err != nil {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(out.String(), "Usage") {
			t.Errorf("%v printed no usage: %s", args, out.String())
		}
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"orders", "serve"}, envOf(nil), nil, &out); err == nil || !strings.Contains(err.Error(), "serve") {
		t.Errorf("unknown command: %v", err)
	}
}

func TestOpenAPICommandNeedsNoConfiguration(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"orders", "openapi"}, envOf(nil), nil, &out); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.OpenAPI != "3.1.0" || doc.Paths["/api/v1/orders"] == nil {
		t.Fatalf("document: %v %v", doc.OpenAPI, err)
	}
}

func TestBadConfigurationStopsAtStartNamingTheVariable(t *testing.T) {
	kv := map[string]string{"ENV_FILE": os.DevNull, "DATABASE_URL": "postgres://x@127.0.0.1/x", "DATABASE_MAX_CONNS": "0"}
	err := run(t.Context(), []string{"orders", "api"}, envOf(kv), nil, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "DATABASE_MAX_CONNS") || !strings.Contains(err.Error(), "SECRET_KEY") {
		t.Fatalf("want an error naming DATABASE_MAX_CONNS and SECRET_KEY, got %v", err)
	}
}

// TestDevEndToEnd runs `orders dev` against a fresh, unmigrated database and a
// real Temporal dev server, then drives it over HTTP like a user would.
func TestDevEndToEnd(t *testing.T) {
	temporal := testenv.StartTemporal(t)
	base, token := startDev(t, temporal, "orders-e2e")
	var started struct {
		WorkflowID string `json:"workflow_id"`
	}
	call(t, http.MethodPost, base+"/utils/test-workflow/", token, `{"message":"hello"}`, http.StatusAccepted, &started)
	if !strings.HasPrefix(started.WorkflowID, "test-workflow-") {
		t.Fatalf("test-workflow: %+v", started)
	}

	tc := temporal.Client(t)
	getCtx, cancelGet := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancelGet()
	var result workflows.TestWorkflowResult
	if err := tc.GetWorkflow(getCtx, started.WorkflowID, "").Get(getCtx, &result); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	if result.Reply != "test task return hello" {
		t.Fatalf("reply %q", result.Reply)
	}
	desc, err := tc.DescribeWorkflow(getCtx, started.WorkflowID, "")
	if err != nil || desc.Status != enums.WORKFLOW_EXECUTION_STATUS_COMPLETED {
		t.Fatalf("describe: %v %v", desc, err)
	}

	// What an operator sees with the CLI.
	out, err := exec.Command(testenv.TemporalCLI(t), "workflow", "list", "--address", temporal.HostPort(),
		"--query", fmt.Sprintf("WorkflowId = '%s'", started.WorkflowID)).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Completed") || !strings.Contains(string(out), started.WorkflowID) {
		t.Fatalf("temporal workflow list: %v\n%s", err, out)
	}

	// Bad input is a 422 and starts nothing.
	call(t, http.MethodPost, base+"/utils/test-workflow", token, `{"message":""}`, http.StatusUnprocessableEntity, nil)
}

// platformEnv is the configuration of a platform on dbURL and the Temporal
// server at temporalAddr, on a task queue of its own.
func platformEnv(temporalAddr, dbURL, queue string) map[string]string {
	return map[string]string{
		"ENV_FILE": os.DevNull, "DATABASE_URL": dbURL, "SECRET_KEY": "changethis", "LOG_LEVEL": "warn",
		"TEMPORAL_ADDRESS": temporalAddr, "TEMPORAL_TASK_QUEUE": queue,
	}
}

// startDev runs `orders dev` on a fresh, unmigrated database until the test
// ends, with root@example.com as its first superuser, and returns the API's
// base URL and root's token once it is ready.
func startDev(t *testing.T, temporal *testenv.Temporal, queue string) (base, token string) {
	t.Helper()
	kv := platformEnv(temporal.HostPort(), testenv.NewEmptyDatabase(t), queue)
	kv["FIRST_SUPERUSER"], kv["FIRST_SUPERUSER_PASSWORD"] = "root@example.com", "root-password"
	base, _ = serve(t, kv, "dev")
	return base, login(t, base, "root@example.com", "root-password")
}

// serve runs `orders <command>` with the settings kv on a port of its own
// until the test ends, and returns the API's base URL, once it is ready,
// and the command's log.
func serve(t *testing.T, kv map[string]string, command string) (base string, logs *testenv.Buffer) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	kv = maps.Clone(kv)
	kv["HTTP_ADDR"] = addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs = &testenv.Buffer{}
	go func() { done <- run(ctx, []string{"orders", command}, envOf(kv), nil, logs) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("orders %s ended with %v\n%s", command, err, logs.String())
		}
	})
	base = "http://" + addr + "/api/v1"
	waitHTTP(t, base+"/utils/ready", http.StatusOK, 30*time.Second)
	return base, logs
}

func login(t *testing.T, base, email, password string) string {
	t.Helper()
	resp, err := http.PostForm(base+"/login/access-token", url.Values{"username": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("login %s: %d %v", email, resp.StatusCode, err)
	}
	return tok.AccessToken
}

func waitHTTP(t *testing.T, url string, want int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %d within %s (last: %v %v)", url, want, limit, resp, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestAPIWaitsForTheSchema: an API started before the migrate job (as
// compose, Swarm and Kubernetes may start it) waits, and serves once the
// schema is there.
func TestAPIWaitsForTheSchema(t *testing.T) {
	temporal := testenv.SharedTemporal(t)
	dbURL := testenv.NewEmptyDatabase(t)
	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	kv := platformEnv(temporal.HostPort(), dbURL, "orders-schema-wait")
	kv["HTTP_ADDR"] = addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &testenv.Buffer{}
	go func() { done <- run(ctx, []string{"orders", "api"}, envOf(kv), nil, logs) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("orders api ended with %v\n%s", err, logs.String())
		}
	}()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(logs.String(), "waiting for the database schema"); {
		if time.Now().After(deadline) {
			t.Fatalf("the API does not say it waits for the schema:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if resp, err := http.Get("http://" + addr + "/api/v1/utils/health-check"); err == nil {
		resp.Body.Close()
		t.Fatalf("the API serves (%s) before the schema is there", resp.Status)
	}
	// A migration in progress marks the schema dirty (golang-migrate's table,
	// which the API's first look created): the API keeps waiting.
	pool, err := pgxpool.New(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(t.Context(), `INSERT INTO schema_migrations (version, dirty) VALUES (1, true)`); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(logs.String(), "a migration is running, or failed"); {
		if time.Now().After(deadline) {
			t.Fatalf("the API does not wait on a dirty schema:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := pool.Exec(t.Context(), `DELETE FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(dbURL); err != nil {
		t.Fatal(err)
	}
	waitHTTP(t, "http://"+addr+"/api/v1/utils/health-check", http.StatusOK, 30*time.Second)
}

// settingKey is a setting's name on a log line, as " DATABASE_URL=".
var settingKey = regexp.MustCompile(` [A-Z][A-Z0-9_]+=`)

// TestSettingsAreLoggedOnePerLineAtDebug: a start-up log a person can read:
// each setting on a line of its own, only at debug level, secrets masked.
func TestSettingsAreLoggedOnePerLineAtDebug(t *testing.T) {
	dbURL := testenv.NewDatabase(t)
	for level, want := range map[string]bool{"debug": true, "info": false} {
		kv := platformEnv("127.0.0.1:1", dbURL, "q")
		kv["LOG_LEVEL"], kv["SECRET_KEY"] = level, "a-secret-nobody-may-read"
		var out bytes.Buffer
		if err := run(t.Context(), []string{"orders", "migrate", "version"}, envOf(kv), nil, &out); err != nil {
			t.Fatal(err)
		}
		var settings []string
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.Contains(line, "msg=setting") {
				settings = append(settings, line)
			}
		}
		if !want {
			if len(settings) > 0 {
				t.Errorf("LOG_LEVEL=%s logs the settings: %s", level, settings[0])
			}
			continue
		}
		if len(settings) < 30 || strings.Contains(out.String(), "a-secret-nobody-may-read") {
			t.Fatalf("LOG_LEVEL=debug: %d setting lines, or a secret shown:\n%s", len(settings), out.String())
		}
		for _, line := range settings {
			if n := len(settingKey.FindAllString(line, -1)); n != 1 {
				t.Errorf("%d settings on a line: %s", n, line)
			}
		}
	}
}
