package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func valid() map[string]string {
	return map[string]string{
		"ENV_FILE":     os.DevNull, // no file settings
		"DATABASE_URL": "postgres://app:s3cret@db:5432/app?sslmode=disable",
		"SECRET_KEY":   "changethis",
	}
}

func TestLoadDefaults(t *testing.T) {
	kv := valid()
	delete(kv, "ENV_FILE")
	t.Chdir(t.TempDir()) // no .env here
	c, err := Load(env(kv))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.Addr != ":8000" || c.Temporal.Address != "localhost:7233" || c.Temporal.TaskQueue != "orders" ||
		c.Database.MaxConns != 10 || c.Environment != "local" || c.HTTP.ReadTimeout != 15*time.Second {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	cases := []struct {
		name, key, value, want string
	}{
		{"missing database", "DATABASE_URL", "", "DATABASE_URL: is required"},
		{"not a postgres url", "DATABASE_URL", "mysql://x/y", "DATABASE_URL"},
		{"missing secret", "SECRET_KEY", "", "SECRET_KEY: is required"},
		{"pool too large", "DATABASE_MAX_CONNS", "5000", "DATABASE_MAX_CONNS"},
		{"pool not a number", "DATABASE_MAX_CONNS", "ten", "DATABASE_MAX_CONNS"},
		{"bad environment", "ENVIRONMENT", "prod", "ENVIRONMENT"},
		{"bad log level", "LOG_LEVEL", "loud", "LOG_LEVEL"},
		{"bad log format", "LOG_FORMAT", "xml", "LOG_FORMAT"},
		{"bad timeout", "HTTP_READ_TIMEOUT", "soon", "HTTP_READ_TIMEOUT"},
		{"bad tls flag", "TEMPORAL_TLS", "maybe", "TEMPORAL_TLS"},
		{"cert without key", "TEMPORAL_TLS_CERT", "/tmp/c.pem", "TEMPORAL_TLS_CERT"},
		{"database bound past the activities'", "DATABASE_TIMEOUT", "21s", "DATABASE_TIMEOUT"},
		{"database bound too short", "DATABASE_TIMEOUT", "10ms", "DATABASE_TIMEOUT"},
		{"lock bound past the statement's", "DATABASE_LOCK_TIMEOUT", "6s", "DATABASE_LOCK_TIMEOUT"},
		{"proxy not an address", "TRUSTED_PROXIES", "10.0.0.0/8,traefik", `TRUSTED_PROXIES: "traefik"`},
		{"proxy prefix too long", "TRUSTED_PROXIES", "10.0.0.0/33", "TRUSTED_PROXIES"},
		{"retry wait not a duration", "WEBHOOK_RETRY_SCHEDULE", "5s,soon,1h", `WEBHOOK_RETRY_SCHEDULE: "soon"`},
		{"retry wait too long", "WEBHOOK_RETRY_SCHEDULE", "5s,200h", "WEBHOOK_RETRY_SCHEDULE"},
		{"attempt bound too long", "WEBHOOK_TIMEOUT", "2m", "WEBHOOK_TIMEOUT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kv := valid()
			kv[tc.key] = tc.value
			_, err := Load(env(kv))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error naming %q, got %v", tc.want, err)
			}
		})
	}
}

func TestWebhookRetryScheduleIsAListOfWaits(t *testing.T) {
	c, err := Load(env(valid()))
	if err != nil {
		t.Fatal(err)
	}
	if s := c.Events.WebhookRetrySchedule; len(s) != 9 || s[0] != 5*time.Second || s[8] != 24*time.Hour {
		t.Fatalf("default schedule %v", s)
	}
	kv := valid()
	kv["WEBHOOK_RETRY_SCHEDULE"] = "1s, 2m ,3h"
	if c, err = Load(env(kv)); err != nil || len(c.Events.WebhookRetrySchedule) != 3 || c.Events.WebhookRetrySchedule[1] != 2*time.Minute {
		t.Fatalf("%v %v", c.Events.WebhookRetrySchedule, err)
	}
}

func TestTrustedProxiesTakeCIDRsAndAddresses(t *testing.T) {
	kv := valid()
	kv["TRUSTED_PROXIES"] = "10.0.0.0/8, 192.168.1.7 ,fd00::/8,10.1.2.3/16"
	c, err := Load(env(kv))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.HTTP.TrustedProxyPrefixes() {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 192.168.1.7/32 fd00::/8 10.1.0.0/16" {
		t.Fatalf("prefixes: %v", got)
	}
}

func TestSecretKeyRules(t *testing.T) {
	cases := []struct {
		env, key string
		ok       bool
	}{
		{"local", "changethis", true},
		{"production", "changethis", false},
		{"staging", "short", false},
		{"production", strings.Repeat("k", 32), true},
	}
	for _, tc := range cases {
		kv := valid()
		kv["ENVIRONMENT"], kv["SECRET_KEY"] = tc.env, tc.key
		_, err := Load(env(kv))
		if (err == nil) != tc.ok {
			t.Errorf("ENVIRONMENT=%s SECRET_KEY=%q: err=%v, want ok=%v", tc.env, tc.key, err, tc.ok)
		}
	}
}

func TestEnvFileIsReadAndEnvironmentWins(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.env")
	content := "DATABASE_URL=postgres://file@db/app\nSECRET_KEY=fromfile\nHTTP_ADDR=:9000\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"ENV_FILE": path, "HTTP_ADDR": ":7000"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Accounts.SecretKey != "fromfile" || c.HTTP.Addr != ":7000" || c.Database.URL != "postgres://file@db/app" {
		t.Fatalf("got %+v", c)
	}
}

func TestMissingNamedEnvFileFails(t *testing.T) {
	kv := valid()
	kv["ENV_FILE"] = "/nonexistent/orders.env"
	if _, err := Load(env(kv)); err == nil || !strings.Contains(err.Error(), "ENV_FILE") {
		t.Fatalf("want ENV_FILE error, got %v", err)
	}
}

func TestSecretsAreMaskedWhenPrinted(t *testing.T) {
	kv := valid()
	kv["TEMPORAL_API_KEY"] = "tk-verysecret"
	kv["SECRET_KEY"] = "supersecretvalue"
	c, err := Load(env(kv))
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	for _, secret := range []string{"s3cret", "tk-verysecret", "supersecretvalue"} {
		if strings.Contains(s, secret) {
			t.Errorf("printed config leaks %q: %s", secret, s)
		}
	}
	if !c.Temporal.TLS {
		t.Error("an API key must switch TLS on")
	}
}

func TestEnvExampleDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Variables() {
		if !strings.Contains(string(b), "\n"+name+"=") {
			t.Errorf(".env.example does not document %s", name)
		}
	}
	// And the example itself is a valid configuration.
	if _, err := Load(env(map[string]string{"ENV_FILE": "../../.env.example"})); err != nil {
		t.Errorf(".env.example is not valid: %v", err)
	}
}
