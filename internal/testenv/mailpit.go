package testenv

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Mailpit is a real SMTP server with an HTTP API to read what it received,
// started from bin/mailpit: one test's own (which may stop and start it), or
// a package's shared one (SharedMailpit).
type Mailpit struct {
	bin      string
	dir      string // its database
	SMTPPort int
	httpPort int
	cmd      *exec.Cmd
}

// StartMailpit starts a Mailpit for this test alone, on free loopback ports;
// it stops when the test ends.
func StartMailpit(t testing.TB) *Mailpit {
	t.Helper()
	Integration(t)
	m, err := newMailpit()
	if err != nil {
		t.Fatal(err)
	}
	m.Start(t)
	t.Cleanup(m.stop)
	return m
}

func newMailpit() (*Mailpit, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(root, "bin", "mailpit")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("testenv: Mailpit not found at %s: run `make tools` first", bin)
	}
	smtpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	httpPort, err := freePort()
	if err != nil {
		return nil, err
	}
	return &Mailpit{bin: bin, SMTPPort: smtpPort, httpPort: httpPort}, nil
}

// Start (re)starts the server on the same ports, e.g. after Stop.
func (m *Mailpit) Start(t testing.TB) {
	t.Helper()
	if err := m.start(); err != nil {
		t.Fatal(err)
	}
}

func (m *Mailpit) start() error {
	if m.dir == "" {
		dir, err := os.MkdirTemp("", "mailpit-")
		if err != nil {
			return err
		}
		m.dir = dir
	}
	m.cmd = exec.Command(m.bin,
		"--smtp", fmt.Sprintf("127.0.0.1:%d", m.SMTPPort),
		"--listen", fmt.Sprintf("127.0.0.1:%d", m.httpPort),
		"--database", filepath.Join(m.dir, "mailpit.db"),
		"--smtp-disable-rdns", "--quiet")
	if err := m.cmd.Start(); err != nil {
		return fmt.Errorf("testenv: start Mailpit: %w", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(m.api("/api/v1/info"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("testenv: Mailpit did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends the server: SMTP connections are refused until Start. Its
// messages are kept.
func (m *Mailpit) Stop() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	_ = m.cmd.Wait()
	m.cmd = nil
}

func (m *Mailpit) stop() {
	m.Stop()
	if m.dir != "" {
		_ = os.RemoveAll(m.dir)
	}
}

func (m *Mailpit) api(path string) string {
	return fmt.Sprintf("http://127.0.0.1:%d%s", m.httpPort, path)
}

// Message is a received e-mail.
type Message struct {
	ID      string
	Subject string
	Text    string
	HTML    string
	Headers map[string][]string
}

// WaitForMessage waits for the first e-mail to `to` whose subject contains
// subject, and returns it with its bodies.
func (m *Mailpit) WaitForMessage(t testing.TB, to, subject string, limit time.Duration) Message {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if msg, ok := m.find(t, to, subject); ok {
			return msg
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: no e-mail to %s with subject %q within %s", to, subject, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Count is how many e-mails to `to` arrived.
func (m *Mailpit) Count(t testing.TB, to string) int {
	t.Helper()
	return len(m.search(t, to))
}

type summary struct {
	ID      string
	Subject string
	To      []struct{ Address string }
}

// search lists the e-mails to exactly `to` (Mailpit's own search matches
// parts of addresses too).
func (m *Mailpit) search(t testing.TB, to string) []summary {
	t.Helper()
	var list struct {
		Messages []summary `json:"messages"`
	}
	m.getJSON(t, "/api/v1/search?query="+url.QueryEscape("to:"+to), &list)
	var out []summary
	for _, s := range list.Messages {
		for _, r := range s.To {
			if strings.EqualFold(r.Address, to) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

func (m *Mailpit) find(t testing.TB, to, subject string) (Message, bool) {
	t.Helper()
	for _, s := range m.search(t, to) {
		if strings.Contains(s.Subject, subject) {
			var msg Message
			m.getJSON(t, "/api/v1/message/"+s.ID, &msg)
			var headers map[string][]string
			m.getJSON(t, "/api/v1/message/"+s.ID+"/headers", &headers)
			msg.Headers = headers
			return msg, true
		}
	}
	return Message{}, false
}

func (m *Mailpit) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(m.api(path))
	if err != nil {
		t.Fatalf("testenv: Mailpit API: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("testenv: Mailpit API %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("testenv: Mailpit API %s: %v", path, err)
	}
}
