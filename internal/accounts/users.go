package accounts

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/auth"
)

// List returns a page of users, newest first, and how many there are.
func (s *Service) List(ctx context.Context, skip, limit int32) ([]User, int64, error) {
	q := s.db.Q()
	rows, err := q.ListUsers(ctx, db.ListUsersParams{Limit: limit, Offset: skip})
	if err != nil {
		return nil, 0, err
	}
	count, err := q.CountUsers(ctx)
	if err != nil {
		return nil, 0, err
	}
	users := make([]User, len(rows))
	for i, r := range rows {
		users[i] = userFromDB(r)
	}
	return users, count, nil
}

// Get returns a user the caller may see: themselves, or anyone for a
// superuser. Others' accounts are ErrNotFound, as if they did not exist.
func (s *Service) Get(ctx context.Context, by User, id uuid.UUID) (User, error) {
	if id == by.ID {
		return by, nil
	}
	if !by.IsSuperuser {
		return User{}, ErrNotFound
	}
	row, err := s.db.Q().GetUser(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, err
	}
	return userFromDB(row), nil
}

// Change is a change of an account; nil fields stay as they are, the
// password included.
type Change struct {
	Email       *string
	FullName    *string
	Password    *string
	IsActive    *bool
	IsSuperuser *bool
}

// UpdateMe changes the caller's own e-mail or name; nothing else.
func (s *Service) UpdateMe(ctx context.Context, me User, email, fullName *string) (User, error) {
	return s.Update(ctx, me.ID, Change{Email: email, FullName: fullName})
}

// Update changes any account (a superuser's doing), in one transaction. A
// change that would leave no active superuser is ErrLastSuperuser.
func (s *Service) Update(ctx context.Context, id uuid.UUID, c Change) (User, error) {
	if c.Email != nil {
		email, err := NormalizeEmail(*c.Email)
		if err != nil {
			return User{}, err
		}
		c.Email = &email
	}
	var user User
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		if demotes(c) {
			if err := keepASuperuser(ctx, q, id); err != nil {
				return err
			}
		}
		row, err := q.UpdateUser(ctx, db.UpdateUserParams{
			ID: id, Email: c.Email, FullName: c.FullName, IsActive: c.IsActive, IsSuperuser: c.IsSuperuser,
		})
		switch {
		case errors.Is(err, db.ErrNotFound):
			return ErrNotFound
		case db.Violates(err, "users_email_key"):
			return ErrEmailTaken
		case err != nil:
			return err
		}
		user = userFromDB(row)
		if c.Password == nil {
			return nil
		}
		return setPassword(ctx, q, id, *c.Password)
	})
	return user, err
}

// demotes tells whether a change could take a superuser away.
func demotes(c Change) bool {
	return c.IsSuperuser != nil && !*c.IsSuperuser || c.IsActive != nil && !*c.IsActive
}

// keepASuperuser refuses (ErrLastSuperuser) to take away the only active
// superuser, id. It locks every active superuser's row first, so that two
// superusers demoting each other at once cannot both succeed: the second
// waits, then counts again.
func keepASuperuser(ctx context.Context, q *db.Queries, id uuid.UUID) error {
	ids, err := q.LockActiveSuperusers(ctx)
	if err != nil {
		return err
	}
	if len(ids) == 1 && ids[0] == id {
		return ErrLastSuperuser
	}
	return nil
}

// ChangePassword sets the caller's new password, given the current one.
// Every token issued before stops working.
func (s *Service) ChangePassword(ctx context.Context, me User, current, next string) error {
	ok, err := auth.VerifyPassword(me.passwordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return ErrIncorrectPassword
	}
	if next == current {
		return ErrSamePassword
	}
	return setPassword(ctx, s.db.Q(), me.ID, next)
}

// DeleteMe deletes the caller's own account; superusers may not.
func (s *Service) DeleteMe(ctx context.Context, me User) error {
	if me.IsSuperuser {
		return ErrSuperuserSelfDelete
	}
	return s.delete(ctx, me.ID)
}

// Delete deletes another account (a superuser's doing). A user with orders
// is ErrHasOrders: deactivate it instead.
func (s *Service) Delete(ctx context.Context, by User, id uuid.UUID) error {
	if id == by.ID {
		return ErrSuperuserSelfDelete
	}
	return s.delete(ctx, id)
}

func (s *Service) delete(ctx context.Context, id uuid.UUID) error {
	var n int64
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		if err := keepASuperuser(ctx, q, id); err != nil {
			return err
		}
		var err error
		n, err = q.DeleteUser(ctx, id)
		return err
	})
	switch {
	case db.Violates(err, "orders_customer_id_fkey"):
		return ErrHasOrders
	case err != nil:
		return err
	case n == 0:
		return ErrNotFound
	}
	return nil
}
