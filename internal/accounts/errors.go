package accounts

import (
	"errors"
	"fmt"

	"github.com/acme/orders/internal/auth"
)

// The account's sentinel errors. The API maps each to an HTTP answer in one
// table.
var (
	// ErrNotFound: no such user, or one the caller may not know of.
	ErrNotFound = errors.New("user not found")
	// ErrInvalidEmail: not a bare address (see NormalizeEmail).
	ErrInvalidEmail = errors.New("must be a bare e-mail address such as name@example.com, without a display name")
	// ErrEmailTaken: another user has the address (case-insensitively).
	ErrEmailTaken = errors.New("a user with this e-mail already exists")
	// ErrPasswordLength: the password is outside 8 to 128 characters.
	ErrPasswordLength = fmt.Errorf("password must be %d to %d characters", auth.MinPasswordLen, auth.MaxPasswordLen)
	// ErrHasOrders: orders reference the user, who can only be deactivated.
	ErrHasOrders = errors.New("the user has orders and cannot be deleted; deactivate the account instead")
	// ErrLastAdmin: the change would leave no active admin.
	ErrLastAdmin = errors.New("that would leave no active admin; make another user an admin first")
	// ErrUnknownRole: a role that is not one of access.Roles.
	ErrUnknownRole = errors.New("unknown role")
	// ErrRoleConflict: is_superuser and role given, and they disagree.
	ErrRoleConflict = errors.New("is_superuser and role disagree; give role alone")

	// ErrBadCredentials: log-in with an unknown address or a wrong password.
	ErrBadCredentials = errors.New("incorrect e-mail or password")
	// ErrLoginInactive: the right password of a deactivated account.
	ErrLoginInactive = errors.New("inactive user")
	// ErrUnauthenticated: no valid access token (missing, tampered, expired,
	// revoked, or its user deleted).
	ErrUnauthenticated = errors.New("could not validate credentials")
	// ErrInactive: a valid token of a deactivated account.
	ErrInactive = errors.New("inactive user")

	// ErrIncorrectPassword: the current password given to change it is wrong.
	ErrIncorrectPassword = errors.New("incorrect password")
	// ErrSamePassword: the new password is the current one.
	ErrSamePassword = errors.New("the new password cannot be the same as the current one")
	// ErrInvalidResetToken: a reset token that is malformed, expired, used
	// once already, or older than the last password change.
	ErrInvalidResetToken = errors.New("invalid or expired token")

	// ErrRegistrationClosed: sign-up is off (USERS_OPEN_REGISTRATION).
	ErrRegistrationClosed = errors.New("open user registration is forbidden on this server")
	// ErrAdminSelfDelete: admins may not delete themselves.
	ErrAdminSelfDelete = errors.New("admins are not allowed to delete themselves")
)
