// Package workflows holds the deterministic workflow code. Only workflow.*
// APIs are used here; side effects live in package activities. Each workflow's
// name, ID builder and message names sit beside it as constants, and
// Register is the one list of workflows a worker runs.
package workflows

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register adds every workflow, under its stable name, to a worker.
func Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(TestWorkflow, workflow.RegisterOptions{Name: TestWorkflowName})
	r.RegisterWorkflowWithOptions(SendEmail, workflow.RegisterOptions{Name: SendEmailName})
	r.RegisterWorkflowWithOptions(OrderWorkflow, workflow.RegisterOptions{Name: OrderWorkflowName})
	r.RegisterWorkflowWithOptions(WebhookEndpoint, workflow.RegisterOptions{Name: WebhookEndpointName})
	r.RegisterWorkflowWithOptions(PurgeEvents, workflow.RegisterOptions{Name: PurgeEventsName})
	r.RegisterWorkflowWithOptions(Reconcile, workflow.RegisterOptions{Name: ReconcileName})
	r.RegisterWorkflowWithOptions(DailySummary, workflow.RegisterOptions{Name: DailySummaryName})
	r.RegisterWorkflowWithOptions(CleanUp, workflow.RegisterOptions{Name: CleanUpName})
}
