package main

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSummarizeTakesPercentilesOfAllLatencies(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	slices.Reverse(ds)
	got := summarize(ds)
	if got.N != 100 || got.P50 != 51 || got.P95 != 96 || got.P99 != 100 || got.Max != 100 {
		t.Fatalf("%+v", got)
	}
	if (summarize(nil) != latencySummary{}) {
		t.Fatal("no latencies: zero summary")
	}
}

func TestOnlyTheAllowedAnswersPassUnderChaos(t *testing.T) {
	for _, status := range []int{200, 201, 409, 429, 503} {
		if !allowed(status, false) {
			t.Errorf("%d refused", status)
		}
	}
	for _, status := range []int{0, 400, 404, 422, 500, 502, 504} {
		if allowed(status, false) {
			t.Errorf("%d allowed", status)
		}
	}
	if !allowed(0, true) {
		t.Error("no answer while the API is killed must be allowed")
	}
}

func TestCPUAndMemoryAreReadFromProc(t *testing.T) {
	deadline := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(deadline) { // burn a little CPU
	}
	cpu, err := cpuSeconds(os.Getpid())
	if err != nil || cpu <= 0 {
		t.Fatalf("cpu %v, %v", cpu, err)
	}
	rss, peak, err := memoryMiB(os.Getpid())
	if err != nil || rss <= 0 || peak < rss {
		t.Fatalf("rss %v peak %v, %v", rss, peak, err)
	}
	if _, err := parsePIDs("api=12,worker"); err == nil {
		t.Fatal("a role without a pid must be refused")
	}
}

func TestEachWorkloadRunsNextToItsBaseline(t *testing.T) {
	got := interleave([]string{"place", "confirm", "read"}, []string{"insert", "start", "workflow"})
	want := []string{"workload place", "baseline start", "workload confirm", "baseline workflow", "workload read", "baseline insert"}
	if !slices.Equal(got, want) {
		t.Fatalf("%v", got)
	}
}

func TestRatiosAreTakenRoundByRound(t *testing.T) {
	rep := newReport(options{rounds: 2, clients: 16, duration: time.Second})
	for round, v := range [][2]float64{{80, 100}, {45, 50}} {
		rep.add(&result{round: round + 1, figures: []figure{{Key: "place.accepted_per_s", Label: "POST", Value: v[0]}}})
		rep.add(&result{round: round + 1, figures: []figure{{Key: "start.per_s", Label: "start", Value: v[1]}}})
	}
	got := rep.ratioValues(ratios[0])
	if !slices.Equal(got, []float64{0.8, 0.9}) {
		t.Fatalf("ratios %v", got)
	}
	var out bytes.Buffer
	rep.print(&out)
	if !strings.Contains(out.String(), ">= 0.70: met") {
		t.Fatalf("summary:\n%s", out.String())
	}
}

func TestStatusOfTellsAnswersFromNone(t *testing.T) {
	if statusOf(&httpError{status: http.StatusServiceUnavailable}) != 503 || statusOf(errors.New("connection refused")) != 0 {
		t.Fatal("statusOf")
	}
}

// TestCompareTakesTheMedianOfEachRoundsRatio: two builds' -json files, one
// per round, give each figure's median per build and the median of the
// per-round ratios (here 2.0, 1.0, 1.5: 1.5, where the medians' ratio
// would read 200/150 = 1.33).
func TestCompareTakesTheMedianOfEachRoundsRatio(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, perS, ratio float64) {
		rep := newReport(options{rounds: 1})
		rep.add(&result{round: 1, figures: []figure{
			{Key: "place.accepted_per_s", Label: "POST /orders accepted", Unit: "/s", Value: perS},
			{Key: "start.per_s", Label: "bare StartWorkflow", Unit: "/s", Value: perS / ratio},
		}})
		if err := rep.writeJSON(dir + "/" + name); err != nil {
			t.Fatal(err)
		}
	}
	write("a-1.json", 100, 0.5)
	write("a-2.json", 200, 0.5)
	write("a-3.json", 150, 0.5)
	write("b-1.json", 200, 0.75)
	write("b-2.json", 200, 0.75)
	write("b-3.json", 225, 0.75)
	var out bytes.Buffer
	if err := run(t.Context(), []string{"compare", "-a", dir + "/a-*.json", "-b", dir + "/b-*.json", "-names", "old,new"}, os.Getenv, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"place: POST /orders accepted                                   150.00       200.00      1.50  /s",
		"POST /orders accepted / bare StartWorkflow                       0.50         0.75      1.50",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no line %q in:\n%s", want, out.String())
		}
	}
}

// TestPostsDuringAFaultAreThoseSentWhileItLasted: the chaos report's POSTs
// "while the fault lasted" are those sent between a begin and its end.
func TestPostsDuringAFaultAreThoseSentWhileItLasted(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	faults := t.TempDir() + "/faults"
	if err := os.WriteFile(faults, []byte("begin 1700000010.5\nend 1700000030\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var tally chaosTally
	for _, p := range []struct{ at, took int }{{5, 900}, {10, 800}, {11, 3}, {20, 5}, {29, 7}, {30, 600}} {
		tally.posted(t0.Add(time.Duration(p.at)*time.Second), time.Duration(p.took)*time.Millisecond)
	}
	got, ok, err := tally.duringFaults(faults)
	if err != nil || !ok || got.N != 3 || got.Max != 7 {
		t.Fatalf("%+v %v %v: want the 3 sent at 11, 20 and 29 s", got, ok, err)
	}
	if _, ok, err := tally.duringFaults(t.TempDir() + "/none"); ok || err != nil {
		t.Fatalf("no record: %v %v", ok, err)
	}
}
