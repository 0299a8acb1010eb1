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
// started from bin/mailpit for one test.
type Mailpit struct {
	t        testing.TB
	bin      string
	SMTPPort int
	httpPort int
	cmd      *exec.Cmd
}

// StartMailpit starts Mailpit on free loopback ports; it stops when the test ends.
func StartMailpit(t testing.TB) *Mailpit {
	t.Helper()
	bin := filepath.Join(RepoRoot(t), "bin", "mailpit")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("testenv: Mailpit not found at %s: run `make tools` first", bin)
	}
	m := &Mailpit{t: t, bin: bin, SMTPPort: FreePort(t), httpPort: FreePort(t)}
	m.Start()
	t.Cleanup(m.Stop)
	return m
}

// Start (re)starts the server on the same ports, e.g. after Stop.
func (m *Mailpit) Start() {
	m.t.Helper()
	m.cmd = exec.Command(m.bin,
		"--smtp", fmt.Sprintf("127.0.0.1:%d", m.SMTPPort),
		"--listen", fmt.Sprintf("127.0.0.1:%d", m.httpPort),
		"--database", filepath.Join(m.t.TempDir(), "mailpit.db"),
		"--smtp-disable-rdns", "--quiet")
	if err := m.cmd.Start(); err != nil {
		m.t.Fatalf("testenv: start Mailpit: %v", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(m.api("/api/v1/info"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("testenv: Mailpit did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends the server: SMTP connections are refused until Start.
func (m *Mailpit) Stop() {
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	_ = m.cmd.Wait()
	m.cmd = nil
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
func (m *Mailpit) WaitForMessage(to, subject string, limit time.Duration) Message {
	m.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if msg, ok := m.find(to, subject); ok {
			return msg
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("testenv: no e-mail to %s with subject %q within %s", to, subject, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Count is how many e-mails to `to` arrived.
func (m *Mailpit) Count(to string) int {
	m.t.Helper()
	var list struct {
		MessagesCount int `json:"messages_count"`
	}
	m.getJSON("/api/v1/search?query="+url.QueryEscape("to:"+to), &list)
	return list.MessagesCount
}

func (m *Mailpit) find(to, subject string) (Message, bool) {
	var list struct {
		Messages []struct {
			ID      string
			Subject string
		} `json:"messages"`
	}
	m.getJSON("/api/v1/search?query="+url.QueryEscape("to:"+to), &list)
	for _, s := range list.Messages {
		if strings.Contains(s.Subject, subject) {
			var msg Message
			m.getJSON("/api/v1/message/"+s.ID, &msg)
			var headers map[string][]string
			m.getJSON("/api/v1/message/"+s.ID+"/headers", &headers)
			msg.Headers = headers
			return msg, true
		}
	}
	return Message{}, false
}

func (m *Mailpit) getJSON(path string, v any) {
	m.t.Helper()
	resp, err := http.Get(m.api(path))
	if err != nil {
		m.t.Fatalf("testenv: Mailpit API: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		m.t.Fatalf("testenv: Mailpit API %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		m.t.Fatalf("testenv: Mailpit API %s: %v", path, err)
	}
}
