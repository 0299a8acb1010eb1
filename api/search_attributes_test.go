package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdkpb "go.temporal.io/api/sdk/v1"

	"github.com/acme/orders/internal/testenv"
)

// TestOperatorsFindOrdersBySearchAttributes: at every status an order goes
// through, `temporal workflow list --query` finds it by each of its search
// attributes, as the recipes of docs/operations.md do; the workflow reads like the order
// in the UI (static summary, current details).
func TestOperatorsFindOrdersBySearchAttributes(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	desk := p.newProduct(60_000, "EUR", 10)  // two: 1200.00 EUR, above the approval threshold
	scarce := p.newProduct(60_000, "EUR", 1) // two: out of stock
	u, token := p.newUser(false, true)
	byEvery := func(o order, status string) string {
		return fmt.Sprintf("OrderStatus = '%s' AND CustomerEmail = '%s' AND OrderTotalCents = %d AND OrderCurrency = 'EUR' AND OrderStatusChangedAt > '%s'",
			status, u.Email, o.TotalCents, time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
	}

	code, o := p.place(token, orderBody("tok_approve", line(scarce.ID, 2)))
	if code != http.StatusCreated {
		t.Fatalf("place: %d", code)
	}
	p.waitStatus(token, o.ID, "failed")
	p.findOrder(o.ID, byEvery(o, "failed"))
	p.runRecipe("failed orders today", nil, "order-"+o.ID)

	code, o = p.place(token, orderBody("tok_approve", line(desk.ID, 2)))
	if code != http.StatusCreated {
		t.Fatalf("place: %d", code)
	}
	p.waitStatus(token, o.ID, "awaiting_approval")
	p.findOrder(o.ID, byEvery(o, "awaiting_approval"))
	p.runRecipe("orders awaiting approval", nil, "order-"+o.ID)
	p.runRecipe("one customer's orders", map[string]string{"alice@example.com": u.Email}, "order-"+o.ID)
	// An hour is too long to wait: "stuck" since a minute from now.
	p.runRecipe("orders stuck in one status for more than an hour", map[string]string{"1 hour ago": "1 minute"}, "order-"+o.ID)
	if got := p.summary(o.ID); got != "Order 1 line, 1200.00 EUR, "+u.Email {
		t.Fatalf("static summary %q", got)
	}
	if got := p.currentDetails(o.ID); !strings.HasPrefix(got, "awaiting approval — total 120000 above") {
		t.Fatalf("current details %q", got)
	}
	for _, step := range []struct{ action, status string }{{"approve", "confirmed"}, {"ship", "shipped"}, {"deliver", "delivered"}} {
		if code, _ := p.act(p.admin, o.ID, step.action); code != http.StatusOK {
			t.Fatalf("%s: %d", step.action, code)
		}
		p.findOrder(o.ID, byEvery(o, step.status))
	}

	code, o = p.place(token, orderBody("tok_approve", line(desk.ID, 1)))
	if code != http.StatusCreated {
		t.Fatalf("place: %d", code)
	}
	p.waitStatus(token, o.ID, "confirmed")
	if code, _ := p.act(token, o.ID, "cancel"); code != http.StatusOK {
		t.Fatalf("cancel: %d", code)
	}
	p.findOrder(o.ID, fmt.Sprintf("OrderStatus = 'cancelled' AND CustomerEmail = '%s' AND OrderTotalCents = 60000", u.Email))
}

// TestAnOrderIsFoundPendingBeforeAWorkerTakesIt: the client sets the search
// attributes as it starts the workflow, so an order no worker took yet is
// found as pending.
func TestAnOrderIsFoundPendingBeforeAWorkerTakesIt(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.noWorker = true })
	mug := p.newProduct(1290, "EUR", 10)
	u, token := p.newUser(false, true)
	code, o := p.place(token, orderBody("tok_approve", line(mug.ID, 3)))
	if code != http.StatusCreated {
		t.Fatalf("place: %d", code)
	}
	p.findOrder(o.ID, fmt.Sprintf("OrderStatus = 'pending' AND CustomerEmail = '%s' AND OrderTotalCents = 3870 AND OrderCurrency = 'EUR'", u.Email))
	if got := p.summary(o.ID); got != "Order 1 line, 38.70 EUR, "+u.Email {
		t.Fatalf("static summary %q", got)
	}
}

