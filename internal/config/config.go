// Package config reads the platform's settings from the environment (and an
// optional .env file) into one typed struct, validated once at start.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// Config is every setting the binaries read. Load is the only constructor that
// validates; tests may build one by hand.
type Config struct {
	Environment string // local, staging or production

	HTTPAddr            string
	HTTPMaxBodyBytes    int64
	HTTPReadTimeout     time.Duration
	HTTPWriteTimeout    time.Duration
	HTTPIdleTimeout     time.Duration
	HTTPShutdownTimeout time.Duration
	CORSOrigins         []string

	DatabaseURL      string
	DatabaseMaxConns int32

	TemporalAddress   string
	TemporalNamespace string
	TemporalTaskQueue string
	TemporalTLS       bool
	TemporalTLSCert   string // client certificate file, for mTLS
	TemporalTLSKey    string // client key file, for mTLS
	TemporalAPIKey    string

	LogLevel  slog.Level
	LogFormat string // text or json

	SecretKey string

	ProjectName               string
	FrontendHost              string // where the reset-password link points
	AccessTokenExpire         time.Duration
	EmailResetTokenExpire     time.Duration
	UsersOpenRegistration     bool
	FirstSuperuser            string
	FirstSuperuserPassword    string
	RateLimitLogin            int // requests per client address per minute
	RateLimitPasswordRecovery int
	RateLimitSignup           int

	SMTP SMTP

	OrderApprovalThresholdCents int64         // orders above wait for an operator
	OrderApprovalTimeout        time.Duration // then they are cancelled
	OrderWorkflowRetryInterval  time.Duration // how often unstarted order workflows are retried
}

// SMTP is the mail relay. E-mails are sent only when Host is set.
type SMTP struct {
	Host      string
	Port      int
	User      string
	Password  string
	TLS       bool // STARTTLS
	SSL       bool // implicit TLS
	FromEmail string
	FromName  string
}

// EmailsEnabled tells whether the platform sends e-mail at all.
func (c Config) EmailsEnabled() bool { return c.SMTP.Host != "" }

// Variables lists every variable Load reads, in the order .env.example documents them.
var Variables = []string{
	"ENVIRONMENT",
	"HTTP_ADDR", "HTTP_MAX_BODY_BYTES", "HTTP_READ_TIMEOUT", "HTTP_WRITE_TIMEOUT",
	"HTTP_IDLE_TIMEOUT", "HTTP_SHUTDOWN_TIMEOUT", "CORS_ORIGINS",
	"DATABASE_URL", "DATABASE_MAX_CONNS",
	"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPORAL_TASK_QUEUE",
	"TEMPORAL_TLS", "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_API_KEY",
	"LOG_LEVEL", "LOG_FORMAT",
	"SECRET_KEY",
	"PROJECT_NAME", "FRONTEND_HOST", "ACCESS_TOKEN_EXPIRE_MINUTES", "EMAIL_RESET_TOKEN_EXPIRE_HOURS",
	"USERS_OPEN_REGISTRATION", "FIRST_SUPERUSER", "FIRST_SUPERUSER_PASSWORD",
	"RATE_LIMIT_LOGIN", "RATE_LIMIT_PASSWORD_RECOVERY", "RATE_LIMIT_SIGNUP",
	"SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_TLS", "SMTP_SSL",
	"EMAILS_FROM_EMAIL", "EMAILS_FROM_NAME",
	"ORDER_APPROVAL_THRESHOLD_CENTS", "ORDER_APPROVAL_TIMEOUT", "ORDER_WORKFLOW_RETRY_INTERVAL",
}

