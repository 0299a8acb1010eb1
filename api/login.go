package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/auth"
	"github.com/acme/orders/internal/emails"
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
	huma.Register(api, h.limited(h.Config.RateLimitLogin, guarded(anyone, huma.Operation{
		OperationID: "login-access-token",
		Method:      http.MethodPost,
		Path:        "/login/access-token",
		Summary:     "Log in: trade e-mail and password for an access token (OAuth2 password flow)",
		Tags:        []string{"login"},
		Errors:      []int{http.StatusBadRequest},
	})), h.login)

	huma.Register(api, guarded(loggedIn, huma.Operation{
		OperationID: "login-test-token",
		Method:      http.MethodPost,
		Path:        "/login/test-token",
		Summary:     "Check an access token: returns its user",
		Tags:        []string{"login"},
	}), func(ctx context.Context, _ *struct{}) (*UserOutput, error) {
		return userOutput(currentUser(ctx)), nil
	})

	huma.Register(api, h.limited(h.Config.RateLimitPasswordRecovery, guarded(anyone, huma.Operation{
		OperationID:   "recover-password",
		Method:        http.MethodPost,
		Path:          "/password-recovery/{email}",
		Summary:       "E-mail a password-reset link",
		Description:   "Answers the same whether or not the address has an account.",
		Tags:          []string{"login"},
		DefaultStatus: http.StatusAccepted,
	})), h.recoverPassword)

	huma.Register(api, guarded(anyone, huma.Operation{
		OperationID: "reset-password",
		Method:      http.MethodPost,
		Path:        "/reset-password",
		Summary:     "Set a new password with the token from a recovery e-mail",
		Tags:        []string{"login"},
		Errors:      []int{http.StatusBadRequest},
	}), h.resetPassword)

	huma.Register(api, guarded(superuser, huma.Operation{
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
	}), h.recoveryPreview)
}

var errBadCredentials = huma.Error400BadRequest("incorrect e-mail or password")

func (h *handlers) login(ctx context.Context, in *LoginInput) (*TokenOutput, error) {
	q := db.New(h.DB)
	user, err := q.GetUserByEmail(ctx, in.Body.Username)
	if errors.Is(err, pgx.ErrNoRows) {
		auth.BurnVerify(in.Body.Password) // same time as a wrong password
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	ok, err := auth.VerifyPassword(user.PasswordHash, in.Body.Password)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	if !ok {
		return nil, errBadCredentials
	}
	if !user.IsActive {
		return nil, huma.Error400BadRequest("inactive user")
	}
	if auth.NeedsRehash(user.PasswordHash) {
		if hash, err := auth.HashPassword(in.Body.Password); err == nil {
			if err := q.RehashPassword(ctx, db.RehashPasswordParams{ID: user.ID, PasswordHash: hash}); err != nil {
				h.Logger.WarnContext(ctx, "rehash password", "error", err) // the login still stands
			}
		}
	}
	token, err := h.tokens.Issue(user.ID, user.TokenVersion, auth.PurposeAccess, h.Config.AccessTokenExpire)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &TokenOutput{}
	out.Body.AccessToken, out.Body.TokenType = token, "bearer"
	return out, nil
}

func (h *handlers) recoverPassword(ctx context.Context, in *EmailPath) (*MessageOutput, error) {
	// Look up and send after answering: the answer then takes the same time,
	// and says the same, whether or not the address has an account.
	bg := context.WithoutCancel(ctx)
	go func() {
		bg, cancel := context.WithTimeout(bg, 30*time.Second)
		defer cancel()
		if err := h.sendRecoveryEmail(bg, in.Email); err != nil {
			h.Logger.ErrorContext(bg, "password recovery e-mail", "error", err)
		}
	}()
	return message("If that address has an account, a password recovery e-mail is on its way."), nil
}

func (h *handlers) sendRecoveryEmail(ctx context.Context, email string) error {
	user, err := db.New(h.DB).GetUserByEmail(ctx, email)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !user.IsActive {
		return nil
	}
	if err != nil {
		return err
	}
	data, err := h.recoveryData(user)
	if err != nil {
		return err
	}
	_, err = h.sendEmail(ctx, user.Email, emails.ResetPassword, data)
	return err
}

func (h *handlers) recoveryData(user db.User) (emails.Data, error) {
	token, err := h.tokens.Issue(user.ID, user.TokenVersion, auth.PurposeReset, h.Config.EmailResetTokenExpire)
	if err != nil {
		return emails.Data{}, err
	}
	return emails.Data{
		ProjectName: h.Config.ProjectName,
		Email:       user.Email,
		FullName:    user.FullName,
		Link:        h.Config.FrontendHost + "/reset-password?token=" + token,
		ValidHours:  int(h.Config.EmailResetTokenExpire / time.Hour),
	}, nil
}

var errInvalidResetToken = huma.Error400BadRequest("invalid or expired token")

func (h *handlers) resetPassword(ctx context.Context, in *ResetPasswordInput) (*MessageOutput, error) {
	id, version, err := h.tokens.Parse(in.Body.Token, auth.PurposeReset)
	if err != nil {
		return nil, errInvalidResetToken
	}
	err = db.InTx(ctx, h.DB, func(q *db.Queries) error {
		user, err := q.GetUserForUpdate(ctx, id)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && (user.TokenVersion != version || !user.IsActive) {
			return errInvalidResetToken // used once already, or the password changed since
		}
		if err != nil {
			return err
		}
		return accounts.SetPassword(ctx, q, id, in.Body.NewPassword)
	})
	if errors.Is(err, errInvalidResetToken) {
		return nil, errInvalidResetToken
	}
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return message("Password updated."), nil
}

func (h *handlers) recoveryPreview(ctx context.Context, in *EmailPath) (*HTMLOutput, error) {
	user, err := db.New(h.DB).GetUserByEmail(ctx, in.Email)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	data, err := h.recoveryData(user)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	r, err := emails.Render(emails.ResetPassword, data)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &HTMLOutput{ContentType: "text/html; charset=utf-8", Subject: r.Subject, Body: []byte(r.HTML)}, nil
}
