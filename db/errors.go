package db

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// IsUniqueViolation reports a unique-constraint failure.
func IsUniqueViolation(err error) bool { return pgCode(err) == "23505" }

// IsCheckViolation reports a check-constraint failure (such as stock rules).
func IsCheckViolation(err error) bool { return pgCode(err) == "23514" }

// IsForeignKeyViolation reports a row still referenced, or referring to nothing.
func IsForeignKeyViolation(err error) bool { return pgCode(err) == "23503" }