// Load reads the configuration. Values from getenv win over those in the file
// named by ENV_FILE (default ".env"); a missing file is not an error. Every
// invalid variable is reported, each by name.
func Load(getenv func(string) string) (Config, error) {
	file := map[string]string{}
	path := getenv("ENV_FILE")
	if path == "" {
		path = ".env"
	}
	if vals, err := godotenv.Read(path); err == nil {
		file = vals
	} else if getenv("ENV_FILE") != "" {
		return Config{}, fmt.Errorf("ENV_FILE: %w", err)
	}
	r := &reader{get: func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return file[k]
	}}

	c := Config{
		Environment: r.oneOf("ENVIRONMENT", "local", "local", "staging", "production"),

		HTTPAddr:            r.str("HTTP_ADDR", ":8000"),
		HTTPMaxBodyBytes:    int64(r.intIn("HTTP_MAX_BODY_BYTES", 1<<20, 1024, 1<<30)),
		HTTPReadTimeout:     r.duration("HTTP_READ_TIMEOUT", 15*time.Second),
		HTTPWriteTimeout:    r.duration("HTTP_WRITE_TIMEOUT", 30*time.Second),
		HTTPIdleTimeout:     r.duration("HTTP_IDLE_TIMEOUT", 120*time.Second),
		HTTPShutdownTimeout: r.duration("HTTP_SHUTDOWN_TIMEOUT", 20*time.Second),
		CORSOrigins:         r.list("CORS_ORIGINS"),

		DatabaseURL:      r.url("DATABASE_URL", "postgres", "postgresql"),
		DatabaseMaxConns: int32(r.intIn("DATABASE_MAX_CONNS", 10, 1, 1000)),

		TemporalAddress:   r.str("TEMPORAL_ADDRESS", "localhost:7233"),
		TemporalNamespace: r.str("TEMPORAL_NAMESPACE", "default"),
		TemporalTaskQueue: r.str("TEMPORAL_TASK_QUEUE", "orders"),
		TemporalTLS:       r.boolean("TEMPORAL_TLS", false),
		TemporalTLSCert:   r.str("TEMPORAL_TLS_CERT", ""),
		TemporalTLSKey:    r.str("TEMPORAL_TLS_KEY", ""),
		TemporalAPIKey:    r.str("TEMPORAL_API_KEY", ""),

		LogLevel:  r.level("LOG_LEVEL", slog.LevelInfo),
		LogFormat: r.oneOf("LOG_FORMAT", "text", "text", "json"),

		SecretKey: r.required("SECRET_KEY"),

		ProjectName:               r.str("PROJECT_NAME", "Order Platform"),
		FrontendHost:              strings.TrimRight(r.str("FRONTEND_HOST", "http://localhost:8000"), "/"),
		AccessTokenExpire:         time.Duration(r.intIn("ACCESS_TOKEN_EXPIRE_MINUTES", 60*24*8, 1, 60*24*365)) * time.Minute,
		EmailResetTokenExpire:     time.Duration(r.intIn("EMAIL_RESET_TOKEN_EXPIRE_HOURS", 48, 1, 24*30)) * time.Hour,
		UsersOpenRegistration:     r.boolean("USERS_OPEN_REGISTRATION", false),
		FirstSuperuser:            r.str("FIRST_SUPERUSER", ""),
		FirstSuperuserPassword:    r.str("FIRST_SUPERUSER_PASSWORD", ""),
		RateLimitLogin:            r.intIn("RATE_LIMIT_LOGIN", 10, 1, 1_000_000),
		RateLimitPasswordRecovery: r.intIn("RATE_LIMIT_PASSWORD_RECOVERY", 5, 1, 1_000_000),
		RateLimitSignup:           r.intIn("RATE_LIMIT_SIGNUP", 5, 1, 1_000_000),

		SMTP: SMTP{
			Host:      r.str("SMTP_HOST", ""),
			Port:      r.intIn("SMTP_PORT", 587, 1, 65535),
			User:      r.str("SMTP_USER", ""),
			Password:  r.str("SMTP_PASSWORD", ""),
			TLS:       r.boolean("SMTP_TLS", true),
			SSL:       r.boolean("SMTP_SSL", false),
			FromEmail: r.str("EMAILS_FROM_EMAIL", ""),
			FromName:  r.str("EMAILS_FROM_NAME", ""),
		},
	}
	c.OrderApprovalThresholdCents = int64(r.intIn("ORDER_APPROVAL_THRESHOLD_CENTS", 100_000, 0, 1<<62))
	c.OrderApprovalTimeout = r.duration("ORDER_APPROVAL_TIMEOUT", 48*time.Hour)
	c.OrderWorkflowRetryInterval = r.duration("ORDER_WORKFLOW_RETRY_INTERVAL", 5*time.Second)
	if c.SMTP.FromName == "" {
		c.SMTP.FromName = c.ProjectName
	}
	if c.SMTP.Host != "" && !strings.Contains(c.SMTP.FromEmail, "@") {
		r.fail("EMAILS_FROM_EMAIL", "must be an e-mail address when SMTP_HOST is set")
	}
	if c.SMTP.TLS && c.SMTP.SSL {
		r.fail("SMTP_SSL", "SMTP_TLS (STARTTLS) and SMTP_SSL (implicit TLS) exclude each other; set one to false")
	}
	if (c.FirstSuperuser == "") != (c.FirstSuperuserPassword == "") {
		r.fail("FIRST_SUPERUSER", "FIRST_SUPERUSER and FIRST_SUPERUSER_PASSWORD must be set together")
	}
	if c.FirstSuperuserPassword != "" && c.Environment != "local" && c.FirstSuperuserPassword == "changethis" {
		r.fail("FIRST_SUPERUSER_PASSWORD", `must not be "changethis" outside ENVIRONMENT=local`)
	}

	if (c.TemporalTLSCert == "") != (c.TemporalTLSKey == "") {
		r.fail("TEMPORAL_TLS_CERT", "TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together")
	}
	if c.TemporalTLSCert != "" || c.TemporalAPIKey != "" {
		c.TemporalTLS = true // a hosted Temporal never takes these in plain text
	}
	if c.SecretKey != "" && c.Environment != "local" {
		if c.SecretKey == "changethis" {
			r.fail("SECRET_KEY", `must not be "changethis" outside ENVIRONMENT=local`)
		} else if len(c.SecretKey) < 32 {
			r.fail("SECRET_KEY", "must be at least 32 characters outside ENVIRONMENT=local")
		}
	}
	return c, r.err()
}

