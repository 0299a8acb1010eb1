package db

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Translation is how a domain's store turns this package's errors into the
// domain's own: a query that finds no row into its not-found error, and a
// write refused by a constraint it names into the error that refusal means.
// Everything else (ErrUnavailable included) passes through.
type Translation struct {
	NotFound error
	// Refusals maps constraint names, as the migrations spell them, to
	// domain errors. A test in each domain checks that every name exists.
	Refusals map[string]error
}

// Of translates err; the domain error wraps the cause, for the logs.
func (t Translation) Of(err error) error {
	var ce *ConstraintError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound) && t.NotFound != nil:
		return fmt.Errorf("%w (%w)", t.NotFound, err)
	case errors.As(err, &ce) && t.Refusals[ce.Constraint] != nil:
		return fmt.Errorf("%w (%w)", t.Refusals[ce.Constraint], err)
	}
	return err
}

// Constraints are the constraint names the translation maps, sorted.
func (t Translation) Constraints() []string { return slices.Sorted(maps.Keys(t.Refusals)) }
