package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	enums "go.temporal.io/api/enums/v1"

	"github.com/acme/orders/workflows"
)

// TestDeliverAfterWorkflowCancel: `temporal workflow cancel` on an order that
// already shipped is ignored (the goods left), and a deliver after it
// answers 200 with the delivered order, not "unavailable".
func TestDeliverAfterWorkflowCancel(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	mug := p.newProduct(1290, "EUR", 10)
	_, token := p.newUser(false, true)
	_, o := p.place(token, orderBody("tok_approve", line(mug.ID, 1)))
	p.waitStatus(token, o.ID, "confirmed")
	if code, _ := p.act(p.admin, o.ID, "ship"); code != http.StatusOK {
		t.Fatalf("ship: %d", code)
	}
	id := workflows.OrderWorkflowID(uuid.MustParse(o.ID))
	if err := p.client.CancelWorkflow(p.ctx(), id, ""); err != nil {
		t.Fatal(err)
	}
	p.waitWorkflowSaw(id, enums.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)

	code, delivered := p.act(p.admin, o.ID, "deliver")
	if code != http.StatusOK || delivered.Status != "delivered" {
		t.Fatalf("deliver after the workflow cancel: %d %+v, want 200 delivered", code, delivered)
	}
	var final workflows.OrderState
	if err := p.client.GetWorkflow(p.ctx(), id, "").Get(p.ctx(), &final); err != nil {
		t.Fatalf("the workflow did not complete: %v", err)
	}
	if final.Status != "delivered" || !final.PaymentCaptured {
		t.Fatalf("final state %+v", final)
	}
}

// waitWorkflowSaw waits until the workflow has completed a workflow task
// after an event of type what: the workflow code has seen it.
func (p *platform) waitWorkflowSaw(id string, what enums.EventType) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		seen := false
		iter := p.client.GetWorkflowHistory(p.ctx(), id, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			e, err := iter.Next()
			if err != nil {
				p.t.Fatal(err)
			}
			switch {
			case e.EventType == what:
				seen = true
			case seen && e.EventType == enums.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
				return
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("workflow %s never processed %v", id, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
