package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/emails"
)

// readyTimeout bounds each dependency check so /ready answers fast when one hangs.
const readyTimeout = 2 * time.Second

// HealthOutput is the liveness answer.
type HealthOutput struct {
	Body struct {
		Status string `json:"status" example:"ok"`
	}
}

// ReadyOutput is the readiness answer when every dependency answers.
type ReadyOutput struct {
	Body struct {
		Status   string `json:"status" example:"ready"`
		Postgres string `json:"postgres" example:"ok"`
		Temporal string `json:"temporal" example:"ok"`
	}
}

// TestWorkflowInput starts the smoke-test workflow.
type TestWorkflowInput struct {
	Body struct {
		Message string `json:"message" minLength:"1" maxLength:"1000" doc:"Text the workflow's activity echoes back"`
	}
}

// TestWorkflowOutput tells the caller which workflow to look for in the Temporal UI.
type TestWorkflowOutput struct {
	Body struct {
		Message    string `json:"message" example:"Word received"`
		WorkflowID string `json:"workflow_id" example:"test-workflow-6f1c..."`
		RunID      string `json:"run_id"`
	}
}

// TestEmailInput names the test e-mail's recipient.
type TestEmailInput struct {
	EmailTo string `query:"email_to" required:"true" format:"email" maxLength:"255"`
}

// EmailSentOutput tells which workflow carries the e-mail.
type EmailSentOutput struct {
	Body struct {
		Message    string `json:"message"`
		WorkflowID string `json:"workflow_id"`
	}
}

func (h *handlers) registerUtils(api huma.API) {
	handle(api, h, guarded(needs(access.Admin), huma.Operation{
		OperationID:   "test-email",
		Method:        http.MethodPost,
		Path:          "/utils/test-email",
		Summary:       "Send a test e-mail",
		Description:   "Starts a SendEmail workflow; find it in the Temporal UI, and the e-mail in the mail catcher.",
		Tags:          []string{"utils"},
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{http.StatusServiceUnavailable},
	}), func(ctx context.Context, in *TestEmailInput) (*EmailSentOutput, error) {
		id, err := h.Jobs.SendEmail(ctx, in.EmailTo, emails.TestEmail, emails.Data{})
		if err != nil {
			return nil, err
		}
		out := &EmailSentOutput{}
		out.Body.Message, out.Body.WorkflowID = "Test e-mail queued.", id
		return out, nil
	})

	// Registered as it is, not through handle: it reaches no dependency and
	// cannot fail, and documents no error.
	huma.Register(api, guarded(anyone, huma.Operation{
		OperationID: "health-check",
		Method:      http.MethodGet,
		Path:        "/utils/health-check",
		Summary:     "Liveness: the process answers",
		Tags:        []string{"utils"},
	}), func(context.Context, *struct{}) (*HealthOutput, error) {
		out := &HealthOutput{}
		out.Body.Status = "ok"
		return out, nil
	})

	handle(api, h, guarded(anyone, huma.Operation{
		OperationID: "ready",
		Method:      http.MethodGet,
		Path:        "/utils/ready",
		Summary:     "Readiness: PostgreSQL and Temporal are reachable",
		Tags:        []string{"utils"},
		Errors:      []int{http.StatusServiceUnavailable},
	}), func(ctx context.Context, _ *struct{}) (*ReadyOutput, error) {
		return h.ready(ctx)
	})

	handle(api, h, guarded(needs(access.Admin), huma.Operation{
		OperationID:   "test-workflow",
		Method:        http.MethodPost,
		Path:          "/utils/test-workflow",
		Summary:       "Start a test workflow that runs one activity on a worker",
		Description:   "The successor of the old stack's test-celery. Find the returned workflow ID in the Temporal UI.",
		Tags:          []string{"utils"},
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{http.StatusServiceUnavailable},
	}), func(ctx context.Context, in *TestWorkflowInput) (*TestWorkflowOutput, error) {
		id, runID, err := h.Jobs.StartTestWorkflow(ctx, in.Body.Message)
		if err != nil {
			return nil, err
		}
		out := &TestWorkflowOutput{}
		out.Body.Message, out.Body.WorkflowID, out.Body.RunID = "Word received", id, runID
		return out, nil
	})
}

// ready pings every dependency, each within readyTimeout, and names those
// that did not answer; their causes are logged once, with the 503.
func (h *handlers) ready(ctx context.Context) (*ReadyOutput, error) {
	var (
		down    []string
		details []error
		causes  []error
	)
	for _, c := range h.Checks {
		pingCtx, cancel := context.WithTimeout(ctx, readyTimeout)
		err := c.Ping(pingCtx)
		cancel()
		if err != nil {
			down = append(down, c.Name)
			details = append(details, &huma.ErrorDetail{Location: c.Name, Message: "unreachable"})
			causes = append(causes, fmt.Errorf("readiness: %s unreachable: %w", c.Name, err))
		}
	}
	if len(down) > 0 {
		msg := "not ready: " + strings.Join(down, " and ") + " unreachable"
		return nil, h.unavailable(ctx, huma.Error503ServiceUnavailable(msg, details...), errors.Join(causes...))
	}
	out := &ReadyOutput{}
	out.Body.Status, out.Body.Postgres, out.Body.Temporal = "ready", "ok", "ok"
	return out, nil
}
