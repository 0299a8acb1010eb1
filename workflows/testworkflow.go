package workflows

import (
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/activities"
)

// TestWorkflowName is the operators' smoke test, started by POST /utils/test-workflow/.
const TestWorkflowName = "TestWorkflow"

// TestWorkflowID names one run; the prefix makes them easy to list.
func TestWorkflowID(id uuid.UUID) string { return "test-workflow-" + id.String() }

// TestWorkflowInput is the workflow's one argument.
type TestWorkflowInput struct {
	Message string `json:"message"`
}

// TestWorkflowResult is what the workflow returns.
type TestWorkflowResult struct {
	Reply string `json:"reply"`
}

// TestWorkflow runs one activity and returns its reply.
func TestWorkflow(ctx workflow.Context, in TestWorkflowInput) (TestWorkflowResult, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    30 * time.Second,
			MaximumAttempts:    5,
		},
	})
	var utils activities.Utils
	var out activities.EchoResult
	if err := workflow.ExecuteActivity(ctx, utils.Echo, activities.EchoInput{Message: in.Message}).Get(ctx, &out); err != nil {
		return TestWorkflowResult{}, err
	}
	return TestWorkflowResult{Reply: out.Reply}, nil
}
