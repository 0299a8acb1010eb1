package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// owners says which package writes each table: a domain owns its tables,
// and everything else reads them through it. The stock (inventory, its
// adjustments and what orders hold of it) is the catalog's alone.
var owners = map[string]string{
	"users":               "internal/accounts",
	"api_keys":            "internal/apikeys",
	"audit_log":           "internal/audit",
	"products":            "internal/catalog",
	"inventory":           "internal/catalog",
	"stock_adjustments":   "internal/catalog",
	"stock_reservations":  "internal/catalog",
	"orders":              "internal/orders",
	"order_lines":         "internal/orders",
	"order_events":        "internal/orders",
	"payments":            "internal/orders",
	"shipments":           "internal/orders",
	"refunds":             "internal/orders",
	"returns":             "internal/orders",
	"provider_events":     "internal/orders",
	"events":              "internal/events",
	"webhook_endpoints":   "internal/events",
	"webhook_deliveries":  "internal/events",
	"rate_limit_attempts": "db",
	// What the reconciliation job found.
	"reconciliation_findings": "internal/upkeep",
	// The addresses migration 6 made bare, kept for a manual recovery; no
	// code writes it.
	"user_email_originals": "migrations",
}

var (
	queryName = regexp.MustCompile(`(?m)^-- name: (\w+) :\w+`)
	writes    = regexp.MustCompile(`(?i)\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)`)
	creates   = regexp.MustCompile(`(?i)\bCREATE\s+TABLE\s+(\w+)`)
	drops     = regexp.MustCompile(`(?i)\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\w+)`)
	locks     = regexp.MustCompile(`(?i)\b(?:FOR|DO)\s+UPDATE\b`) // a row lock, an upsert's update: no table named
)

// TestEachTableHasOneWriter: every sqlc query that writes a table is
// called only from the package that owns the table.
func TestEachTableHasOneWriter(t *testing.T) {
	root := repoRoot(t)
	for _, table := range createdTables(t, root) {
		if _, ok := owners[table]; !ok {
			t.Errorf("table %s has no owner in owners: say which package writes it", table)
		}
	}
	writers := writingQueries(t, root)
	for query, want := range map[string][]string{ // the reading of the SQL, kept honest
		"ReserveStock": {"inventory"}, "PlaceOrder": {"orders", "order_lines", "order_events"},
		"ClaimUnstartedOrders": {"orders"}, "CreateUserIfMissing": {"users"}, "GetOrder": nil,
	} {
		if !slices.Equal(writers[query], want) {
			t.Errorf("%s writes %v, want %v", query, writers[query], want)
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || rel == "bin") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		pkg := filepath.Dir(rel)
		for _, call := range calls(t, path) {
			for _, table := range writers[call] {
				if owners[table] != pkg {
					t.Errorf("%s calls %s, which writes %s: only %s writes it", rel, call, table, owners[table])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// writingQueries maps each query of db/queries that writes to the tables it writes.
func writingQueries(t *testing.T, root string) map[string][]string {
	files, err := filepath.Glob(filepath.Join(root, "db", "queries", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, f := range files {
		sql, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		names := queryName.FindAllSubmatchIndex(sql, -1)
		for i, m := range names {
			end := len(sql)
			if i+1 < len(names) {
				end = names[i+1][0]
			}
			name := string(sql[m[2]:m[3]])
			for _, w := range writes.FindAllSubmatch(locks.ReplaceAll(sql[m[1]:end], nil), -1) {
				if table := strings.ToLower(string(w[1])); !slices.Contains(out[name], table) {
					out[name] = append(out[name], table)
				}
			}
		}
	}
	return out
}

// createdTables are the tables the migrations leave, in the order applied.
func createdTables(t *testing.T, root string) []string {
	files, err := filepath.Glob(filepath.Join(root, "migrations", "*.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for _, f := range files {
		sql, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range creates.FindAllSubmatch(sql, -1) {
			tables = append(tables, strings.ToLower(string(m[1])))
		}
		for _, m := range drops.FindAllSubmatch(sql, -1) {
			tables = slices.DeleteFunc(tables, func(s string) bool { return s == strings.ToLower(string(m[1])) })
		}
	}
	return tables
}

// calls lists the queries a Go file runs, the way the stores run them:
// store.Q().Name(...) outside a transaction, q.Name(...) in one.
func calls(t *testing.T, path string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		switch x := sel.X.(type) {
		case *ast.Ident:
			if x.Name == "q" {
				names = append(names, sel.Sel.Name)
			}
		case *ast.CallExpr:
			if q, ok := x.Fun.(*ast.SelectorExpr); ok && q.Sel.Name == "Q" {
				names = append(names, sel.Sel.Name)
			}
		}
		return true
	})
	return names
}

func repoRoot(t *testing.T) string {
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("repository root not at %s", dir)
	}
	return dir
}
