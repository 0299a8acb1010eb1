package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/accounts"
)

func (h *handlers) registerUsers(api huma.API) {
	tags := []string{"users"}
	handle(api, h, guarded(needs(access.UsersRead), huma.Operation{
		OperationID: "list-users", Method: http.MethodGet, Path: "/users",
		Summary: "List users, newest first, in cursor pages", Tags: tags,
	}), h.listUsers)
	handle(api, h, guarded(needs(access.Admin), huma.Operation{
		OperationID: "create-user", Method: http.MethodPost, Path: "/users",
		Summary: "Create a user; they get a new-account e-mail (without the password)", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
	}), h.createUser)
	handle(api, h, guarded(account, huma.Operation{
		OperationID: "read-user-me", Method: http.MethodGet, Path: "/users/me",
		Summary: "Your own profile", Tags: tags,
	}), func(ctx context.Context, _ *struct{}) (*UserOutput, error) {
		return userOutput(currentUser(ctx)), nil
	})
	handle(api, h, guarded(account, huma.Operation{
		OperationID: "update-user-me", Method: http.MethodPatch, Path: "/users/me",
		Summary: "Change your e-mail or name", Tags: tags, Errors: []int{http.StatusConflict},
	}), h.updateMe)
	handle(api, h, guarded(account, huma.Operation{
		OperationID: "update-password-me", Method: http.MethodPatch, Path: "/users/me/password",
		Summary: "Change your password; every token issued before stops working", Tags: tags,
		Errors: []int{http.StatusBadRequest},
	}), h.updatePasswordMe)
	handle(api, h, guarded(account, huma.Operation{
		OperationID: "delete-user-me", Method: http.MethodDelete, Path: "/users/me",
		Summary: "Delete your account (not allowed for admins)", Tags: tags,
		Errors: []int{http.StatusConflict},
	}), h.deleteMe)
	handle(api, h, h.limited(h.Options.RateLimits.Signup, guarded(anyone, huma.Operation{
		OperationID: "register-user", Method: http.MethodPost, Path: "/users/signup",
		Summary: "Sign up (when open registration is on)", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusForbidden, http.StatusConflict},
	})), h.signup)
	handle(api, h, guarded(own(access.UsersRead), huma.Operation{
		OperationID: "read-user", Method: http.MethodGet, Path: "/users/{user_id}",
		Summary: "A user: yourself, or anyone with users:read", Tags: tags, Errors: []int{http.StatusNotFound},
	}), h.readUser)
	handle(api, h, guarded(needs(access.Admin), huma.Operation{
		OperationID: "update-user", Method: http.MethodPatch, Path: "/users/{user_id}",
		Summary: "Change a user, their role included; the password changes only when given", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}), h.updateUser)
	handle(api, h, guarded(needs(access.Admin), huma.Operation{
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
	role, err := roleOf(in.Body.Role, in.Body.IsSuperuser)
	if err != nil {
		return nil, err
	}
	n := accounts.NewUser{
		Email: in.Body.Email, FullName: in.Body.FullName, Password: in.Body.Password,
		IsActive: in.Body.IsActive == nil || *in.Body.IsActive, Role: access.Customer,
	}
	if role != nil {
		n.Role = *role
	}
	u, err := h.Accounts.Create(ctx, n)
	if err != nil {
		return nil, err
	}
	noteAuditTarget(ctx, "user", u.ID.String())
	noteAuditDetail(ctx, "role", map[string]any{"to": u.Role})
	return userOutput(u), nil
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

// readUser shows the caller themselves, and anyone to who holds
// users:read; others' accounts are as if they did not exist.
func (h *handlers) readUser(ctx context.Context, in *UserIDPath) (*UserOutput, error) {
	c := currentCaller(ctx)
	switch {
	case !c.isKey() && in.ID == c.user.ID:
		return userOutput(c.user), nil
	case !c.grants.Has(access.UsersRead):
		return nil, accounts.ErrNotFound
	}
	return userResult(h.Accounts.Get(ctx, in.ID))
}

func (h *handlers) updateUser(ctx context.Context, in *UpdateUserInput) (*UserOutput, error) {
	b := in.Body
	role, err := roleOf(b.Role, b.IsSuperuser)
	if err != nil {
		return nil, err
	}
	u, was, err := h.Accounts.Update(ctx, in.ID, accounts.Change{
		Email: b.Email, FullName: b.FullName, Password: b.Password, IsActive: b.IsActive, Role: role,
	})
	if err != nil {
		return nil, err
	}
	if u.Role != was {
		noteAuditDetail(ctx, "role", map[string]any{"from": was, "to": u.Role})
	}
	return userOutput(u), nil
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
