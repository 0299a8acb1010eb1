package orders

import (
	"fmt"
	"strings"
)

// LifecycleDoc is the lifecycle table as docs/architecture.md shows it: a
// state diagram (Mermaid) and, per action, who may ask, from where it
// leads where, and the refusal otherwise. A test keeps the document equal
// to it (`make docs` rewrites it).
func LifecycleDoc() string {
	var b strings.Builder
	b.WriteString("```mermaid\nstateDiagram-v2\n    [*] --> pending: placed\n")
	for _, e := range edges {
		fmt.Fprintf(&b, "    %s --> %s: %s\n", e.from, e.to, e.action)
	}
	for _, s := range Statuses() {
		if s.Terminal() {
			fmt.Fprintf(&b, "    %s --> [*]\n", s)
		}
	}
	b.WriteString("```\n\n| action | who may ask | allowed from → leads to | refused otherwise with |\n| --- | --- | --- | --- |\n")
	for _, a := range actions {
		var moves []string
		for _, e := range edges {
			if e.action == a.action {
				moves = append(moves, fmt.Sprintf("%s → %s", e.from, e.to))
			}
		}
		by := make([]string, len(a.by))
		for i, p := range a.by {
			by[i] = string(p)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | order is *status*; %s |\n", a.action, strings.Join(by, ", "), strings.Join(moves, "<br>"), a.only)
	}
	fmt.Fprintf(&b, "\nIn a terminal status every action is refused with \"%s\". An order takes one asked action at a time: "+
		"while one runs, another is refused with \"%s\".\n", lifecycleOver("*status*"), Busy("*action*"))
	return b.String()
}
