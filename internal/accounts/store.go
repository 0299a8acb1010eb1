package accounts

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/page"
)

// Store holds the users table: every read, and every write in the
// transaction that keeps its rules (one active admin at least, a reset
// token used once). Its errors are the account's own. It never hashes: a
// password arrives hashed, so that no transaction waits for a hash.
type Store struct {
	db *db.Store
}

// NewStore returns the account store over a database.
func NewStore(s *db.Store) *Store { return &Store{db: s} }

// dbErrors turns the database's refusals into the account's errors.
var dbErrors = db.Translation{NotFound: ErrNotFound, Refusals: map[string]error{
	"users_email_key":         ErrEmailTaken,
	"orders_customer_id_fkey": ErrHasOrders,
}}

// record is a new account, its password already hashed.
type record struct {
	Email, FullName, Hash string
	IsActive              bool
	Role                  access.Role
}

func (s *Store) create(ctx context.Context, r record) (User, error) {
	return s.createIn(ctx, s.db.Q(), r)
}

func (s *Store) createIn(ctx context.Context, q *db.Queries, r record) (User, error) {
	row, err := q.CreateUser(ctx, db.CreateUserParams{
		Email: r.Email, FullName: r.FullName, PasswordHash: r.Hash, IsActive: r.IsActive, Role: string(r.Role),
	})
	return userFromDB(row), dbErrors.Of(err)
}

// createSuperuserIfMissing creates an active admin unless an account
// has the address; created says whether it did. Safe to run at once from
// several processes.
func (s *Store) createSuperuserIfMissing(ctx context.Context, email, hash string) (created bool, err error) {
	n, err := s.db.Q().CreateUserIfMissing(ctx, db.CreateUserIfMissingParams{Email: email, FullName: "", PasswordHash: hash})
	return n == 1, dbErrors.Of(err)
}

func (s *Store) get(ctx context.Context, id uuid.UUID) (User, error) {
	row, err := s.db.Q().GetUser(ctx, id)
	return userFromDB(row), dbErrors.Of(err)
}

// byEmail finds an account by its normal address (NormalizeEmail).
func (s *Store) byEmail(ctx context.Context, email string) (User, error) {
	row, err := s.db.Q().GetUserByEmail(ctx, email)
	return userFromDB(row), dbErrors.Of(err)
}

func (s *Store) list(ctx context.Context, r page.Request) (page.Page[User], error) {
	p := db.ListUsersParams{Skip: r.Skip, Limit: r.Fetch()}
	var err error
	if p.AfterCreated, p.AfterID, err = r.After(); err != nil {
		return page.Page[User]{}, err
	}
	rows, err := s.db.Q().ListUsers(ctx, p)
	if err != nil {
		return page.Page[User]{}, dbErrors.Of(err)
	}
	users := make([]User, len(rows))
	for i, row := range rows {
		users[i] = userFromDB(row)
	}
	return page.Of(users, r, func(u User) page.Position { return page.Position{CreatedAt: u.CreatedAt, ID: u.ID} }), nil
}

func (s *Store) count(ctx context.Context) (int64, error) {
	n, err := s.db.Q().CountUsers(ctx)
	return n, dbErrors.Of(err)
}

// change is a change of an account, its new password (if any) hashed.
type change struct {
	Change
	Hash *string
}

// update changes an account in one transaction, and returns it with the
// role it had before. A change that would leave
// no active admin is ErrLastAdmin; a new password revokes every
// token issued before.
func (s *Store) update(ctx context.Context, id uuid.UUID, c change) (User, access.Role, error) {
	var (
		user User
		was  access.Role
	)
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		if c.demotes() { // the admins' rows first, in the order every demotion locks them
			if err := keepAnAdmin(ctx, q, id); err != nil {
				return err
			}
		}
		before, err := q.GetUserForUpdate(ctx, id)
		if err != nil {
			return err
		}
		was = access.Role(before.Role)
		row, err := q.UpdateUser(ctx, db.UpdateUserParams{
			ID: id, Email: c.Email, FullName: c.FullName, IsActive: c.IsActive, Role: rolePtr(c.Role),
		})
		if err != nil {
			return err
		}
		if c.Hash != nil {
			row, err = q.SetPassword(ctx, db.SetPasswordParams{ID: id, PasswordHash: *c.Hash})
		}
		user = userFromDB(row)
		return err
	})
	return user, was, dbErrors.Of(err)
}

