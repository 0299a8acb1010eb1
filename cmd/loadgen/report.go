package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// report gathers every run's figures and prints them over the rounds, with
// the platform's figures as ratios of their baselines from the same round.
type report struct {
	o       options
	order   []string             // figure keys, as first seen
	label   map[string]figure    // a figure's label and unit
	values  map[string][]float64 // by key, one per round
	byRound map[int]map[string]float64
	runs    []*result
}

func newReport(o options) *report {
	return &report{o: o, label: map[string]figure{}, values: map[string][]float64{}, byRound: map[int]map[string]float64{}}
}

func (rep *report) add(r *result) {
	rep.runs = append(rep.runs, r)
	if rep.byRound[r.round] == nil {
		rep.byRound[r.round] = map[string]float64{}
	}
	for _, f := range r.figures {
		if _, seen := rep.label[f.Key]; !seen {
			rep.order = append(rep.order, f.Key)
			rep.label[f.Key] = f
		}
		rep.values[f.Key] = append(rep.values[f.Key], f.Value)
		rep.byRound[r.round][f.Key] = f.Value
	}
}

// ratio is a platform figure over its baseline, each round's own.
type ratio struct {
	label, of, over string
	goal            float64 // at least; 0 for none
}

var ratios = []ratio{
	{"POST /orders accepted / bare StartWorkflow", "place.accepted_per_s", "start.per_s", 0.7},
	{"orders confirmed / bare 3-activity workflows completed", "confirm.confirmed_per_s", "workflow.completed_per_s", 2.5},
	{"history events per order / per bare workflow", "confirm.history_events", "workflow.history_events", 0},
	{"orders confirmed, a dead and a live endpoint / none", "webhooks.confirmed_per_s", "webhooks.none_confirmed_per_s", 0.9},
	{"POST /orders accepted / bare single-row INSERT", "place.accepted_per_s", "insert.per_s", 0},
	// Where Temporal is the bottleneck (the other parts on cores of their
	// own), each rate is Temporal's CPU per unit: these are the two ratios
	// above as such a deployment would see them.
	{"Temporal CPU per bare start / per accepted order", "start.cpu_ms_per.temporal", "place.cpu_ms_per.temporal", 0},
	{"Temporal CPU per bare workflow / per confirmed order", "workflow.cpu_ms_per.temporal", "confirm.cpu_ms_per.temporal", 0},
}

// goal is a bound on a figure's median.
type goal struct {
	key    string
	atMost float64
}

var goals = []goal{
	{"confirm.history_events", 10},
	{"place.cpu_ms_per.api", 0.9},
	{"confirm.cpu_ms_per.platform", 6},
	{"rate.to_confirmed_p99_ms", 100},
	{"webhooks.commit_to_2xx_p99_ms", 1000},
	{"read.p99_ms", 8},
	{"place.rss_peak_mib.api", 100},
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (rep *report) ratioValues(r ratio) []float64 {
	var out []float64
	for round := 1; round <= rep.o.rounds; round++ {
		v, ok1 := rep.byRound[round][r.of]
		base, ok2 := rep.byRound[round][r.over]
		if ok1 && ok2 && base != 0 {
			out = append(out, v/base)
		}
	}
	return out
}

func (rep *report) print(w io.Writer) {
	if len(rep.order) == 0 {
		return // nothing measured: the chaos workloads print their own verdicts
	}
	fmt.Fprintf(w, "\n== Summary: %d round(s), %d clients, %s per run ==\n", rep.o.rounds, rep.o.clients, rep.o.duration)
	fmt.Fprintf(w, "%-56s %10s %10s %10s  %s\n", "figure", "min", "median", "max", "unit")
	for _, key := range rep.order {
		f, vs := rep.label[key], rep.values[key]
		fmt.Fprintf(w, "%-56s %10.2f %10.2f %10.2f  %s%s\n", f.Label, slices.Min(vs), median(vs), slices.Max(vs), f.Unit, rep.goalText(key))
	}
	fmt.Fprintf(w, "\n%-56s %10s %10s %10s  %s\n", "ratio (same round)", "min", "median", "max", "goal")
	for _, r := range append(ratios, rep.catalogRatios()...) {
		vs := rep.ratioValues(r)
		if len(vs) == 0 {
			continue
		}
		verdict := ""
		if r.goal > 0 {
			verdict = fmt.Sprintf(">= %.2f: %s", r.goal, met(median(vs) >= r.goal))
		}
		fmt.Fprintf(w, "%-56s %10.2f %10.2f %10.2f  %s\n", r.label, slices.Min(vs), median(vs), slices.Max(vs), verdict)
	}
}

func (rep *report) goalText(key string) string {
	for _, g := range append(goals, catalogGoal(key)...) {
		if g.key == key {
			return fmt.Sprintf("   (goal <= %g: %s)", g.atMost, met(median(rep.values[key]) <= g.atMost))
		}
	}
	return ""
}

// catalogGoal is the bound on a catalog list's p99 at the larger size:
// every list and search but old clients' skip, which reads what it skips.
func catalogGoal(key string) []goal {
	if strings.HasPrefix(key, "catalog.large.") && strings.HasSuffix(key, ".p99_ms") && !strings.Contains(key, "skip") {
		return []goal{{key, catalogP99Goal}}
	}
	return nil
}

// catalogP99Goal is the catalog lists' p99 bound, in milliseconds.
const catalogP99Goal = 20

// catalogRatios are each catalog list's p99 at the larger size over the
// same at the smaller, measured in the same round: near 1 when the list
// does not grow with the catalog.
func (rep *report) catalogRatios() []ratio {
	var out []ratio
	for _, key := range rep.order {
		if rest, ok := strings.CutPrefix(key, "catalog.large."); ok && strings.HasSuffix(key, ".p99_ms") {
			name := strings.TrimSuffix(rest, ".p99_ms")
			out = append(out, ratio{label: "catalog p99 large/small: " + name, of: key, over: "catalog.small." + rest})
		}
	}
	return out
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// writeJSON writes every run's figures and the ratios.
func (rep *report) writeJSON(path string) error {
	type run struct {
		Name    string                    `json:"name"`
		Round   int                       `json:"round"`
		Seconds float64                   `json:"seconds"`
		Figures []figure                  `json:"figures"`
		Ops     map[string]latencySummary `json:"ops"`
		Errors  map[string]map[int]int    `json:"errors"`
	}
	out := struct {
		Clients  int                  `json:"clients"`
		Duration string               `json:"duration"`
		Runs     []run                `json:"runs"`
		Ratios   map[string][]float64 `json:"ratios"`
	}{Clients: rep.o.clients, Duration: rep.o.duration.String(), Ratios: map[string][]float64{}}
	for _, r := range rep.runs {
		x := run{Name: r.name, Round: r.round, Seconds: r.elapsed.Seconds(), Figures: r.figures, Ops: map[string]latencySummary{}, Errors: map[string]map[int]int{}}
		for name, s := range r.ops {
			x.Ops[name] = summarize(s.latencies)
			if len(s.errors) > 0 {
				x.Errors[name] = s.errors
			}
		}
		out.Runs = append(out.Runs, x)
	}
	for _, r := range append(ratios, rep.catalogRatios()...) {
		if vs := rep.ratioValues(r); len(vs) > 0 {
			out.Ratios[r.label] = vs
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
