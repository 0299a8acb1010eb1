package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/testenv"
)

// TestMetrics runs `orders dev`, places, cancels and fails orders over HTTP,
// and reads /metrics: the request, database pool, order and Temporal SDK
// series are there, and the counters moved as the orders did.
func TestMetrics(t *testing.T) {
	temporal := testenv.StartTemporal(t)
	base, token := startDev(t, temporal, "orders-metrics")
	metricsURL := strings.TrimSuffix(base, "/api/v1") + "/metrics"

	var product struct{ ID string }
	call(t, http.MethodPost, base+"/products/", token, `{"sku":"MUG","name":"Mug","price_cents":1290,"currency":"EUR","initial_stock":5}`, http.StatusCreated, &product)
	placeOrder := func(qty int, payment string) string {
		var o struct{ ID string }
		call(t, http.MethodPost, base+"/orders/", token, fmt.Sprintf(`{"lines":[{"product_id":%q,"quantity":%d}],
			"shipping_address":{"name":"A","line1":"1 Main St","city":"Berlin","postal_code":"10115","country":"DE"},
			"payment_token":%q}`, product.ID, qty, payment), http.StatusCreated, &o)
		return o.ID
	}
	waitFor := func(id, status string) {
		deadline := time.Now().Add(30 * time.Second)
		for {
			var o struct{ Status string }
			call(t, http.MethodGet, base+"/orders/"+id, token, "", http.StatusOK, &o)
			if o.Status == status {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("order %s is %s, not %s", id, o.Status, status)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	cancelled := placeOrder(1, "tok_approve")
	waitFor(cancelled, "confirmed")
	call(t, http.MethodPost, base+"/orders/"+cancelled+"/cancel", token, `{}`, http.StatusOK, nil)
	declined := placeOrder(1, "tok_decline")
	refused := placeOrder(50, "tok_approve")
	waitFor(declined, "failed")
	waitFor(refused, "failed")

	// The compensation is counted as the workflow records it; give the
	// cancel's last step a moment to reach the metrics.
	var m string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		m = scrape(t, metricsURL)
		if value(m, `orders_compensations_total`) >= 1 || time.Now().After(deadline) {
			break
		}
	}
	for series, want := range map[string]float64{
		`orders_placed_total`: 3,
		`orders_transitions_total{from="pending",to="confirmed"}`:   1,
		`orders_transitions_total{from="confirmed",to="cancelled"}`: 1,
		`orders_transitions_total{from="pending",to="failed"}`:      2,
		`orders_payments_declined_total`:                            1,
		`orders_stock_reservations_refused_total`:                   1,
		`orders_compensations_total`:                                1,
		`orders_outbox_backlog`:                                     0,
		`http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="201",http_route="/api/v1/orders"}`: 3,
	} {
		if got := value(m, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	for _, name := range []string{"orders_outbox_oldest_age_seconds", "pgxpool_acquired_connections", "pgxpool_max_connections",
		"db_client_operation_duration_seconds_bucket", "temporal_workflow_task_execution_latency_seconds_bucket",
		"temporal_worker_task_slots_available", "go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(m, "\n"+name) {
			t.Errorf("/metrics has no %s", name)
		}
	}
	// The Grafana dashboard charts series that exist (those counting
	// failures appear with the first one).
	dashboard, err := os.ReadFile("../../deploy/observability/grafana/dashboards/orders.json")
	if err != nil {
		t.Fatal(err)
	}
	onFailure := map[string]bool{"temporal_workflow_task_execution_failed_total": true, "temporal_local_activity_execution_failed_total": true}
	for _, name := range regexp.MustCompile(`\b(?:orders|http_server|pgxpool|temporal)_[a-z_]+`).FindAllString(string(dashboard), -1) {
		if !onFailure[name] && !strings.Contains(m, "\n"+name) {
			t.Errorf("the dashboard charts %s, which /metrics does not have", name)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", m)
	}
}

// call sends a JSON request with an Idempotency-Key and decodes the answer.
func call(t *testing.T, method, url, token, body string, want int, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", uuid.NewString())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// value is the sum of the samples of series (a name, or a name with some of
// its labels), -1 when there is none.
func value(metrics, series string) float64 {
	name, labels, _ := strings.Cut(strings.TrimSuffix(series, "}"), "{")
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `(\{[^}]*\})? (\S+)$`)
	sum, found := 0.0, false
	for _, m := range re.FindAllStringSubmatch(metrics, -1) {
		if labels != "" && !allLabels(m[1], labels) {
			continue
		}
		v, _ := strconv.ParseFloat(m[2], 64)
		sum, found = sum+v, true
	}
	if !found {
		return -1
	}
	return sum
}

func allLabels(have, want string) bool {
	for _, l := range strings.Split(want, ",") {
		if !strings.Contains(have, l) {
			return false
		}
	}
	return true
}
