package api_test

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/acme/orders/internal/testenv"
)

// TestOperatorsCLI runs the `temporal` commands of docs/operations.md against the dev
// server and checks their effect through the API.
func TestOperatorsCLI(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	machine := p.newProduct(129_900, "EUR", 5)
	_, token := p.newUser(false, true)
	cli := func(args ...string) string {
		t.Helper()
		args = append(args, "--address", p.temporal.HostPort())
		out, err := exec.Command(testenv.TemporalCLI(t), args...).CombinedOutput()
		if err != nil {
			t.Fatalf("temporal %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	// Approve, ship and deliver by signal.
	_, o := p.place(token, orderBody("tok_approve", line(machine.ID, 1)))
	p.waitStatus(token, o.ID, "awaiting_approval")
	id := "order-" + o.ID
	if out := cli("workflow", "list", "--query", "WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running'"); !strings.Contains(out, id) {
		t.Fatalf("workflow list does not show %s:\n%s", id, out)
	}
	if out := cli("workflow", "query", "--workflow-id", id, "--name", "state"); !strings.Contains(out, `"awaiting_approval"`) {
		t.Fatalf("query:\n%s", out)
	}
	cli("workflow", "signal", "--workflow-id", id, "--name", "approved", "--input", `{"actor":"ops@example.com"}`)
	p.waitStatus(token, o.ID, "confirmed")
	cli("workflow", "signal", "--workflow-id", id, "--name", "shipped", "--input", `{"actor":"carrier"}`)
	p.waitStatus(token, o.ID, "shipped")
	cli("workflow", "signal", "--workflow-id", id, "--name", "delivered")
	p.waitStatus(token, o.ID, "delivered")

	// Cancel by update: the answer comes back at once.
	_, o2 := p.place(token, orderBody("tok_approve", line(machine.ID, 1)))
	p.waitStatus(token, o2.ID, "awaiting_approval")
	out := cli("workflow", "update", "execute", "--workflow-id", "order-"+o2.ID, "--name", "cancel", "--input", `{"actor":"ops","reason":"customer called"}`)
	if !strings.Contains(out, "cancelled") {
		t.Fatalf("update cancel:\n%s", out)
	}
	if got := p.waitStatus(token, o2.ID, "cancelled"); got.FailureReason != "customer called" {
		t.Fatalf("reason %q", got.FailureReason)
	}

	// Cancel the workflow itself: the same compensation.
	_, o3 := p.place(token, orderBody("tok_approve", line(machine.ID, 1)))
	p.waitStatus(token, o3.ID, "awaiting_approval")
	if code, _ := p.act(p.admin, o3.ID, "approve"); code != http.StatusOK {
		t.Fatalf("approve: %d", code)
	}
	cli("workflow", "cancel", "--workflow-id", "order-"+o3.ID)
	p.waitStatus(token, o3.ID, "cancelled")
	// The read model says cancelled before the workflow closes: wait for that too.
	deadline := time.Now().Add(30 * time.Second)
	for out := ""; !strings.Contains(out, "CANCELED"); {
		if time.Now().After(deadline) {
			t.Fatalf("describe after cancel:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
		out = cli("workflow", "describe", "--workflow-id", "order-"+o3.ID)
	}
	if got := p.product(machine.ID); got.Reserved != 0 || got.OnHand != 4 {
		t.Fatalf("stock %+v: want the delivered unit gone and nothing reserved", got)
	}
}
