package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/access"
)

// LoginInput is the OAuth2 password grant, posted as a form.
type LoginInput struct {
	Body struct {
		Username     string `json:"username" minLength:"1" maxLength:"255" doc:"Your e-mail address"`
		Password     string `json:"password" minLength:"1" maxLength:"128"`
		GrantType    string `json:"grant_type,omitempty" enum:"password"`
		Scope        string `json:"scope,omitempty"`
		ClientID     string `json:"client_id,omitempty"`
		ClientSecret string `json:"client_secret,omitempty"`
	} `contentType:"application/x-www-form-urlencoded"`
}

// TokenOutput is an access token.
type TokenOutput struct {
	Body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type" example:"bearer"`
	}
}

// EmailPath names a user by e-mail in the path.
type EmailPath struct {
	Email string `path:"email" format:"email" maxLength:"255"`
}

// ResetPasswordInput sets a new password with a token from a recovery e-mail.
type ResetPasswordInput struct {
	Body struct {
		Token       string `json:"token" minLength:"1" maxLength:"2048"`
		NewPassword string `json:"new_password" minLength:"8" maxLength:"128"`
	}
}

// HTMLOutput is a rendered e-mail, for previewing.
type HTMLOutput struct {
	ContentType string `header:"Content-Type"`
	Subject     string `header:"Subject"`
	Body        []byte
}

func (h *handlers) registerLogin(api huma.API) {
	handle(api, h, h.limited(h.Options.RateLimits.Login, guarded(anyone, huma.Operation{
		OperationID: "login-access-token",
		Method:      http.MethodPost,
		Path:        "/login/access-token",
		Summary:     "Log in: trade e-mail and password for an access token (OAuth2 password flow)",
		Tags:        []string{"login"},
		Errors:      []int{http.StatusBadRequest},
	})), h.login)

	handle(api, h, guarded(account, huma.Operation{
		OperationID: "login-test-token",
		Method:      http.MethodPost,
		Path:        "/login/test-token",
		Summary:     "Check an access token: returns its user",
		Tags:        []string{"login"},
	}), func(ctx context.Context, _ *struct{}) (*UserOutput, error) {
		return userOutput(currentUser(ctx)), nil
	})

	handle(api, h, h.limited(h.Options.RateLimits.PasswordRecovery, guarded(anyone, huma.Operation{
		OperationID:   "recover-password",
		Method:        http.MethodPost,
		Path:          "/password-recovery/{email}",
		Summary:       "E-mail a password-reset link",
		Description:   "Answers the same whether or not the address has an account.",
		Tags:          []string{"login"},
		DefaultStatus: http.StatusAccepted,
	})), func(ctx context.Context, in *EmailPath) (*MessageOutput, error) {
		h.Accounts.RecoverPassword(ctx, in.Email)
		return message("If that address has an account, a password recovery e-mail is on its way."), nil
	})

	handle(api, h, guarded(anyone, huma.Operation{
		OperationID: "reset-password",
		Method:      http.MethodPost,
		Path:        "/reset-password",
		Summary:     "Set a new password with the token from a recovery e-mail",
		Tags:        []string{"login"},
		Errors:      []int{http.StatusBadRequest},
	}), func(ctx context.Context, in *ResetPasswordInput) (*MessageOutput, error) {
		if err := h.Accounts.ResetPassword(ctx, in.Body.Token, in.Body.NewPassword); err != nil {
			return nil, err
		}
		return message("Password updated."), nil
	})

	handle(api, h, guarded(needs(access.Admin), huma.Operation{
		OperationID: "recover-password-html-content",
		Method:      http.MethodPost,
		Path:        "/password-recovery-html-content/{email}",
		Summary:     "Preview the password-recovery e-mail of a user",
		Tags:        []string{"login"},
		Errors:      []int{http.StatusNotFound},
		Responses: map[string]*huma.Response{"200": {
			Description: "The e-mail's HTML",
			Content:     map[string]*huma.MediaType{"text/html": {}},
		}},
	}), func(ctx context.Context, in *EmailPath) (*HTMLOutput, error) {
		r, err := h.Accounts.RecoveryEmail(ctx, in.Email)
		if err != nil {
			return nil, err
		}
		return &HTMLOutput{ContentType: "text/html; charset=utf-8", Subject: r.Subject, Body: []byte(r.HTML)}, nil
	})
}

func (h *handlers) login(ctx context.Context, in *LoginInput) (*TokenOutput, error) {
	token, err := h.Accounts.Login(ctx, in.Body.Username, in.Body.Password)
	if err != nil {
		return nil, err
	}
	out := &TokenOutput{}
	out.Body.AccessToken, out.Body.TokenType = token, "bearer"
	return out, nil
}
