package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/audit"
)

// runCreateSuperuser creates the account, or promotes an existing one and sets
// its password, so it also recovers a lost superuser password.
func runCreateSuperuser(ctx context.Context, e env, args []string) error {
	if len(args) != 1 || !strings.Contains(args[0], "@") {
		return errors.New("createsuperuser needs one e-mail address, e.g. createsuperuser admin@example.com")
	}
	email := args[0]
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	if err := accounts.CheckPassword(password); err != nil {
		return err
	}
	pool, store, err := openDatabase(ctx, e.cfg.Database, 2, e.tel)
	if err != nil {
		return err
	}
	defer pool.Close()
	users := accounts.NewService(accounts.NewStore(store), nil, accountsOptions(e.cfg), e.logger)
	admin, was, err := users.MakeSuperuser(ctx, email, password)
	if err != nil {
		return fmt.Errorf("createsuperuser: %w", err)
	}
	// A role change, made on the command line: the audit log has it too.
	if err := audit.NewLog(store).Record(ctx, audit.Record{
		ActorType: audit.ActorCLI, Actor: "orders createsuperuser", Action: "createsuperuser",
		TargetType: "user", TargetID: admin.ID.String(),
		Detail: map[string]any{"role": map[string]any{"from": was, "to": admin.Role}},
	}); err != nil {
		e.logger.ErrorContext(ctx, "audit log: record not written", "action", "createsuperuser", "error", err)
	}
	fmt.Fprintf(e.stdout, "superuser %s is ready (role admin)\n", email)
	return nil
}

func readPassword(e env) (string, error) {
	if e.stdin == nil {
		return "", errors.New("createsuperuser reads the password from standard input")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("createsuperuser: no password on standard input (%v)", err)
	}
	return line, nil
}
