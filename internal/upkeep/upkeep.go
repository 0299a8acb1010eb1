// Package upkeep is the platform's jobs on a clock, run by Temporal
// Schedules: the reconciliation (it compares the read model with the
// workflows and the stock and payments with the orders, repairs what is
// safe to repair and keeps its findings in reconciliation_findings, a
// table of its own), the daily summary's figures, and the retention of the
// findings. It reads the other domains' tables and repairs through their
// stores.
package upkeep

import (
	"github.com/acme/orders/db"
)

// Store holds the findings and reads across the domains for the scans and
// the summary.
type Store struct {
	db *db.Store
}

// NewStore returns the upkeep store over a database.
func NewStore(s *db.Store) *Store { return &Store{db: s} }

// dbErrors turns the database's errors into upkeep's (none of its own).
var dbErrors = db.Translation{}

// scanPage is how many candidates a scan reads at a time: what it holds in
// memory, whatever the number of orders.
const scanPage = 500
