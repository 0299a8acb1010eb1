package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"

	"github.com/acme/orders/internal/testenv"
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
	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	kv := map[string]string{
		"ENV_FILE":                 os.DevNull,
		"DATABASE_URL":             testenv.NewEmptyDatabase(t),
		"SECRET_KEY":               "changethis",
		"HTTP_ADDR":                addr,
		"TEMPORAL_ADDRESS":         temporal.HostPort(),
		"TEMPORAL_TASK_QUEUE":      "orders-e2e",
		"LOG_LEVEL":                "warn",
		"FIRST_SUPERUSER":          "root@example.com",
		"FIRST_SUPERUSER_PASSWORD": "root-password",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() { done <- run(ctx, []string{"orders", "dev"}, envOf(kv), nil, &logs) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("orders dev ended with %v\n%s", err, logs.String())
		}
	})

	base := "http://" + addr + "/api/v1"
	waitHTTP(t, base+"/utils/ready", http.StatusOK, 30*time.Second)

	token := login(t, base, "root@example.com", "root-password")
	resp := post(t, base+"/utils/test-workflow/", token, `{"message":"hello"}`)
	var started struct {
		WorkflowID string `json:"workflow_id"`
	}
	err := json.NewDecoder(resp.Body).Decode(&started)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusAccepted || !strings.HasPrefix(started.WorkflowID, "test-workflow-") {
		t.Fatalf("test-workflow: %d %+v %v", resp.StatusCode, started, err)
	}

	tc := temporal.Client(t)
	getCtx, cancelGet := context.WithTimeout(ctx, 30*time.Second)
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
	resp = post(t, base+"/utils/test-workflow", token, `{"message":""}`)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty message: %d", resp.StatusCode)
	}
}

func post(t *testing.T, url, token, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
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
