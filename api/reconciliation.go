package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/page"
	"github.com/acme/orders/internal/upkeep"
)

// FindingPublic is one inconsistency the reconciliation job found.
type FindingPublic struct {
	ID       uuid.UUID `json:"id"`
	RunID    string    `json:"run_id" doc:"The Reconcile workflow run that found it (workflow ID/run ID)"`
	Kind     string    `json:"kind" enum:"status_mismatch,never_started,reservation_held,authorization_lapsed"`
	OrderID  uuid.UUID `json:"order_id"`
	Detail   string    `json:"detail"`
	Repaired bool      `json:"repaired" doc:"The job repaired it (the safe ones: a workflow never started, stock held by a finished order, a lapsed authorization of an ended order)"`
	FoundAt  time.Time `json:"found_at"`
}

// ListFindingsInput filters and pages the findings, newest first.
type ListFindingsInput struct {
	Kind string `query:"kind" enum:"status_mismatch,never_started,reservation_held,authorization_lapsed" doc:"Only this kind"`
	CursorInput
	Limit int32 `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

func findingPublic(f upkeep.Finding) FindingPublic {
	return FindingPublic{ID: f.ID, RunID: f.RunID, Kind: string(f.Kind), OrderID: f.OrderID, Detail: f.Detail, Repaired: f.Repaired, FoundAt: f.FoundAt.UTC()}
}

func (h *handlers) registerReconciliation(api huma.API) {
	handle(api, h, guarded(needs(access.Admin), huma.Operation{
		OperationID: "list-reconciliation-findings", Method: http.MethodGet, Path: "/utils/reconciliation",
		Summary: "What the reconciliation job found, newest first",
		Description: "The hourly `reconciliation` Schedule compares the orders with their workflows, the stock held and the payment " +
			"authorizations, repairs the safe inconsistencies and records each it found here (kept RECONCILIATION_RETENTION). " +
			"Trigger a run with `temporal schedule trigger --schedule-id reconciliation`.",
		Tags: []string{"utils"}, Errors: []int{http.StatusUnprocessableEntity},
	}), func(ctx context.Context, in *ListFindingsInput) (*ListOutput[FindingPublic], error) {
		found, err := h.Findings.Findings(ctx, upkeep.Kind(in.Kind), page.Request{Cursor: in.Cursor, Limit: in.Limit})
		if err != nil {
			return nil, err
		}
		return pageOf(found, findingPublic, nil), nil
	})
}
