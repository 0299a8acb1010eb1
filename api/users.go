package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/auth"
	"github.com/acme/orders/internal/emails"
)

func (h *handlers) registerUsers(api huma.API) {
	tags := []string{"users"}
	huma.Register(api, guarded(superuser, huma.Operation{
		OperationID: "list-users", Method: http.MethodGet, Path: "/users",
		Summary: "List users, newest first", Tags: tags,
	}), h.listUsers)
	huma.Register(api, guarded(superuser, huma.Operation{
		OperationID: "create-user", Method: http.MethodPost, Path: "/users",
		Summary: "Create a user; they get a new-account e-mail (without the password)", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
	}), h.createUser)
	huma.Register(api, guarded(loggedIn, huma.Operation{
		OperationID: "read-user-me", Method: http.MethodGet, Path: "/users/me",
		Summary: "Your own profile", Tags: tags,
	}), func(ctx context.Context, _ *struct{}) (*UserOutput, error) {
		return userOutput(currentUser(ctx)), nil
	})
	huma.Register(api, guarded(loggedIn, huma.Operation{
		OperationID: "update-user-me", Method: http.MethodPatch, Path: "/users/me",
		Summary: "Change your e-mail or name", Tags: tags, Errors: []int{http.StatusConflict},
	}), h.updateMe)
	huma.Register(api, guarded(loggedIn, huma.Operation{
		OperationID: "update-password-me", Method: http.MethodPatch, Path: "/users/me/password",
		Summary: "Change your password; every token issued before stops working", Tags: tags,
		Errors: []int{http.StatusBadRequest},
	}), h.updatePasswordMe)
	huma.Register(api, guarded(loggedIn, huma.Operation{
		OperationID: "delete-user-me", Method: http.MethodDelete, Path: "/users/me",
		Summary: "Delete your account (not allowed for superusers)", Tags: tags,
	}), h.deleteMe)
	huma.Register(api, h.limited(h.Config.RateLimitSignup, guarded(anyone, huma.Operation{
		OperationID: "register-user", Method: http.MethodPost, Path: "/users/signup",
		Summary: "Sign up (when open registration is on)", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusForbidden, http.StatusConflict},
	})), h.signup)
	huma.Register(api, guarded(loggedIn, huma.Operation{
		OperationID: "read-user", Method: http.MethodGet, Path: "/users/{user_id}",
		Summary: "A user: yourself, or anyone for a superuser", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.readUser)
	huma.Register(api, guarded(superuser, huma.Operation{
		OperationID: "update-user", Method: http.MethodPatch, Path: "/users/{user_id}",
		Summary: "Change a user; the password changes only when given", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}), h.updateUser)
	huma.Register(api, guarded(superuser, huma.Operation{
		OperationID: "delete-user", Method: http.MethodDelete, Path: "/users/{user_id}",
		Summary: "Delete a user", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.deleteUser)
}

func (h *handlers) listUsers(ctx context.Context, in *ListUsersInput) (*UsersOutput, error) {
	q := db.New(h.DB)
	users, err := q.ListUsers(ctx, db.ListUsersParams{Limit: in.Limit, Offset: in.Skip})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	count, err := q.CountUsers(ctx)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &UsersOutput{}
	out.Body.Data = make([]UserPublic, len(users))
	for i, u := range users {
		out.Body.Data[i] = publicUser(u)
	}
	out.Body.Count = count
	return out, nil
}

func (h *handlers) createUser(ctx context.Context, in *CreateUserInput) (*UserOutput, error) {
	active := in.Body.IsActive == nil || *in.Body.IsActive
	user, err := accounts.Create(ctx, db.New(h.DB), accounts.NewUser{
		Email: in.Body.Email, FullName: in.Body.FullName, Password: in.Body.Password,
		IsActive: active, IsSuperuser: in.Body.IsSuperuser,
	})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	h.sendEmailInBackground(ctx, user.Email, emails.NewAccount, emails.Data{FullName: user.FullName, Link: h.Config.FrontendHost})
	return userOutput(user), nil
}

func (h *handlers) signup(ctx context.Context, in *SignupInput) (*UserOutput, error) {
	if !h.Config.UsersOpenRegistration {
		return nil, huma.Error403Forbidden("open user registration is forbidden on this server")
	}
	user, err := accounts.Create(ctx, db.New(h.DB), accounts.NewUser{
		Email: in.Body.Email, FullName: in.Body.FullName, Password: in.Body.Password, IsActive: true,
	})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return userOutput(user), nil
}

func (h *handlers) updateMe(ctx context.Context, in *UpdateMeInput) (*UserOutput, error) {
	user, err := db.New(h.DB).UpdateUser(ctx, db.UpdateUserParams{
		ID: currentUser(ctx).ID, Email: in.Body.Email, FullName: in.Body.FullName,
	})
	if db.IsUniqueViolation(err) {
		err = accounts.ErrEmailTaken
	}
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return userOutput(user), nil
}

func (h *handlers) updatePasswordMe(ctx context.Context, in *UpdatePasswordInput) (*MessageOutput, error) {
	me := currentUser(ctx)
	ok, err := auth.VerifyPassword(me.PasswordHash, in.Body.CurrentPassword)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	if !ok {
		return nil, huma.Error400BadRequest("incorrect password")
	}
	if in.Body.NewPassword == in.Body.CurrentPassword {
		return nil, huma.Error400BadRequest("the new password cannot be the same as the current one")
	}
	if err := accounts.SetPassword(ctx, db.New(h.DB), me.ID, in.Body.NewPassword); err != nil {
		return nil, h.fail(ctx, err)
	}
	return message("Password updated. Log in again with the new password."), nil
}

func (h *handlers) deleteMe(ctx context.Context, _ *struct{}) (*MessageOutput, error) {
	me := currentUser(ctx)
	if me.IsSuperuser {
		return nil, huma.Error403Forbidden("superusers are not allowed to delete themselves")
	}
	if _, err := db.New(h.DB).DeleteUser(ctx, me.ID); err != nil {
		return nil, h.fail(ctx, err)
	}
	return message("User deleted."), nil
}

func (h *handlers) readUser(ctx context.Context, in *UserIDPath) (*UserOutput, error) {
	me := currentUser(ctx)
	if in.ID == me.ID {
		return userOutput(me), nil
	}
	if !me.IsSuperuser {
		return nil, huma.Error404NotFound("not found") // others' accounts are not to be known
	}
	user, err := db.New(h.DB).GetUser(ctx, in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return userOutput(user), nil
}

func (h *handlers) updateUser(ctx context.Context, in *UpdateUserInput) (*UserOutput, error) {
	var user db.User
	err := db.InTx(ctx, h.DB, func(q *db.Queries) error {
		var err error
		user, err = q.UpdateUser(ctx, db.UpdateUserParams{
			ID: in.ID, Email: in.Body.Email, FullName: in.Body.FullName,
			IsActive: in.Body.IsActive, IsSuperuser: in.Body.IsSuperuser,
		})
		if db.IsUniqueViolation(err) {
			return accounts.ErrEmailTaken
		}
		if err != nil || in.Body.Password == nil {
			return err
		}
		return accounts.SetPassword(ctx, q, user.ID, *in.Body.Password)
	})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return userOutput(user), nil
}

func (h *handlers) deleteUser(ctx context.Context, in *UserIDPath) (*MessageOutput, error) {
	if in.ID == currentUser(ctx).ID {
		return nil, huma.Error403Forbidden("superusers are not allowed to delete themselves")
	}
	n, err := db.New(h.DB).DeleteUser(ctx, in.ID)
	if err == nil && n == 0 {
		err = pgx.ErrNoRows
	}
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return message("User deleted."), nil
}
