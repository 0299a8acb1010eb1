// Package emails renders the platform's e-mails from templates embedded in
// the binary: a subject, a plain-text body and an HTML body for each.
package emails

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// Template names one e-mail.
type Template string

// The e-mails the platform sends.
const (
	NewAccount    Template = "new_account"
	ResetPassword Template = "reset_password"
	TestEmail     Template = "test_email"
	// OrderConfirmation is sent when an order is confirmed (paid, stock held).
	OrderConfirmation Template = "order_confirmation"
	// OrderCancelled tells the customer the platform cancelled their order
	// (its payment authorization lapsed and could not be renewed).
	OrderCancelled Template = "order_cancelled"
	// WebhookDisabled tells the admins that the platform disabled a
	// webhook endpoint.
	WebhookDisabled Template = "webhook_disabled"
	// DailySummary gives the admins the platform's day: orders by
	// status, revenue, refunds, products low on stock.
	DailySummary Template = "daily_summary"
)

// Data is everything a template may show. No template receives a password.
type Data struct {
	ProjectName string `json:"project_name"`
	Email       string `json:"email"`
	FullName    string `json:"full_name,omitempty"`
	Link        string `json:"link,omitempty"`
	ValidHours  int    `json:"valid_hours,omitempty"`

	OrderID string   `json:"order_id,omitempty"`
	Total   string   `json:"total,omitempty"`
	Lines   []string `json:"lines,omitempty"`

	WebhookID  string `json:"webhook_id,omitempty"`
	WebhookURL string `json:"webhook_url,omitempty"`
	Reason     string `json:"reason,omitempty"`

	Period   string    `json:"period,omitempty"`
	Sections []Section `json:"sections,omitempty"`
}

// Section is a titled list of lines (the daily summary's).
type Section struct {
	Title string   `json:"title"`
	Lines []string `json:"lines"`
}

// Rendered is a ready-to-send e-mail body.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// ErrUnknownTemplate means the name matches no embedded template.
var ErrUnknownTemplate = errors.New("unknown e-mail template")

// ErrDisabled is what sending answers when no relay is configured (SMTP_HOST
// is empty): nothing is sent.
var ErrDisabled = errors.New("e-mail is not configured on this server (SMTP_HOST)")

//go:embed templates
var files embed.FS

var (
	textTemplates = texttemplate.Must(texttemplate.ParseFS(files, "templates/*.txt"))
	htmlTemplates = htmltemplate.Must(htmltemplate.ParseFS(files, "templates/*.html"))
)

// Render fills template t with d. Each .txt file defines "<name>.subject"
// and its body; each .html file its HTML body.
func Render(t Template, d Data) (Rendered, error) {
	name := string(t)
	if textTemplates.Lookup(name+".txt") == nil || htmlTemplates.Lookup(name+".html") == nil {
		return Rendered{}, fmt.Errorf("%w: %q", ErrUnknownTemplate, name)
	}
	var subject, text, html bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&subject, name+".subject", d); err != nil {
		return Rendered{}, err
	}
	if err := textTemplates.ExecuteTemplate(&text, name+".txt", d); err != nil {
		return Rendered{}, err
	}
	if err := htmlTemplates.ExecuteTemplate(&html, name+".html", d); err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: strings.TrimSpace(subject.String()), Text: text.String(), HTML: html.String()}, nil
}