// keepAnAdmin refuses (ErrLastAdmin) to take away the only active admin,
// id. It locks every active admin's row first, so that two admins demoting
// each other at once cannot both succeed: the second waits, then counts
// again.
func keepAnAdmin(ctx context.Context, q *db.Queries, id uuid.UUID) error {
	ids, err := q.LockActiveAdmins(ctx)
	if err != nil {
		return err
	}
	if len(ids) == 1 && ids[0] == id {
		return ErrLastAdmin
	}
	return nil
}

// setPassword stores a new password hash, which revokes every token issued
// before it.
func (s *Store) setPassword(ctx context.Context, id uuid.UUID, hash string) error {
	_, err := s.db.Q().SetPassword(ctx, db.SetPasswordParams{ID: id, PasswordHash: hash})
	return dbErrors.Of(err)
}

// rehash stores a stronger hash of the same password: tokens stay valid.
func (s *Store) rehash(ctx context.Context, id uuid.UUID, hash string) error {
	return dbErrors.Of(s.db.Q().RehashPassword(ctx, db.RehashPasswordParams{ID: id, PasswordHash: hash}))
}

// resetPassword sets the password a reset token was issued for, once: the
// row lock keeps two resets with one token from both passing, and the
// change of password revokes the token. A token of another password
// version, or of an inactive or deleted account, is ErrInvalidResetToken.
func (s *Store) resetPassword(ctx context.Context, id uuid.UUID, tokenVersion int32, hash string) error {
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		user, err := q.GetUserForUpdate(ctx, id)
		if errors.Is(err, db.ErrNotFound) || err == nil && (user.TokenVersion != tokenVersion || !user.IsActive) {
			return ErrInvalidResetToken // used once already, or the password changed since
		}
		if err != nil {
			return err
		}
		_, err = q.SetPassword(ctx, db.SetPasswordParams{ID: id, PasswordHash: hash})
		return err
	})
	return dbErrors.Of(err)
}

// makeSuperuser creates an active admin with the address, or makes the
// account that has it one, with the password hash given; it returns the
// admin and the role the account had ("" when new).
func (s *Store) makeSuperuser(ctx context.Context, email, hash string) (User, access.Role, error) {
	var (
		admin User
		was   access.Role
	)
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		user, err := q.GetUserByEmail(ctx, email)
		if errors.Is(err, db.ErrNotFound) {
			admin, err = s.createIn(ctx, q, record{Email: email, Hash: hash, IsActive: true, Role: access.AdminRole})
			return err
		}
		if err != nil {
			return err
		}
		was = access.Role(user.Role)
		yes, role := true, string(access.AdminRole)
		if _, err := q.UpdateUser(ctx, db.UpdateUserParams{ID: user.ID, IsActive: &yes, Role: &role}); err != nil {
			return err
		}
		row, err := q.SetPassword(ctx, db.SetPasswordParams{ID: user.ID, PasswordHash: hash})
		admin = userFromDB(row)
		return err
	})
	return admin, was, dbErrors.Of(err)
}

// delete removes an account, unless it is the last active admin
// (ErrLastAdmin) or orders reference it (ErrHasOrders).
func (s *Store) delete(ctx context.Context, id uuid.UUID) error {
	var n int64
	err := s.db.InTx(ctx, func(q *db.Queries) error {
		if err := keepAnAdmin(ctx, q, id); err != nil {
			return err
		}
		var err error
		n, err = q.DeleteUser(ctx, id)
		return err
	})
	if err == nil && n == 0 {
		return ErrNotFound
	}
	return dbErrors.Of(err)
}

// AdminEmails are the addresses of the active admins: who is told what
// needs an operator.
func (s *Store) AdminEmails(ctx context.Context) ([]string, error) {
	emails, err := s.db.Q().ActiveAdminEmails(ctx)
	return emails, dbErrors.Of(err)
}

// rolePtr is a role change as the query takes it: nil leaves the role.
func rolePtr(r *access.Role) *string {
	if r == nil {
		return nil
	}
	s := string(*r)
	return &s
}
