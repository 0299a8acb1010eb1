package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/accounts"
)

func (h *handlers) registerUsers(api huma.API) {
	tags := []string{"users"}
	handle(api, h, guarded(superuser, huma.Operation{
		OperationID: "list-users", Method: http.MethodGet, Path: "/users",
		Summary: "List users, newest first, in cursor pages", Tags: tags,
	}), h.listUsers)
	handle(api, h, guarded(superuser, huma.Operation{
		OperationID: "create-user", Method: http.MethodPost, Path: "/users",
		Summary: "Create a user; they get a new-account e-mail (without the password)", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
	}), h.createUser)
	handle(api, h, guarded(loggedIn, huma.Operation{
		OperationID: "read-user-me", Method: http.MethodGet, Path: "/users/me",
		Summary: "Your own profile", Tags: tags,
	}), func(ctx context.Context, _ *struct{}) (*UserOutput, error) {
		return userOutput(currentUser(ctx)), nil
	})
	handle(api, h, guarded(loggedIn, huma.Operation{
		OperationID: "update-user-me", Method: http.MethodPatch, Path: "/users/me",
		Summary: "Change your e-mail or name", Tags: tags, Errors: []int{http.StatusConflict},
	}), h.updateMe)
	handle(api, h, guarded(loggedIn, huma.Operation{
		OperationID: "update-password-me", Method: http.MethodPatch, Path: "/users/me/password",
		Summary: "Change your password; every token issued before stops working", Tags: tags,
		Errors: []int{http.StatusBadRequest},
	}), h.updatePasswordMe)
	handle(api, h, guarded(loggedIn, huma.Operation{
		OperationID: "delete-user-me", Method: http.MethodDelete, Path: "/users/me",
		Summary: "Delete your account (not allowed for superusers)", Tags: tags,
		Errors: []int{http.StatusConflict},
	}), h.deleteMe)
	handle(api, h, h.limited(h.Options.RateLimits.Signup, guarded(anyone, huma.Operation{
		OperationID: "register-user", Method: http.MethodPost, Path: "/users/signup",
		Summary: "Sign up (when open registration is on)", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusForbidden, http.StatusConflict},
	})), h.signup)
	handle(api, h, guarded(loggedIn, huma.Operation{
		OperationID: "read-user", Method: http.MethodGet, Path: "/users/{user_id}",
		Summary: "A user: yourself, or anyone for a superuser", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.readUser)
	handle(api, h, guarded(superuser, huma.Operation{
		OperationID: "update-user", Method: http.MethodPatch, Path: "/users/{user_id}",
		Summary: "Change a user; the password changes only when given", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}), h.updateUser)
	handle(api, h, guarded(superuser, huma.Operation{
		OperationID: "delete-user", Method: http.MethodDelete, Path: "/users/{user_id}",
		Summary: "Delete a user", Tags: tags, Errors: []int{http.StatusNotFound, http.StatusConflict},
	}), h.deleteUser)
}

func (h *handlers) listUsers(ctx context.Context, in *ListUsersInput) (*ListOutput[UserPublic], error) {
	users, count, err := h.Accounts.List(ctx, accounts.Filter{Page: in.request(in.Limit), Count: in.Count})
	if err != nil {
		return nil, err
	}
	return pageOf(users, publicUser, count), nil
}

func (h *handlers) createUser(ctx context.Context, in *CreateUserInput) (*UserOutput, error) {
	return userResult(h.Accounts.Create(ctx, accounts.NewUser{
		Email: in.Body.Email, FullName: in.Body.FullName, Password: in.Body.Password,
		IsActive: in.Body.IsActive == nil || *in.Body.IsActive, IsSuperuser: in.Body.IsSuperuser,
	}))
}

func (h *handlers) signup(ctx context.Context, in *SignupInput) (*UserOutput, error) {
	return userResult(h.Accounts.Signup(ctx, in.Body.Email, in.Body.FullName, in.Body.Password))
}

func (h *handlers) updateMe(ctx context.Context, in *UpdateMeInput) (*UserOutput, error) {
	return userResult(h.Accounts.UpdateMe(ctx, currentUser(ctx), in.Body.Email, in.Body.FullName))
}

func (h *handlers) updatePasswordMe(ctx context.Context, in *UpdatePasswordInput) (*MessageOutput, error) {
	if err := h.Accounts.ChangePassword(ctx, currentUser(ctx), in.Body.CurrentPassword, in.Body.NewPassword); err != nil {
		return nil, err
	}
	return message("Password updated. Log in again with the new password."), nil
}

func (h *handlers) deleteMe(ctx context.Context, _ *struct{}) (*MessageOutput, error) {
	if err := h.Accounts.DeleteMe(ctx, currentUser(ctx)); err != nil {
		return nil, err
	}
	return message("User deleted."), nil
}

func (h *handlers) readUser(ctx context.Context, in *UserIDPath) (*UserOutput, error) {
	return userResult(h.Accounts.Get(ctx, currentUser(ctx), in.ID))
}

func (h *handlers) updateUser(ctx context.Context, in *UpdateUserInput) (*UserOutput, error) {
	b := in.Body
	return userResult(h.Accounts.Update(ctx, in.ID, accounts.Change{
		Email: b.Email, FullName: b.FullName, Password: b.Password, IsActive: b.IsActive, IsSuperuser: b.IsSuperuser,
	}))
}

func (h *handlers) deleteUser(ctx context.Context, in *UserIDPath) (*MessageOutput, error) {
	if err := h.Accounts.Delete(ctx, currentUser(ctx), in.ID); err != nil {
		return nil, err
	}
	return message("User deleted."), nil
}

func userResult(u accounts.User, err error) (*UserOutput, error) {
	if err != nil {
		return nil, err
	}
	return userOutput(u), nil
}
