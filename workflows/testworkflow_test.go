package workflows_test

import (
	"context"
	"errors"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/workflows"
)

func newEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	workflows.Register(env)
	env.RegisterActivity(&activities.Utils{})
	return env
}

func TestTestWorkflowEchoesThroughItsActivity(t *testing.T) {
	env := newEnv(t)
	env.ExecuteWorkflow(workflows.TestWorkflowName, workflows.TestWorkflowInput{Message: "hello"})
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var out workflows.TestWorkflowResult
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	if out.Reply != "test task return hello" {
		t.Fatalf("reply %q", out.Reply)
	}
}

func TestTestWorkflowDoesNotRetryAnEmptyMessage(t *testing.T) {
	env := newEnv(t)
	attempts := 0
	env.SetOnActivityStartedListener(func(*activity.Info, context.Context, converter.EncodedValues) { attempts++ })
	env.ExecuteWorkflow(workflows.TestWorkflowName, workflows.TestWorkflowInput{Message: "  "})
	err := env.GetWorkflowError()
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != "EmptyMessage" || !appErr.NonRetryable() {
		t.Fatalf("want non-retryable EmptyMessage failure, got %v", err)
	}
	if attempts != 1 {
		t.Fatalf("activity ran %d times, want 1", attempts)
	}
}