// LogValue prints the configuration with its secrets masked.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("environment", c.Environment),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("database_url", MaskURL(c.DatabaseURL)),
		slog.Int("database_max_conns", int(c.DatabaseMaxConns)),
		slog.String("temporal_address", c.TemporalAddress),
		slog.String("temporal_namespace", c.TemporalNamespace),
		slog.String("temporal_task_queue", c.TemporalTaskQueue),
		slog.Bool("temporal_tls", c.TemporalTLS),
		slog.String("temporal_api_key", mask(c.TemporalAPIKey)),
		slog.String("secret_key", mask(c.SecretKey)),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("cors_origins", strings.Join(c.CORSOrigins, ",")),
		slog.String("frontend_host", c.FrontendHost),
		slog.Bool("users_open_registration", c.UsersOpenRegistration),
		slog.String("first_superuser", c.FirstSuperuser),
		slog.String("first_superuser_password", mask(c.FirstSuperuserPassword)),
		slog.String("smtp_host", c.SMTP.Host),
		slog.Int("smtp_port", c.SMTP.Port),
		slog.String("smtp_user", c.SMTP.User),
		slog.String("smtp_password", mask(c.SMTP.Password)),
		slog.String("emails_from_email", c.SMTP.FromEmail),
		slog.Int64("order_approval_threshold_cents", c.OrderApprovalThresholdCents),
		slog.Duration("order_approval_timeout", c.OrderApprovalTimeout),
	)
}

func (c Config) String() string { return c.LogValue().String() }

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "****"
}

// MaskURL hides the password of a connection URL.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "****"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "****")
	}
	return u.Redacted()
}

// ErrInvalid marks every configuration error, so callers can tell them apart.
var ErrInvalid = errors.New("invalid configuration")
