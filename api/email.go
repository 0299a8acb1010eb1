package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/workflows"
)

// errEmailsDisabled is returned when SMTP_HOST is empty.
var errEmailsDisabled = huma.Error503ServiceUnavailable("e-mail is not configured on this server (SMTP_HOST)")

// sendEmail starts a SendEmail workflow; the worker renders, sends and
// retries it. It returns the workflow ID, to find the e-mail in the Temporal UI.
func (h *handlers) sendEmail(ctx context.Context, to string, t emails.Template, data emails.Data) (string, error) {
	if !h.Config.EmailsEnabled() {
		return "", errEmailsDisabled
	}
	data.ProjectName = h.Config.ProjectName
	data.Email = to
	run, err := h.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        workflows.SendEmailID(uuid.New()),
		TaskQueue: h.Config.TemporalTaskQueue,
	}, workflows.SendEmailName, workflows.SendEmailInput{To: to, Template: t, Data: data})
	if err != nil {
		return "", err
	}
	return run.GetID(), nil
}

// sendEmailInBackground is for e-mails that follow an action which already
// succeeded (an account created): their failure is logged, not answered.
func (h *handlers) sendEmailInBackground(ctx context.Context, to string, t emails.Template, data emails.Data) {
	if !h.Config.EmailsEnabled() {
		h.Logger.InfoContext(ctx, "e-mail not sent: SMTP_HOST is empty", "template", t)
		return
	}
	if _, err := h.sendEmail(ctx, to, t, data); err != nil {
		h.Logger.ErrorContext(ctx, "start e-mail workflow", "template", t, "error", err)
	}
}
