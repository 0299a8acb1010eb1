package accounts

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/page"
)

// Filter pages through users, newest first; Count asks for how many there
// are in all, which costs a count of every row.
type Filter struct {
	Page  page.Request
	Count bool
}

// List returns a page of users and, when asked, how many there are.
func (s *Service) List(ctx context.Context, f Filter) (page.Page[User], *int64, error) {
	users, err := s.store.list(ctx, f.Page)
	if err != nil || !f.Count {
		return users, nil, err
	}
	n, err := s.store.count(ctx)
	return users, &n, err
}

// Get returns any user; the API lets a caller without users:read see
// only themselves.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (User, error) {
	return s.store.get(ctx, id)
}

// Change is a change of an account; nil fields stay as they are, the
// password included.
type Change struct {
	Email    *string
	FullName *string
	Password *string
	IsActive *bool
	Role     *access.Role
}

// demotes tells whether a change could take an admin away.
func (c Change) demotes() bool {
	return c.Role != nil && *c.Role != access.AdminRole || c.IsActive != nil && !*c.IsActive
}

// UpdateMe changes the caller's own e-mail or name; nothing else.
func (s *Service) UpdateMe(ctx context.Context, me User, email, fullName *string) (User, error) {
	u, _, err := s.Update(ctx, me.ID, Change{Email: email, FullName: fullName})
	return u, err
}

// Update changes any account (an admin's doing), in one transaction that
// opens once a new password is hashed, and returns it with the role it had
// before. A change that would leave no active admin is ErrLastAdmin.
func (s *Service) Update(ctx context.Context, id uuid.UUID, c Change) (User, access.Role, error) {
	if c.Email != nil {
		email, err := NormalizeEmail(*c.Email)
		if err != nil {
			return User{}, "", err
		}
		c.Email = &email
	}
	if c.Role != nil && !c.Role.Valid() {
		return User{}, "", ErrUnknownRole
	}
	ch := change{Change: c}
	if c.Password != nil {
		hash, err := s.hash(ctx, *c.Password)
		if err != nil {
			return User{}, "", err
		}
		ch.Hash = &hash
	}
	defer s.forgetAccounts()
	return s.store.update(ctx, id, ch)
}

// ChangePassword sets the caller's new password, given the current one.
// Every token issued before stops working.
func (s *Service) ChangePassword(ctx context.Context, me User, current, next string) error {
	ok, err := s.passwords.Verify(ctx, me.passwordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return ErrIncorrectPassword
	}
	if next == current {
		return ErrSamePassword
	}
	hash, err := s.hash(ctx, next)
	if err != nil {
		return err
	}
	defer s.forgetAccounts()
	return s.store.setPassword(ctx, me.ID, hash)
}

// DeleteMe deletes the caller's own account; admins may not.
func (s *Service) DeleteMe(ctx context.Context, me User) error {
	if me.Role == access.AdminRole {
		return ErrAdminSelfDelete
	}
	defer s.forgetAccounts()
	return s.store.delete(ctx, me.ID)
}

// Delete deletes another account (an admin's doing). A user with orders
// is ErrHasOrders: deactivate it instead.
func (s *Service) Delete(ctx context.Context, by User, id uuid.UUID) error {
	if id == by.ID {
		return ErrAdminSelfDelete
	}
	defer s.forgetAccounts()
	return s.store.delete(ctx, id)
}
