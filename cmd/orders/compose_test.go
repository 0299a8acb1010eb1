package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/acme/orders/api"
	"github.com/acme/orders/internal/telemetry"
)

// No Docker engine runs here: the compose files are checked with the
// Compose specification's own loader, and what the engine would find out
// late (a healthcheck calling a path that does not exist, a command the
// binary does not have, two services on one host port) is checked here.

// composeSets are the ways the files are used: compose alone (production on
// one host), with the override (local work), and the Swarm stack.
var composeSets = map[string][]string{
	"compose":       {"docker-compose.yml"},
	"compose-local": {"docker-compose.yml", "docker-compose.override.yml"},
	"swarm":         {"docker-compose.yml", "deploy/swarm/docker-compose.swarm.yml"},
}

func TestComposeFiles(t *testing.T) {
	root := repoRoot(t)
	documented := envExampleVariables(t, root)
	for name, files := range composeSets {
		t.Run(name, func(t *testing.T) {
			for _, f := range files {
				checkVariablesDocumented(t, root, f, documented)
			}
			p := loadCompose(t, root, files)
			checkServices(t, root, p)
			checkPorts(t, p)
		})
	}
}

// TestSwarmStackLoads hands the Swarm stack, as deploy.sh deploys it, to the
// Docker CLI's own stack loader.
func TestSwarmStackLoads(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("no docker client to check the stack with")
	}
	dir := stackDir(t, repoRoot(t))
	files := exec.Command("bash", "-c", `source deploy/scripts/lib/swarm.sh && swarm_files && printf '%s\n' "${swarm_args[@]}"`)
	files.Dir = dir
	out, err := files.Output()
	if err != nil {
		t.Fatalf("swarm_files: %v", err)
	}
	args := append([]string{"stack", "config"}, strings.Fields(string(out))...)
	cmd := exec.Command(docker, args...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	for k := range envExampleVariables(t, dir) {
		cmd.Env = append(cmd.Env, k+"="+envExampleValue(t, dir, k))
	}
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("docker stack config: %v\n%s", err, out)
	}
	for _, want := range []string{"node.labels.orders.app-db-data == true", "traefik-public", "replicated-job", "dnsrr"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the stack lacks %q:\n%s", want, out)
		}
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// stackDir is the checkout as an operator has it before `docker compose
// up`: every file of the repository, and a .env copied from .env.example.
func stackDir(t *testing.T, root string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	copyFile := func(from, to string) {
		b, err := os.ReadFile(filepath.Join(root, from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range entries {
		switch {
		case e.Name() == ".env":
		case e.Type().IsRegular(): // copied: the loaders resolve links to where they point
			copyFile(e.Name(), e.Name())
		default:
			if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(dir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	copyFile(".env.example", ".env")
	return dir
}

// loadCompose loads files as `docker compose` would, in a copy of the
// checkout whose .env is .env.example.
func loadCompose(t *testing.T, root string, files []string) *types.Project {
	t.Helper()
	dir := stackDir(t, root)
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(dir, f)
	}
	opts, err := cli.NewProjectOptions(paths, cli.WithWorkingDirectory(dir), cli.WithEnvFiles(), cli.WithDotEnv, cli.WithName("orders"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(t.Context())
	if err != nil {
		t.Fatalf("compose loader: %v", err)
	}
	return p
}

var composeVariable = regexp.MustCompile(`\$\{([A-Z_][A-Z0-9_]*)`)

// checkVariablesDocumented: every variable a compose file reads is in
// .env.example, so that a .env copied from it configures the stack.
func checkVariablesDocumented(t *testing.T, root, file string, documented map[string]bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range composeVariable.FindAllStringSubmatch(string(b), -1) {
		if !documented[m[1]] {
			t.Errorf("%s reads ${%s}, which .env.example does not document", file, m[1])
		}
	}
}

func envExampleValue(t *testing.T, root, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + name + `=(.*)$`).FindSubmatch(b)
	return string(m[1])
}

func envExampleVariables(t *testing.T, root string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([A-Z_][A-Z0-9_]*)=`).FindAllStringSubmatch(string(b), -1) {
		vars[m[1]] = true
	}
	return vars
}

// ownImage tells the platform's image (built by deploy/scripts/build.sh,
// tagged by TAG) from the third-party ones.
func ownImage(image string) bool { return strings.HasPrefix(image, "orders:") }

var pinnedTag = regexp.MustCompile(`:v?[0-9]+\.[0-9]+(\.[0-9]+)?([-.][A-Za-z0-9.]+)?$|@sha256:[0-9a-f]{64}$`)

func checkServices(t *testing.T, root string, p *types.Project) {
	t.Helper()
	for name, s := range p.Services {
		if !ownImage(s.Image) && !pinnedTag.MatchString(s.Image) {
			t.Errorf("service %s: image %q is not pinned to a version", name, s.Image)
		}
		for dep := range s.DependsOn {
			if _, ok := p.Services[dep]; !ok {
				t.Errorf("service %s depends on %s, which does not exist", name, dep)
			}
		}
		for _, v := range s.Volumes {
			if _, ok := p.Volumes[v.Source]; v.Type == types.VolumeTypeVolume && !ok {
				t.Errorf("service %s mounts volume %s, which is not declared", name, v.Source)
			}
		}
		for net := range s.Networks {
			if _, ok := p.Networks[net]; !ok {
				t.Errorf("service %s joins network %s, which is not declared", name, net)
			}
		}
		for _, c := range s.Configs {
			cfg, ok := p.Configs[c.Source]
			if !ok {
				t.Errorf("service %s uses config %s, which is not declared", name, c.Source)
			} else if _, err := os.Stat(cfg.File); err != nil {
				t.Errorf("config %s: %v", c.Source, err)
			}
		}
		for _, sec := range s.Secrets {
			if _, ok := p.Secrets[sec.Source]; !ok {
				t.Errorf("service %s uses secret %s, which is not declared", name, sec.Source)
			}
		}
		if ownImage(s.Image) {
			checkOrdersService(t, name, s)
		}
	}
	checkProxyRoutes(t, p)
}

// checkOrdersService: the command is one the binary has, and the
// healthcheck asks a path the process serves on the port it listens on.
func checkOrdersService(t *testing.T, name string, s types.ServiceConfig) {
	t.Helper()
	if len(s.Command) == 0 {
		t.Errorf("service %s runs the image's default command; name it", name)
		return
	}
	if _, ok := commands[s.Command[0]]; !ok {
		t.Errorf("service %s runs `orders %s`, which is no command", name, strings.Join(s.Command, " "))
	}
	if s.Command[0] == "migrate" && (len(s.Command) != 2 || s.Command[1] != "up") {
		t.Errorf("service %s: the migrate job runs %v, want migrate up", name, s.Command)
	}
	long := s.Command[0] == "api" || s.Command[0] == "worker"
	if !long {
		if s.Restart != types.RestartPolicyOnFailure && s.Deploy != nil && s.Deploy.Mode != "replicated-job" {
			t.Errorf("one-shot service %s restarts %q", name, s.Restart)
		}
		return
	}
	if s.HealthCheck == nil || len(s.HealthCheck.Test) < 4 || s.HealthCheck.Test[0] != "CMD" ||
		s.HealthCheck.Test[1] != "/orders" || s.HealthCheck.Test[2] != "healthcheck" {
		t.Errorf("service %s: healthcheck %v; want [CMD /orders healthcheck URL]", name, s.HealthCheck)
		return
	}
	u, err := url.Parse(s.HealthCheck.Test[3])
	if err != nil {
		t.Fatal(err)
	}
	listen := map[string]string{"api": "HTTP_ADDR", "worker": "WORKER_METRICS_ADDR"}[s.Command[0]]
	if addr := s.Environment[listen]; addr == nil || !strings.HasSuffix(*addr, ":"+u.Port()) {
		t.Errorf("service %s: the healthcheck calls port %s; %s is %v", name, u.Port(), listen, addr)
	}
	if code := servedStatus(t, s.Command[0], u.Path); code != http.StatusOK {
		t.Errorf("service %s: the healthcheck's %s answers %d", name, u.Path, code)
	}
	if s.StopGracePeriod == nil || *s.StopGracePeriod < types.Duration(20e9) {
		t.Errorf("service %s: stop_grace_period %v is shorter than the drain (HTTP_SHUTDOWN_TIMEOUT, 20s)", name, s.StopGracePeriod)
	}
}

// servedStatus asks the API's handler, or the worker's side listener, for
// path, as the healthcheck would (the worker as one that polls).
func servedStatus(t *testing.T, role, path string) int {
	t.Helper()
	var h http.Handler
	if role == "api" {
		h = api.NewHandler(api.Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	} else {
		var polling atomic.Bool
		polling.Store(true)
		h = workerMux(telemetry.Disabled(), &polling)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code
}

// checkProxyRoutes: Traefik routes the paths the API serves, by the labels
// compose reads and the ones Swarm reads alike.
func checkProxyRoutes(t *testing.T, p *types.Project) {
	t.Helper()
	apiSvc, ok := p.Services["api"]
	if !ok {
		t.Fatal("no api service")
	}
	sets := map[string]types.Labels{"labels": apiSvc.Labels}
	if apiSvc.Deploy != nil && len(apiSvc.Deploy.Labels) > 0 {
		sets["deploy.labels"] = apiSvc.Deploy.Labels
	}
	for where, labels := range sets {
		rule := labels["traefik.http.routers.orders-api.rule"]
		for _, prefix := range []string{"/api", "/docs", "/redoc"} {
			if !strings.Contains(rule, fmt.Sprintf("PathPrefix(`%s`)", prefix)) {
				t.Errorf("api %s: the router's rule %q does not route %s", where, rule, prefix)
			}
			if code := servedStatus(t, "api", prefixPage(prefix)); code != http.StatusOK {
				t.Errorf("%s answers %d behind the proxy", prefixPage(prefix), code)
			}
		}
		if port := labels["traefik.http.services.orders-api.loadbalancer.server.port"]; port != "8000" {
			t.Errorf("api %s: Traefik sends to port %q", where, port)
		}
		if hc := labels["traefik.http.services.orders-api.loadbalancer.healthcheck.path"]; servedStatus(t, "api", hc) != http.StatusOK {
			t.Errorf("api %s: Traefik's healthcheck path %q is not served", where, hc)
		}
	}
	if len(sets) == 2 {
		for k, v := range sets["labels"] {
			if strings.HasPrefix(k, "traefik.http.") && sets["deploy.labels"][k] != v {
				t.Errorf("the Swarm label %s is %q, compose's %q", k, sets["deploy.labels"][k], v)
			}
		}
	}
}

func prefixPage(prefix string) string {
	if prefix == "/api" {
		return api.BasePath + "/openapi.json"
	}
	return prefix
}

// checkPorts: no two services publish one host port, and a service that
// publishes a fixed port runs once.
func checkPorts(t *testing.T, p *types.Project) {
	t.Helper()
	owner := map[string]string{}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range p.Services {
			if !yield(n) {
				return
			}
		}
	})
	for _, name := range names {
		s := p.Services[name]
		for _, port := range s.Ports {
			if port.Published == "" {
				continue
			}
			key := port.HostIP + ":" + port.Published + "/" + port.Protocol
			if other, ok := owner[key]; ok {
				t.Errorf("services %s and %s both publish %s", other, name, key)
			}
			owner[key] = name
			if s.Deploy != nil && s.Deploy.Replicas != nil && *s.Deploy.Replicas > 1 {
				t.Errorf("service %s publishes %s with %d replicas", name, key, *s.Deploy.Replicas)
			}
		}
	}
}

// TestDeployScriptsParse: the Swarm and stack scripts, which need a Docker
// engine to run, are at least valid bash.
func TestDeployScriptsParse(t *testing.T) {
	scripts, err := filepath.Glob(filepath.Join(repoRoot(t), "deploy/scripts/*.sh"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, s := range scripts {
		if out, err := exec.Command("bash", "-n", s).CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", s, err, out)
		}
	}
	for _, name := range []string{"build.sh", "build-push.sh", "deploy.sh", "test.sh"} {
		if !slices.Contains(scripts, filepath.Join(repoRoot(t), "deploy/scripts", name)) {
			t.Errorf("deploy/scripts/%s is missing", name)
		}
	}
}

// TestDockerfile: the image is built the one way CI builds the binary
// (make release), runs as non-root from an empty base, and its build
// context leaves secrets and local state out.
func TestDockerfile(t *testing.T) {
	root := repoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod)
	builder := regexp.MustCompile(`(?m)^FROM golang:(\d+\.\d+\.\d+)-\S+ AS build$`).FindStringSubmatch(df)
	switch {
	case builder == nil:
		t.Error("no pinned golang:X.Y.Z build stage")
	case goVersion == nil || !versionAtLeast(builder[1], string(goVersion[1])):
		t.Errorf("the build stage's Go %s is older than go.mod's %s", builder[1], goVersion)
	}
	for _, want := range []string{"\tmake release\n", "FROM scratch\n", "COPY --from=build /src/bin/orders-release /orders\n",
		"USER 65532:65532\n", `ENTRYPOINT ["/orders"]`} {
		if !strings.Contains(df, want) {
			t.Errorf("the Dockerfile lacks %q", strings.TrimSpace(want))
		}
	}
	ignore, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".env", ".git", ".data", "bin"} {
		if !slices.Contains(strings.Fields(string(ignore)), want) {
			t.Errorf(".dockerignore does not leave out %s", want)
		}
	}
}

// versionAtLeast compares dotted versions numerically.
func versionAtLeast(have, want string) bool {
	h, w := strings.Split(have, "."), strings.Split(want, ".")
	for i := range max(len(h), len(w)) {
		var a, b int
		if i < len(h) {
			fmt.Sscan(h[i], &a)
		}
		if i < len(w) {
			fmt.Sscan(w[i], &b)
		}
		if a != b {
			return a > b
		}
	}
	return true
}

// TestTemporalWaitsForItsSchema: in compose, the Temporal server starts
// only once its schema job has completed, and the Swarm copy (which has no
// depends_on, ignored there) keeps every service.
func TestTemporalWaitsForItsSchema(t *testing.T) {
	p := loadCompose(t, repoRoot(t), composeSets["compose"])
	temporal, err := p.GetService("temporal")
	if err != nil {
		t.Fatal(err)
	}
	if dep := temporal.DependsOn["temporal-schema"]; dep.Condition != types.ServiceConditionCompletedSuccessfully {
		t.Fatalf("temporal depends on temporal-schema with %+v", dep)
	}
	dir := stackDir(t, repoRoot(t))
	cmd := exec.Command("bash", "-c", `source deploy/scripts/lib/swarm.sh && swarm_files && cat "$swarm_base"`)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("\n    depends_on:")) || bytes.Count(out, []byte("\n  api:")) != 1 || !bytes.Contains(out, []byte("\n  temporal-schema:")) {
		t.Fatalf("the Swarm copy:\n%s", out)
	}
}