// findOrder waits until `temporal workflow list --query query` lists the
// order's workflow (visibility is updated a moment after the workflow).
func (p *platform) findOrder(orderID, query string) {
	p.t.Helper()
	p.waitListed(fmt.Sprintf("temporal workflow list --query %q", query), "order-"+orderID, func() *exec.Cmd {
		return exec.Command(testenv.TemporalCLI(p.t), "workflow", "list", "--address", p.temporal.HostPort(),
			"--query", query, "--output", "json")
	})
}

// recipe is docs/operations.md's command line under "# name", with the
// replacements made.
func (p *platform) recipe(name string, replace map[string]string) string {
	p.t.Helper()
	doc, err := os.ReadFile(filepath.Join(testenv.RepoRoot(p.t), "docs", "operations.md"))
	if err != nil {
		p.t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(doc), "\n# "+name+"\n")
	if !ok {
		p.t.Fatalf("docs/operations.md has no recipe %q", name)
	}
	line, _, _ := strings.Cut(after, "\n")
	for from, to := range replace {
		line = strings.ReplaceAll(line, from, to)
	}
	return line
}

// runRecipe runs the recipe name, a `temporal workflow list`, against this
// platform's Temporal until it lists the workflow.
func (p *platform) runRecipe(name string, replace map[string]string, workflowID string) {
	p.t.Helper()
	line := p.recipe(name, replace)
	p.waitListed(fmt.Sprintf("recipe %q (%s)", name, line), workflowID, func() *exec.Cmd {
		cmd := exec.Command("bash", "-c", line+" --output json --address "+p.temporal.HostPort())
		cmd.Dir = testenv.RepoRoot(p.t)
		return cmd
	})
}

// waitListed runs list (a `temporal workflow list --output json`) until the
// workflows it lists include want (or one it starts), for at most 20 seconds.
func (p *platform) waitListed(what, want string, list func() *exec.Cmd) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := list().Output()
		if err != nil {
			var stderr []byte
			if exitErr, ok := err.(*exec.ExitError); ok {
				stderr = exitErr.Stderr
			}
			p.t.Fatalf("%s: %v\n%s", what, err, stderr)
		}
		var listed []struct {
			Execution struct {
				WorkflowID string `json:"workflowId"`
			} `json:"execution"`
		}
		if err := json.Unmarshal(out, &listed); err != nil && len(strings.TrimSpace(string(out))) > 0 {
			p.t.Fatalf("%s: output %s: %v", what, out, err)
		}
		for _, w := range listed {
			if strings.HasPrefix(w.Execution.WorkflowID, want) { // a scheduled run's ID is the schedule's and a time
				return
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s does not list %s:\n%s", what, want, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// summary is the order workflow's static summary, as the UI lists it.
func (p *platform) summary(orderID string) string {
	p.t.Helper()
	desc, err := p.client.DescribeWorkflow(p.ctx(), "order-"+orderID, "")
	if err != nil {
		p.t.Fatal(err)
	}
	s, err := desc.GetStaticSummary()
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

// currentDetails is what the workflow says of its current state.
func (p *platform) currentDetails(orderID string) string {
	p.t.Helper()
	v, err := p.client.QueryWorkflow(p.ctx(), "order-"+orderID, "", "__temporal_workflow_metadata")
	if err != nil {
		p.t.Fatal(err)
	}
	var md sdkpb.WorkflowMetadata
	if err := v.Get(&md); err != nil {
		p.t.Fatal(err)
	}
	return md.GetCurrentDetails()
}
