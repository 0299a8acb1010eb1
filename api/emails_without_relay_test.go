package api_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/acme/orders/workflows"
)

// TestNoRelaySendsNothing: with no mail relay (SMTP_HOST empty) the platform
// starts no e-mail workflow at all, the order confirmation included; the
// order records that its e-mail was skipped and runs to the end.
func TestNoRelaySendsNothing(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.emails = false; s.accounts.OpenRegistration = true })
	mug := p.newProduct(1290, "EUR", 10)
	_, token := p.newUser(false, true) // a new-account e-mail, were there a relay
	p.api.Post("/api/v1/password-recovery/" + p.email("user1"))

	_, o := p.place(token, orderBody("tok_approve", line(mug.ID, 1)))
	p.waitStatus(token, o.ID, "confirmed")
	if code, _ := p.act(p.admin, o.ID, "ship"); code != http.StatusOK {
		t.Fatalf("ship: %d", code)
	}
	if code, _ := p.act(p.admin, o.ID, "deliver"); code != http.StatusOK {
		t.Fatalf("deliver: %d", code)
	}
	run := p.client.GetWorkflow(p.ctx(), workflows.OrderWorkflowID(uuid.MustParse(o.ID)), "")
	var final workflows.OrderState
	if err := run.Get(p.ctx(), &final); err != nil {
		t.Fatal(err)
	}
	if final.Status != "delivered" || final.ConfirmationEmail != workflows.EmailSkipped {
		t.Fatalf("final state %+v", final)
	}

	_, err := p.client.DescribeWorkflow(p.ctx(), "email-order-confirmed-"+o.ID, "")
	var notFound *serviceerror.NotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("the confirmation e-mail workflow: %v, want not found", err)
	}
	// Visibility catches up with the order's closing first; every workflow
	// started on the queue before it is listed by then.
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := p.client.ListWorkflow(p.ctx(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("TaskQueue = '%s'", p.queue),
		})
		if err != nil {
			t.Fatal(err)
		}
		types := map[string]int{}
		closed := false
		for _, e := range list.Executions {
			types[e.Type.Name]++
			closed = closed || e.Execution.WorkflowId == "order-"+o.ID && e.Status == enums.WORKFLOW_EXECUTION_STATUS_COMPLETED
		}
		if closed {
			if types[workflows.SendEmailName] != 0 || len(list.Executions) != 1 {
				t.Fatalf("workflows on the queue: %v, want the order's alone", types)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the order's closing never became visible: %v", types)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
