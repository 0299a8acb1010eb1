package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// runHealthcheck GETs one URL and fails unless it answers 2xx within 5
// seconds: the image has no shell or curl, so compose and Swarm
// healthchecks run `orders healthcheck http://localhost:8000/api/v1/utils/ready`.
func runHealthcheck(ctx context.Context, e env, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: orders healthcheck URL")
	}
	u, err := url.Parse(args[0])
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("healthcheck: %q is not an http(s) URL", args[0])
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("healthcheck: %s answered %s", u, resp.Status)
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", u, resp.Status)
	return nil
}
