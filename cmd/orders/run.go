package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/acme/orders/internal/config"
	"github.com/acme/orders/internal/telemetry"
)

const usage = `orders: the order platform.

Usage:
  orders <command> [flags]

Commands:
  api        serve the HTTP API
  worker     run the Temporal worker (workflows and activities)
  migrate    apply or roll back database migrations (up | down N | version | force V)
  dev        migrate, then run the API and the worker in one process (local work)
  seed       add a demo catalog with stock (safe to run again)
  openapi    print the OpenAPI document
  createsuperuser EMAIL   create (or promote) a superuser; the password is read
             from standard input, e.g. echo "$PW" | orders createsuperuser a@b.c
  register-search-attributes   add the order search attributes to the Temporal
             namespace (once per namespace; the worker needs them)
  schedules apply   create or update the Temporal Schedules of the jobs on a
             clock (reconciliation, daily-summary, clean-up)
  healthcheck URL   exit 0 when URL answers 2xx (the image's healthchecks)

Every command reads its configuration from the environment and an optional
.env file (see .env.example). Run "orders <command> --help" for its flags.
`

// command is one subcommand: its flags are parsed before run is called.
type command struct {
	summary  string
	args     string // positional arguments, for the help text
	noConfig bool   // runs without the configuration (no database, no secrets)
	// service names a long-running process (orders-api, ...): it gets
	// tracing and metrics; the others record none.
	service string
	run     func(ctx context.Context, env env, args []string) error
}

// env is what every command gets: the loaded configuration and its streams.
type env struct {
	cfg    config.Config
	logger *slog.Logger
	tel    *telemetry.Telemetry
	stdin  io.Reader
	stdout io.Writer
}

var commands = map[string]command{
	"api":     {summary: "Serve the HTTP API until SIGINT or SIGTERM, then drain in-flight requests.", service: "orders-api", run: runAPI},
	"worker":  {summary: "Run the Temporal worker on TEMPORAL_TASK_QUEUE until SIGINT or SIGTERM.", service: "orders-worker", run: runWorker},
	"migrate": {summary: "Apply (up), roll back (down N) or show (version) the database migrations; force V clears a dirty state after a manual fix.", args: "up | down N | version | force V", run: runMigrate},
	"dev":     {summary: "Migrate up, then run the API and the worker in one process.", service: "orders-dev", run: runDev},
	"seed":    {summary: "Add the demo catalog (idempotent: products by SKU, stock only when new).", run: runSeed},
	"openapi": {summary: "Print the OpenAPI document (JSON), e.g. to generate a client or lint it.", noConfig: true, run: runOpenAPI},
	"createsuperuser": {summary: "Create a superuser, or make an existing user one and set its password.\nThe password is the first line of standard input.",
		args: "EMAIL", run: runCreateSuperuser},
	"healthcheck": {summary: "GET URL and exit 0 when it answers 2xx within 5s (the image has no curl).", args: "URL",
		noConfig: true, run: runHealthcheck},
	"schedules":                  {summary: "apply: create or update the Temporal Schedules of the jobs on a clock (reconciliation,\ndaily-summary, clean-up) from the configuration, and remove the legacy ones. Safe to run again;\na schedule an operator paused stays paused.", args: "apply", run: runSchedules},
	"register-search-attributes": {summary: "Add the order search attributes (OrderStatus, CustomerEmail, ...) to TEMPORAL_NAMESPACE;\nthe worker refuses to start without them. Safe to run again.", run: runRegisterSearchAttributes},
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) < 2 || args[1] == "-h" || args[1] == "--help" || args[1] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) < 2 {
			return errors.New("no command given")
		}
		return nil
	}
	name := args[1]
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprint(stdout, usage)
		return fmt.Errorf("unknown command %q", name)
	}

	fs := flag.NewFlagSet("orders "+name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: orders %s %s\n\n%s\n", name, cmd.args, cmd.summary)
		fmt.Fprintf(stdout, "\nConfiguration comes from the environment and .env; see .env.example.\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}

	if cmd.noConfig {
		return cmd.run(ctx, env{stdin: stdin, stdout: stdout}, fs.Args())
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	logger := newLogger(cfg, stdout)
	slog.SetDefault(logger)
	for _, setting := range cfg.Settings() { // LOG_LEVEL=debug shows them, one per line
		logger.Debug("setting", setting)
	}
	tel := telemetry.Disabled()
	if cmd.service != "" {
		if tel, err = telemetry.Setup(ctx, cfg.Telemetry, cmd.service); err != nil {
			return err
		}
		defer func() {
			flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := tel.Shutdown(flushCtx); err != nil {
				logger.Warn("telemetry not flushed", "error", err)
			}
		}()
	}
	return cmd.run(ctx, env{cfg: cfg, logger: logger, tel: tel, stdin: stdin, stdout: stdout}, fs.Args())
}

// newLogger writes JSON or text lines; each line logged with a context
// carries its trace and request IDs.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.Log.Level}
	if cfg.Log.Format == "json" {
		return slog.New(telemetry.LogHandler(slog.NewJSONHandler(w, opts)))
	}
	return slog.New(telemetry.LogHandler(slog.NewTextHandler(w, opts)))
}
