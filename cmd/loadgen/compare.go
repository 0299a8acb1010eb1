package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const compareUsage = `loadgen compare prints two builds' figures side by side: the median of
each over its rounds, and the median of the per-round ratios B/A (a round
of each build ran next to the other's, so a pair saw the same machine).
make bench-compare runs both builds in alternating rounds and calls it.

  loadgen compare -a 'ref-*.json' -b 'head-*.json' -names abc1234,HEAD

Flags:
`

// runCompare is loadgen's compare command.
func runCompare(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("loadgen compare", compareUsage, stderr)
	a := fs.String("a", "", "the first build's -json files, one per round (a glob)")
	b := fs.String("b", "", "the second build's, in the same order of rounds")
	names := fs.String("names", "A,B", "the two builds' names")
	if err := fs.Parse(args); err != nil {
		return err
	}
	nameA, nameB, ok := strings.Cut(*names, ",")
	if *a == "" || *b == "" || !ok {
		return errors.New("compare needs -a, -b and -names A,B")
	}
	ra, err := loadRounds(*a)
	if err != nil {
		return err
	}
	rb, err := loadRounds(*b)
	if err != nil {
		return err
	}
	printComparison(stdout, nameA, nameB, ra, rb)
	return nil
}

// rounds are one build's figures, by key, one value per round; and each
// platform/baseline ratio of loadgen's, by label, likewise.
type rounds struct {
	n       int
	order   []string
	label   map[string]figure
	figures map[string][]float64
	ratios  map[string][]float64
	ratioOf []string
}

// loadRounds reads the -json files the glob names, in name order.
func loadRounds(glob string) (rounds, error) {
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		return rounds{}, fmt.Errorf("no files match %q", glob)
	}
	slices.Sort(files)
	r := rounds{label: map[string]figure{}, figures: map[string][]float64{}, ratios: map[string][]float64{}}
	for _, f := range files {
		var doc struct {
			Runs []struct {
				Figures []figure `json:"figures"`
			} `json:"runs"`
			Ratios map[string][]float64 `json:"ratios"`
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			return r, err
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return r, fmt.Errorf("%s: %w", f, err)
		}
		r.n++
		for _, run := range doc.Runs {
			for _, fig := range run.Figures {
				if _, seen := r.label[fig.Key]; !seen {
					r.order = append(r.order, fig.Key)
					r.label[fig.Key] = fig
				}
				r.figures[fig.Key] = append(r.figures[fig.Key], fig.Value)
			}
		}
		for _, l := range sortedKeys(doc.Ratios) {
			if _, seen := r.ratios[l]; !seen {
				r.ratioOf = append(r.ratioOf, l)
			}
			r.ratios[l] = append(r.ratios[l], median(doc.Ratios[l]))
		}
	}
	return r, nil
}

func sortedKeys(m map[string][]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// pairedRatio is the median of b[i]/a[i] when both builds have a value in
// every round, else the ratio of the medians.
func pairedRatio(a, b []float64) float64 {
	if len(a) == len(b) {
		var rs []float64
		for i := range a {
			if a[i] != 0 {
				rs = append(rs, b[i]/a[i])
			}
		}
		if len(rs) == len(a) {
			return median(rs)
		}
	}
	if m := median(a); m != 0 {
		return median(b) / m
	}
	return 0
}

func printComparison(w io.Writer, nameA, nameB string, a, b rounds) {
	fmt.Fprintf(w, "\n== %s vs %s: %d and %d round(s), alternating ==\n", nameB, nameA, b.n, a.n)
	fmt.Fprintf(w, "%-56s %12s %12s %9s  %s\n", "figure (median of rounds)", nameA, nameB, "B/A", "unit")
	for _, key := range a.order {
		vb, ok := b.figures[key]
		if !ok {
			continue
		}
		va, f := a.figures[key], a.label[key]
		run, _, _ := strings.Cut(key, ".") // the workload or baseline: labels repeat across them
		fmt.Fprintf(w, "%-56s %12.2f %12.2f %9.2f  %s\n", truncate(run+": "+f.Label, 56), median(va), median(vb), pairedRatio(va, vb), f.Unit)
	}
	fmt.Fprintf(w, "\n%-56s %12s %12s %9s\n", "platform / its baseline (same round)", nameA, nameB, "B/A")
	for _, l := range a.ratioOf {
		vb, ok := b.ratios[l]
		if !ok {
			continue
		}
		va := a.ratios[l]
		fmt.Fprintf(w, "%-56s %12.2f %12.2f %9.2f\n", truncate(l, 56), median(va), median(vb), pairedRatio(va, vb))
	}
}
