package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/apikeys"
	"github.com/acme/orders/internal/page"
)

// APIKeyPublic is a key as the API shows it: never its secret.
type APIKeyPublic struct {
	ID         uuid.UUID      `json:"id"`
	Name       string         `json:"name"`
	Prefix     string         `json:"prefix" doc:"The secret's first characters, to tell keys apart"`
	Scopes     []access.Scope `json:"scopes" nullable:"false"`
	CreatedBy  *uuid.UUID     `json:"created_by" doc:"The admin who created it; null once their account is deleted"`
	CreatedAt  time.Time      `json:"created_at"`
	ExpiresAt  *time.Time     `json:"expires_at"`
	RevokedAt  *time.Time     `json:"revoked_at"`
	LastUsedAt *time.Time     `json:"last_used_at"`
}

func publicKey(k apikeys.Key) APIKeyPublic {
	return APIKeyPublic{
		ID: k.ID, Name: k.Name, Prefix: k.Prefix, Scopes: k.Scopes, CreatedBy: k.CreatedBy,
		CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, RevokedAt: k.RevokedAt, LastUsedAt: k.LastUsedAt,
	}
}

// APIKeySecret is a key just created, with its secret: shown this once.
type APIKeySecret struct {
	APIKeyPublic
	Key string `json:"key" doc:"The secret, ok_live_…: send it as Authorization: Bearer. It is shown only now; only its hash is kept."`
}

// CreateAPIKeyInput is an admin creating a key.
type CreateAPIKeyInput struct {
	Body struct {
		Name      string         `json:"name" minLength:"1" maxLength:"100" doc:"What uses it, e.g. ERP or warehouse"`
		Scopes    []access.Scope `json:"scopes" minItems:"1" maxItems:"11" uniqueItems:"true" nullable:"false" enum:"orders:read,orders:write,fulfillments:write,products:read,products:write,stock:write,events:read,webhooks:manage,refunds:write,returns:write,users:read"`
		ExpiresAt *time.Time     `json:"expires_at,omitempty" doc:"When it stops working; default: never"`
	}
}

// APIKeyIDPath names a key.
type APIKeyIDPath struct {
	ID uuid.UUID `path:"key_id"`
}

func (h *handlers) registerAPIKeys(api huma.API) {
	tags := []string{"api-keys"}
	handle(api, h, guarded(needs(access.Admin), huma.Operation{
		OperationID: "create-api-key", Method: http.MethodPost, Path: "/api-keys",
		Summary: "Create an API key with its scopes; its secret is shown once", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}), func(ctx context.Context, in *CreateAPIKeyInput) (*struct{ Body APIKeySecret }, error) {
		k, secret, err := h.Keys.Create(ctx, apikeys.New{
			Name: in.Body.Name, Scopes: in.Body.Scopes, ExpiresAt: in.Body.ExpiresAt, CreatedBy: currentUser(ctx).ID,
		})
		if err != nil {
			return nil, err
		}
		noteAuditTarget(ctx, "key", k.ID.String())
		noteAuditDetail(ctx, "name", k.Name)
		noteAuditDetail(ctx, "scopes", k.Scopes)
		return &struct{ Body APIKeySecret }{APIKeySecret{APIKeyPublic: publicKey(k), Key: secret}}, nil
	})
	handle(api, h, guarded(needs(access.Admin), huma.Operation{
		OperationID: "list-api-keys", Method: http.MethodGet, Path: "/api-keys",
		Summary: "The API keys, newest first, revoked ones included, in cursor pages", Tags: tags,
		Errors: []int{http.StatusUnprocessableEntity},
	}), func(ctx context.Context, in *struct {
		CursorInput
		Limit int32 `query:"limit" minimum:"1" maximum:"100" default:"50"`
	}) (*ListOutput[APIKeyPublic], error) {
		keys, err := h.Keys.List(ctx, page.Request{Cursor: in.Cursor, Limit: in.Limit})
		if err != nil {
			return nil, err
		}
		return pageOf(keys, publicKey, nil), nil
	})
	handle(api, h, guarded(needs(access.Admin), huma.Operation{
		OperationID: "revoke-api-key", Method: http.MethodDelete, Path: "/api-keys/{key_id}",
		Summary: "Revoke an API key: every replica refuses it at once", Tags: tags,
		Errors: []int{http.StatusNotFound},
	}), func(ctx context.Context, in *APIKeyIDPath) (*struct{ Body APIKeyPublic }, error) {
		k, err := h.Keys.Revoke(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		noteAuditDetail(ctx, "name", k.Name)
		return &struct{ Body APIKeyPublic }{publicKey(k)}, nil
	})
}
