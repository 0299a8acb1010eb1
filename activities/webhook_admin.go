package activities

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/emails"
)

// WebhookDisabled names an endpoint the platform disabled, and why.
type WebhookDisabled struct {
	EndpointID uuid.UUID
	URL        string
	Reason     string
}

// DisabledEmails are the e-mails that tell every active admin an
// endpoint was disabled; the workflow sends each.
func (w *Webhooks) DisabledEmails(ctx context.Context, in WebhookDisabled) ([]EmailRequest, error) {
	to, err := w.Accounts.AdminEmails(ctx)
	if err != nil {
		return nil, err
	}
	if in.URL == "" {
		if ep, err := w.Store.Endpoint(ctx, in.EndpointID); err == nil {
			in.URL = ep.URL
		}
	}
	out := make([]EmailRequest, len(to))
	for i, addr := range to {
		out[i] = EmailRequest{To: addr, Template: emails.WebhookDisabled, Data: emails.Data{
			WebhookID: in.EndpointID.String(), WebhookURL: in.URL, Reason: in.Reason,
		}}
	}
	return out, nil
}

// PurgeEvents removes the events older than retention (EVENT_RETENTION),
// with their deliveries, and returns how many it removed.
func (w *Webhooks) PurgeEvents(ctx context.Context, retention time.Duration) (int64, error) {
	return w.Store.Purge(ctx, time.Now().Add(-retention))
}
