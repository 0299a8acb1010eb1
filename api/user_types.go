package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/accounts"
)

// UserPublic is a user as the API shows it: never the password hash.
type UserPublic struct {
	ID          uuid.UUID   `json:"id"`
	Email       string      `json:"email" format:"email"`
	FullName    string      `json:"full_name"`
	IsActive    bool        `json:"is_active"`
	Role        access.Role `json:"role" enum:"customer,support,fulfillment,catalog,admin"`
	IsSuperuser bool        `json:"is_superuser" doc:"Whether the role is admin; kept for old clients"`
	CreatedAt   time.Time   `json:"created_at"`
}

func publicUser(u accounts.User) UserPublic {
	return UserPublic{
		ID: u.ID, Email: u.Email, FullName: u.FullName, IsActive: u.IsActive,
		Role: u.Role, IsSuperuser: u.Role == access.AdminRole, CreatedAt: u.CreatedAt,
	}
}

// roleOf is the role a request asks for: role, or is_superuser as old
// clients send it (true: admin, false: customer). Both, disagreeing, is
// accounts.ErrRoleConflict; neither is nil.
func roleOf(role *access.Role, isSuperuser *bool) (*access.Role, error) {
	if isSuperuser == nil {
		return role, nil
	}
	old := access.Customer
	if *isSuperuser {
		old = access.AdminRole
	}
	if role != nil && (*role == access.AdminRole) != *isSuperuser {
		return nil, accounts.ErrRoleConflict
	}
	return &old, nil
}

// UserOutput is one user.
type UserOutput struct {
	Body UserPublic
}

func userOutput(u accounts.User) *UserOutput { return &UserOutput{Body: publicUser(u)} }

// ListUsersInput pages through users, newest first.
type ListUsersInput struct {
	PagedInput
	Limit int32 `query:"limit" minimum:"1" maximum:"100" default:"100"`
}

// UserIDPath names a user by ID in the path.
type UserIDPath struct {
	ID uuid.UUID `path:"user_id"`
}

// CreateUserInput is an admin creating an account.
type CreateUserInput struct {
	Body struct {
		Email       string       `json:"email" format:"email" maxLength:"255"`
		Password    string       `json:"password" minLength:"8" maxLength:"128"`
		FullName    string       `json:"full_name,omitempty" maxLength:"255"`
		IsActive    *bool        `json:"is_active,omitempty" doc:"Default true"`
		Role        *access.Role `json:"role,omitempty" enum:"customer,support,fulfillment,catalog,admin" doc:"Default customer"`
		IsSuperuser *bool        `json:"is_superuser,omitempty" doc:"Old clients' way to give the admin role (true) or none (false); role is the way now"`
	}
}

// SignupInput is open registration.
type SignupInput struct {
	Body struct {
		Email    string `json:"email" format:"email" maxLength:"255"`
		Password string `json:"password" minLength:"8" maxLength:"128"`
		FullName string `json:"full_name,omitempty" maxLength:"255"`
	}
}

// UpdateMeInput changes the caller's own profile; absent fields stay as they are.
type UpdateMeInput struct {
	Body struct {
		Email    *string `json:"email,omitempty" format:"email" maxLength:"255"`
		FullName *string `json:"full_name,omitempty" maxLength:"255"`
	}
}

// UpdatePasswordInput changes the caller's password.
type UpdatePasswordInput struct {
	Body struct {
		CurrentPassword string `json:"current_password" minLength:"1" maxLength:"128"`
		NewPassword     string `json:"new_password" minLength:"8" maxLength:"128"`
	}
}

// UpdateUserInput is an admin changing any user; absent fields, the
// password included, stay as they are.
type UpdateUserInput struct {
	UserIDPath
	Body struct {
		Email       *string      `json:"email,omitempty" format:"email" maxLength:"255"`
		Password    *string      `json:"password,omitempty" minLength:"8" maxLength:"128"`
		FullName    *string      `json:"full_name,omitempty" maxLength:"255"`
		IsActive    *bool        `json:"is_active,omitempty"`
		Role        *access.Role `json:"role,omitempty" enum:"customer,support,fulfillment,catalog,admin"`
		IsSuperuser *bool        `json:"is_superuser,omitempty" doc:"Old clients' way to give the admin role (true) or take every role (false); role is the way now"`
	}
}

// MessageOutput is a plain confirmation.
type MessageOutput struct {
	Body struct {
		Message string `json:"message"`
	}
}

func message(s string) *MessageOutput {
	out := &MessageOutput{}
	out.Body.Message = s
	return out
}
