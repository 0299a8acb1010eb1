package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// apiClient calls the platform's HTTP API as one user, or as an
// integrator's API key acting for one customer (customerID set).
type apiClient struct {
	base       string
	http       *http.Client
	token      string
	customerID string
}

// httpError is an answer other than the one expected.
type httpError struct {
	status int
	body   string
}

func (e *httpError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.body) }

// statusOf is the HTTP status of a failed call, 0 when none came back.
func statusOf(err error) int {
	if he, ok := err.(*httpError); ok {
		return he.status
	}
	return 0
}

func newHTTPClient(conns int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = conns*2, conns*2
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}

func (c *apiClient) as(token string) *apiClient {
	return &apiClient{base: c.base, http: c.http, token: token}
}

// do sends body as JSON (when not nil) and decodes a 2xx answer into out.
func (c *apiClient) do(ctx context.Context, method, path string, header http.Header, body, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v1"+path, r)
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.send(req, out)
}

func (c *apiClient) send(req *http.Request, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &httpError{status: resp.StatusCode, body: strings.TrimSpace(string(b))}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

// login returns a client acting as the user, waiting out rate limits.
func (c *apiClient) login(ctx context.Context, email, password string) (*apiClient, error) {
	form := url.Values{"username": {email}, "password": {password}}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/login/access-token", strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		err = c.send(req, &tok)
		if statusOf(err) == http.StatusTooManyRequests {
			if err := sleep(ctx, 2*time.Second); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("log in as %s: %w", email, err)
		}
		return c.as(tok.AccessToken), nil
	}
}

type order struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

type orderLine struct {
	ProductID string `json:"product_id"`
	Quantity  int    `json:"quantity"`
}

// placeOrder posts an order of the lines under the idempotency key.
func (c *apiClient) placeOrder(ctx context.Context, key string, lines []orderLine) (order, error) {
	body := map[string]any{
		"lines":         lines,
		"payment_token": "tok_approve",
		"shipping_address": map[string]string{
			"name": "Load Generator", "line1": "1 Bench Street", "city": "Testville", "postal_code": "12345", "country": "DE",
		},
	}
	if c.customerID != "" {
		body["customer_id"] = c.customerID
	}
	var o order
	err := c.do(ctx, http.MethodPost, "/orders/", http.Header{"Idempotency-Key": {key}}, body, &o)
	return o, err
}

func (c *apiClient) getOrder(ctx context.Context, id string) (order, error) {
	var o order
	err := c.do(ctx, http.MethodGet, "/orders/"+id, nil, nil, &o)
	return o, err
}

// listOrders lists the customer's newest orders (a key names whose).
func (c *apiClient) listOrders(ctx context.Context) error {
	path := "/orders/?limit=20"
	if c.customerID != "" {
		path += "&customer_id=" + c.customerID
	}
	return c.do(ctx, http.MethodGet, path, nil, nil, nil)
}

// createProduct adds a product with stock, priced below any approval threshold.
func (c *apiClient) createProduct(ctx context.Context, sku string, stock int64) (string, error) {
	var p struct {
		ID string `json:"id"`
	}
	err := c.do(ctx, http.MethodPost, "/products/", nil, map[string]any{
		"sku": sku, "name": "Load " + sku, "price_cents": 100, "currency": "EUR", "initial_stock": stock,
	}, &p)
	return p.ID, err
}

// createUser creates a customer and returns its ID.
func (c *apiClient) createUser(ctx context.Context, email, password string) (string, error) {
	var u struct {
		ID string `json:"id"`
	}
	err := c.do(ctx, http.MethodPost, "/users/", nil, map[string]any{"email": email, "password": password, "full_name": "Load Generator"}, &u)
	return u.ID, err
}

// keyFor creates an integrator's API key that reads and places orders, and
// returns a client that uses it for the customer.
func (c *apiClient) keyFor(ctx context.Context, name, customerID string) (*apiClient, error) {
	var k struct {
		Key string `json:"key"`
	}
	err := c.do(ctx, http.MethodPost, "/api-keys", nil, map[string]any{"name": name, "scopes": []string{"orders:read", "orders:write"}}, &k)
	if err != nil {
		return nil, fmt.Errorf("create API key: %w", err)
	}
	return &apiClient{base: c.base, http: c.http, token: k.Key, customerID: customerID}, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
