package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/acme/orders/internal/audit"
)

// audited tells whether a request goes in the audit log: every write made
// with an API key, and every write by staff beyond their own account
// (operator actions, role changes, keys created and revoked). Reads and a
// customer's own writes do not.
func audited(method string, r rule, c caller) bool {
	if method == http.MethodGet || method == http.MethodHead {
		return false
	}
	return c.isKey() || r.kind != kindAccount && c.user.Role.Staff()
}

// auditNote is what a handler adds to its request's audit record: the
// target an operation creates (its path names none yet) and detail.
type auditNote struct {
	targetType, targetID string
	detail               map[string]any
}

type auditNoteKey struct{}

// noteAuditTarget names what the request acted on, where its path does not.
// It does nothing for a request that is not audited.
func noteAuditTarget(ctx context.Context, kind, id string) {
	if n, ok := ctx.Value(auditNoteKey{}).(*auditNote); ok {
		n.targetType, n.targetID = kind, id
	}
}

// noteAuditDetail adds what else the request changed (a role's from and to,
// a key's scopes) to its audit record.
func noteAuditDetail(ctx context.Context, key string, value any) {
	if n, ok := ctx.Value(auditNoteKey{}).(*auditNote); ok {
		if n.detail == nil {
			n.detail = map[string]any{}
		}
		n.detail[key] = value
	}
}

// audit runs the operation, then records it with its status. The record is
// written after the answer is: a failure to write it is logged, and the
// action it records stands.
func (h *handlers) audit(ctx huma.Context, c caller, next func(huma.Context)) {
	note := &auditNote{}
	ctx = huma.WithValue(ctx, auditNoteKey{}, note)
	next(ctx)
	rec := audit.Record{
		ActorType: audit.ActorUser, ActorID: c.user.ID, Actor: c.actor(), Role: string(c.user.Role),
		Action: ctx.Operation().OperationID, Method: ctx.Method(), Path: ctx.URL().Path,
		Status: ctx.Status(), ClientAddress: clientKey(ctx.RemoteAddr()), RequestID: middleware.GetReqID(ctx.Context()),
		Detail: note.detail,
	}
	if c.isKey() {
		rec.ActorType, rec.ActorID, rec.Role = audit.ActorKey, c.key.ID, ""
	}
	rec.TargetType, rec.TargetID = pathTarget(ctx)
	if note.targetID != "" {
		rec.TargetType, rec.TargetID = note.targetType, note.targetID
	}
	if rec.Status == 0 {
		rec.Status = http.StatusOK
	}
	if err := h.Audit.Record(context.WithoutCancel(ctx.Context()), rec); err != nil {
		h.Logger.ErrorContext(ctx.Context(), "audit log: record not written", "action", rec.Action, "error", err)
	}
}

// pathTarget is what the operation's path names last: /orders/{order_id}
// is the order, /orders/{order_id}/returns/{return_id}/approve the return.
func pathTarget(ctx huma.Context) (kind, id string) {
	path := ctx.Operation().Path
	for {
		open := strings.LastIndexByte(path, '{')
		if open < 0 {
			return "", ""
		}
		name, _, _ := strings.Cut(path[open+1:], "}")
		if kind, ok := strings.CutSuffix(name, "_id"); ok {
			return kind, ctx.Param(name)
		}
		path = path[:open]
	}
}
