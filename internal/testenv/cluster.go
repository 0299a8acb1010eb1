package testenv

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/acme/orders/migrations"
)

// Cluster is a PostgreSQL server of the calling test's own (initdb into a
// temporary folder, on a free port), for tests that stop or freeze the
// database. The shared server is never touched. As root, the server runs
// as the postgres user, which initdb requires.
type Cluster struct {
	dir  string
	port int
	cmd  *exec.Cmd
	url  string
}

// StartCluster initialises and starts a private server with one migrated
// database, orders; it is stopped and removed when the test ends.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	Integration(t)
	bin, err := postgresBin()
	if err != nil {
		t.Skipf("no PostgreSQL server binaries: %v", err)
	}
	dir, err := os.MkdirTemp("", "orders-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := chownToPostgres(dir); err != nil {
		t.Fatal(err)
	}
	c := &Cluster{dir: dir, port: FreePort(t)}
	c.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/orders?sslmode=disable", c.port)
	data := filepath.Join(dir, "data")
	initdb, err := asPostgres(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--no-sync")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.Start(t)
	t.Cleanup(func() { c.Stop(t) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.exec(ctx, "CREATE DATABASE orders"); err != nil {
		t.Fatal(err)
	}
	if err := migrations.Up(c.url); err != nil {
		t.Fatalf("migrate the private cluster: %v", err)
	}
	return c
}

// URL is the migrated database's.
func (c *Cluster) URL() string { return c.url }

// Start runs the server (again) and waits until it accepts connections.
func (c *Cluster) Start(t testing.TB) {
	t.Helper()
	bin, _ := postgresBin()
	cmd, err := asPostgres(filepath.Join(bin, "postgres"), "-D", filepath.Join(c.dir, "data"), "-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+c.dir, "-c", "fsync=off")
	if err != nil {
		t.Fatal(err)
	}
	c.cmd = cmd
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.exec(ctx, "SELECT 1")
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("private postgres did not start: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop shuts the server down (fast: connections are cut) and waits for it.
func (c *Cluster) Stop(t testing.TB) {
	t.Helper()
	if c.cmd == nil {
		return
	}
	c.Thaw(t)
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		c.signal(t, syscall.SIGKILL)
		<-done
	}
	c.cmd = nil
}

// Freeze stops every process of the server (SIGSTOP): connections stay
// open and nothing answers, as when a host hangs.
func (c *Cluster) Freeze(t testing.TB) { c.signal(t, syscall.SIGSTOP) }

// Thaw lets a frozen server run again.
func (c *Cluster) Thaw(t testing.TB) { c.signal(t, syscall.SIGCONT) }

// signal sends sig to the server and each of its children. They are not one
// process group: every backend makes itself a session of its own.
func (c *Cluster) signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if c.cmd == nil {
		return
	}
	pids := append([]int{c.cmd.Process.Pid}, children(c.cmd.Process.Pid)...)
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Fatalf("signal %v to %d: %v", sig, pid, err)
		}
	}
}

// children are the processes whose parent is pid, from /proc.
func children(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []int
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
		fields := strings.Fields(rest)
		if len(fields) < 2 || fields[1] != strconv.Itoa(pid) {
			continue
		}
		if child, err := strconv.Atoi(filepath.Base(filepath.Dir(path))); err == nil {
			out = append(out, child)
		}
	}
	return out
}

// exec runs one statement on the server's maintenance database.
func (c *Cluster) exec(ctx context.Context, sql string) error {
	admin, _ := url.Parse(c.url)
	admin.Path = "/postgres"
	return execOn(ctx, admin.String(), sql)
}

// postgresBin is the folder of Debian's server binaries (initdb, postgres).
func postgresBin() (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		path, err := exec.LookPath("initdb")
		if err != nil {
			return "", err
		}
		return filepath.Dir(path), nil
	}
	return filepath.Dir(matches[len(matches)-1]), nil
}

// asPostgres is a server binary's command, run as the postgres user when we
// are root (initdb and postgres refuse to run as root).
func asPostgres(name string, args ...string) (*exec.Cmd, error) {
	cmd := exec.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	if os.Geteuid() != 0 {
		return cmd, nil
	}
	uid, gid, err := postgresUser()
	if err != nil {
		return nil, err
	}
	cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uid, Gid: gid}
	return cmd, nil
}

func chownToPostgres(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	uid, gid, err := postgresUser()
	if err != nil {
		return err
	}
	return os.Chown(dir, int(uid), int(gid))
}

func postgresUser() (uid, gid uint32, err error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return 0, 0, err
	}
	id, _ := strconv.ParseUint(u.Uid, 10, 32)
	g, _ := strconv.ParseUint(u.Gid, 10, 32)
	return uint32(id), uint32(g), nil
}
