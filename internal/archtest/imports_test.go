package archtest

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/acme/orders"

// rule forbids the packages under from to import anything under the listed
// paths (a leading "/" is a folder of the module).
type rule struct {
	from   []string
	forbid []string
	why    string
}

var (
	domain  = []string{"/internal/accounts", "/internal/apikeys", "/internal/audit", "/internal/catalog", "/internal/events", "/internal/orders"}
	helpers = []string{"/internal/access", "/internal/auth", "/internal/config", "/internal/emails", "/internal/temporalconn", "/internal/tracectx"}
	pgx     = "github.com/jackc/pgx"
)

// The rules of docs/architecture.md: cmd wires everything; api calls the domain
// packages; workflows use activities; activities use db; the domain imports
// none of them; pgx stays in db.
var rules = []rule{
	{[]string{"/internal"}, []string{"/api", "/workflows", "/activities", "/cmd"},
		"internal/ holds the domain and leaf helpers: they are used by api, workflows and activities, never the reverse"},
	{[]string{"/api"}, []string{"/db", "/workflows", "/activities", "/cmd", pgx, "go.temporal.io"},
		"handlers call the domain packages through interfaces they declare"},
	{[]string{"/workflows"}, []string{"/db", "/api", "/cmd", "/workflowclient", pgx, "net/http",
		"go.temporal.io/sdk/client", "go.temporal.io/sdk/interceptor", "go.temporal.io/api/operatorservice", "go.opentelemetry.io"},
		"workflows holds only workflow code: deterministic, no database, no HTTP; reaching Temporal from outside is workflowclient's"},
	{[]string{"/workflowclient"}, []string{"/db", "/api", "/cmd", "/activities", pgx},
		"the workflows' client talks to Temporal only"},
	{[]string{"/api", "/activities", "/internal", "/workflows", "/db"}, []string{"/workflowclient"},
		"only cmd plugs the workflows' client in"},
	{[]string{"/activities"}, []string{"/api", "/workflows", "/cmd"},
		"activities are used by workflows, not the reverse"},
	{domain, []string{"go.temporal.io", "net/http", "github.com/danielgtaylor/huma", pgx},
		"the domain knows neither Temporal nor HTTP, and reaches the database through db"},
	{helpers, append([]string{"/db", "/migrations"}, domain...),
		"leaf helpers import no domain"},
	{[]string{"/db"}, []string{"/internal", "/api", "/workflows", "/activities", "/cmd", "/migrations"},
		"db is the bottom layer"},
}

type pkg struct {
	ImportPath string
	Imports    []string
}

func packages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			t.Fatalf("go list: %v\n%s", err, exitErr.Stderr)
		}
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var all []pkg
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		all = append(all, p)
	}
	return all
}

// under reports whether path is prefix or below it; a prefix starting with
// "/" is a folder of the module.
func under(path, prefix string) bool {
	if strings.HasPrefix(prefix, "/") {
		prefix = module + prefix
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func TestImportsPointOneWay(t *testing.T) {
	all := packages(t)
	if len(all) < 10 {
		t.Fatalf("go list found only %d packages", len(all))
	}
	for _, p := range all {
		for _, r := range rules {
			if !anyUnder(p.ImportPath, r.from) {
				continue
			}
			for _, imp := range p.Imports {
				for _, f := range r.forbid {
					if under(imp, f) {
						t.Errorf("%s imports %s: %s", p.ImportPath, imp, r.why)
					}
				}
			}
		}
	}
}

func anyUnder(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if under(path, p) {
			return true
		}
	}
	return false
}

// TestTheRulesCatchAViolation keeps the check honest: a made-up package
// breaking each rule is reported.
func TestTheRulesCatchAViolation(t *testing.T) {
	cases := []struct{ from, imp string }{
		{module + "/internal/orders", module + "/workflows"},
		{module + "/api", pgx + "/v5"},
		{module + "/api", module + "/db"},
		{module + "/workflows", module + "/db"},
		{module + "/workflows", "net/http"},
		{module + "/workflows", "go.temporal.io/sdk/client"},
		{module + "/api", module + "/workflowclient"},
		{module + "/workflowclient", module + "/db"},
		{module + "/internal/orders", "go.temporal.io/sdk/client"},
		{module + "/activities", module + "/workflows"},
		{module + "/internal/config", module + "/internal/orders"},
		{module + "/db", module + "/internal/orders"},
	}
	for _, c := range cases {
		caught := false
		for _, r := range rules {
			if !anyUnder(c.from, r.from) {
				continue
			}
			for _, f := range r.forbid {
				caught = caught || under(c.imp, f)
			}
		}
		if !caught {
			t.Errorf("%s importing %s is not caught", c.from, c.imp)
		}
	}
}
