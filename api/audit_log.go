package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/audit"
	"github.com/acme/orders/internal/page"
)

// AuditRecord is one action in the audit log.
type AuditRecord struct {
	ID            uuid.UUID      `json:"id"`
	At            time.Time      `json:"at"`
	ActorType     string         `json:"actor_type" enum:"user,api_key,cli"`
	ActorID       *uuid.UUID     `json:"actor_id" doc:"The user's or the API key's ID; null for the command line"`
	Actor         string         `json:"actor" doc:"The user's e-mail or the key's name, as it was then; for cli, the command"`
	Role          string         `json:"role,omitempty" doc:"The user's role then"`
	Action        string         `json:"action" doc:"The operation's ID, as in the OpenAPI document"`
	Method        string         `json:"method" doc:"Empty for the command line"`
	Path          string         `json:"path" doc:"Empty for the command line"`
	TargetType    string         `json:"target_type,omitempty" doc:"What the action was on: order, product, user, key, webhook, return…"`
	TargetID      string         `json:"target_id,omitempty"`
	Status        int            `json:"status" doc:"The HTTP status it was answered with; 0 for the command line"`
	ClientAddress string         `json:"client_address"`
	RequestID     string         `json:"request_id" doc:"The request's X-Request-Id, to find it in the logs and traces"`
	Detail        map[string]any `json:"detail,omitempty" doc:"What else changed: a role's from and to, a key's name and scopes"`
}

func publicAudit(r audit.Record) AuditRecord {
	out := AuditRecord{
		ID: r.ID, At: r.At.UTC(), ActorType: string(r.ActorType), Actor: r.Actor, Role: r.Role,
		Action: r.Action, Method: r.Method, Path: r.Path, TargetType: r.TargetType, TargetID: r.TargetID,
		Status: r.Status, ClientAddress: r.ClientAddress, RequestID: r.RequestID, Detail: r.Detail,
	}
	if r.ActorID != uuid.Nil {
		out.ActorID = &r.ActorID
	}
	return out
}

// ListAuditInput filters and pages the audit log, newest first.
type ListAuditInput struct {
	ActorID  string    `query:"actor_id" format:"uuid" doc:"Only this user's or API key's actions"`
	Action   string    `query:"action" maxLength:"100" doc:"Only this operation, e.g. cancel-order"`
	TargetID string    `query:"target_id" maxLength:"100" doc:"Only actions on this order, product, user, key…"`
	From     time.Time `query:"from" doc:"At or after"`
	To       time.Time `query:"to" doc:"Before"`
	CursorInput
	Limit int32 `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

func (h *handlers) registerAuditLog(api huma.API) {
	handle(api, h, guarded(needs(access.Admin), huma.Operation{
		OperationID: "list-audit-log", Method: http.MethodGet, Path: "/audit-log",
		Summary: "Who did what: staff actions and writes made with API keys, newest first",
		Description: "Every operator action, every write made with an API key, every role change and every key created or " +
			"revoked, with who, when, from which address and under which request ID. Kept AUDIT_LOG_RETENTION.",
		Tags: []string{"utils"}, Errors: []int{http.StatusUnprocessableEntity},
	}), func(ctx context.Context, in *ListAuditInput) (*ListOutput[AuditRecord], error) {
		f := audit.Filter{Action: in.Action, TargetID: in.TargetID, From: in.From, To: in.To,
			Page: page.Request{Cursor: in.Cursor, Limit: in.Limit}}
		var err error
		if f.ActorID, err = filterID("actor_id", in.ActorID); err != nil {
			return nil, err
		}
		found, err := h.Audit.List(ctx, f)
		if err != nil {
			return nil, err
		}
		return pageOf(found, publicAudit, nil), nil
	})
}
