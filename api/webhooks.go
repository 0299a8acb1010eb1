package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/page"
)

func (h *handlers) registerWebhooks(api huma.API) {
	tags := []string{"webhooks"}
	notFound := []int{http.StatusNotFound}
	handle(api, h, guarded(needs(access.WebhooksManage), huma.Operation{
		OperationID: "create-webhook", Method: http.MethodPost, Path: "/webhooks",
		Summary: "Register a webhook endpoint",
		Description: "Answers 201 with the endpoint's secret, shown only here. Each event is POSTed to the URL as the Standard Webhooks " +
			"specification says (webhook-id, webhook-timestamp, webhook-signature headers), retried for about 3 days " +
			"(WEBHOOK_RETRY_SCHEDULE) on timeouts, connection errors, 408, 429 and 5xx; an order's events arrive in order. " +
			"The URL must be https and reach a public address (WEBHOOK_ALLOW_PRIVATE_URLS lifts this for a local set-up).",
		Tags: tags, DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}), h.createWebhook)
	handle(api, h, guarded(needs(access.WebhooksManage), huma.Operation{
		OperationID: "list-webhooks", Method: http.MethodGet, Path: "/webhooks",
		Summary: "The webhook endpoints, newest first", Tags: tags,
	}), h.listWebhooks)
	handle(api, h, guarded(needs(access.WebhooksManage), huma.Operation{
		OperationID: "read-webhook", Method: http.MethodGet, Path: "/webhooks/{webhook_id}",
		Summary: "One webhook endpoint", Tags: tags, Errors: notFound,
	}), h.readWebhook)
	handle(api, h, guarded(needs(access.WebhooksManage), huma.Operation{
		OperationID: "update-webhook", Method: http.MethodPatch, Path: "/webhooks/{webhook_id}",
		Summary: "Change a webhook endpoint; enable one the platform disabled", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}), h.updateWebhook)
	handle(api, h, guarded(needs(access.WebhooksManage), huma.Operation{
		OperationID: "delete-webhook", Method: http.MethodDelete, Path: "/webhooks/{webhook_id}",
		Summary: "Remove a webhook endpoint and its deliveries", Tags: tags, DefaultStatus: http.StatusNoContent, Errors: notFound,
	}), h.deleteWebhook)
	handle(api, h, guarded(needs(access.WebhooksManage), huma.Operation{
		OperationID: "rotate-webhook-secret", Method: http.MethodPost, Path: "/webhooks/{webhook_id}/rotate-secret",
		Summary:     "Give a webhook endpoint a new secret",
		Description: "The new secret is shown only in this answer. For 24 hours the old one signs every delivery beside it (two v1 signatures), so the receiver can switch without missing one.",
		Tags:        tags, Errors: notFound,
	}), h.rotateWebhookSecret)
	handle(api, h, guarded(needs(access.WebhooksManage), huma.Operation{
		OperationID: "test-webhook", Method: http.MethodPost, Path: "/webhooks/{webhook_id}/test",
		Summary: "Send a webhook.test event to this endpoint only", Tags: tags, DefaultStatus: http.StatusAccepted,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}), h.testWebhook)
	handle(api, h, guarded(needs(access.WebhooksManage), huma.Operation{
		OperationID: "list-webhook-deliveries", Method: http.MethodGet, Path: "/webhooks/{webhook_id}/deliveries",
		Summary: "An endpoint's deliveries, newest first, each with its attempts", Tags: tags, Errors: notFound,
	}), h.listDeliveries)
	handle(api, h, guarded(needs(access.WebhooksManage), huma.Operation{
		OperationID: "redeliver-webhook-delivery", Method: http.MethodPost, Path: "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
		Summary: "Send a delivery's event again, as a new delivery", Tags: tags, DefaultStatus: http.StatusAccepted,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}), h.redeliver)
}

func (h *handlers) createWebhook(ctx context.Context, in *CreateWebhookInput) (*WebhookSecretOutput, error) {
	enabled := in.Body.Enabled == nil || *in.Body.Enabled
	e, err := h.Webhooks.Create(ctx, events.NewEndpoint{
		URL: in.Body.URL, Description: in.Body.Description, EventTypes: typeNames(in.Body.EventTypes), Enabled: enabled,
	})
	if err != nil {
		return nil, err
	}
	noteAuditTarget(ctx, "webhook", e.ID.String())
	return &WebhookSecretOutput{Status: http.StatusCreated, Body: withSecret(e)}, nil
}

func (h *handlers) listWebhooks(ctx context.Context, in *struct {
	CursorInput
	Limit int32 `query:"limit" minimum:"1" maximum:"100" default:"20"`
}) (*ListOutput[WebhookPublic], error) {
	found, n, err := h.Webhooks.List(ctx, page.Request{Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return pageOf(found, publicWebhook, &n), nil
}

func (h *handlers) readWebhook(ctx context.Context, in *WebhookIDPath) (*WebhookOutput, error) {
	e, err := h.Webhooks.Get(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &WebhookOutput{Body: publicWebhook(e)}, nil
}

func (h *handlers) updateWebhook(ctx context.Context, in *UpdateWebhookInput) (*WebhookOutput, error) {
	c := events.EndpointChange{URL: in.Body.URL, Description: in.Body.Description, Enabled: in.Body.Enabled}
	if in.Body.EventTypes != nil {
		c.EventTypes = typeNames(in.Body.EventTypes)
	}
	e, err := h.Webhooks.Update(ctx, in.ID, c)
	if err != nil {
		return nil, err
	}
	return &WebhookOutput{Body: publicWebhook(e)}, nil
}

func (h *handlers) deleteWebhook(ctx context.Context, in *WebhookIDPath) (*struct{}, error) {
	return nil, h.Webhooks.Delete(ctx, in.ID)
}

func (h *handlers) rotateWebhookSecret(ctx context.Context, in *WebhookIDPath) (*WebhookSecretOutput, error) {
	e, err := h.Webhooks.RotateSecret(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &WebhookSecretOutput{Status: http.StatusOK, Body: withSecret(e)}, nil
}

func (h *handlers) testWebhook(ctx context.Context, in *WebhookIDPath) (*DeliveryOutput, error) {
	d, err := h.Webhooks.SendTest(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &DeliveryOutput{Status: http.StatusAccepted, Body: publicDelivery(d)}, nil
}

func (h *handlers) listDeliveries(ctx context.Context, in *ListDeliveriesInput) (*ListOutput[DeliveryPublic], error) {
	found, n, err := h.Webhooks.Deliveries(ctx, in.ID, events.DeliveryFilter{
		State: events.DeliveryState(in.State), Page: page.Request{Cursor: in.Cursor, Limit: in.Limit}, Count: in.Count,
	})
	if err != nil {
		return nil, err
	}
	return pageOf(found, publicDelivery, n), nil
}

func (h *handlers) redeliver(ctx context.Context, in *DeliveryIDPath) (*DeliveryOutput, error) {
	d, err := h.Webhooks.Redeliver(ctx, in.ID, in.DeliveryID)
	if err != nil {
		return nil, err
	}
	return &DeliveryOutput{Status: http.StatusAccepted, Body: publicDelivery(d)}, nil
}

func typeNames(types []EventType) []string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = string(t)
	}
	return out
}
