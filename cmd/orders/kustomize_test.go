package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/acme/orders/internal/config"
)

// The Kubernetes overlays, rendered with `kubectl kustomize` as an operator
// applies them, and checked for what a cluster would only find out late:
// probes on paths the processes serve, commands the binary has, every
// reference (HPA → Deployment, PDB/Service → pods, Ingress → Service, env →
// ConfigMap) resolving, grace periods past the drain, and a configuration
// the binary accepts.

// rendered is one overlay's objects, by kind.
type rendered struct {
	deployments  map[string]appsv1.Deployment
	jobs         map[string]batchv1.Job
	services     map[string]corev1.Service
	configMaps   map[string]corev1.ConfigMap
	secrets      map[string]corev1.Secret
	hpas         []autoscalingv2.HorizontalPodAutoscaler
	pdbs         []policyv1.PodDisruptionBudget
	ingresses    []networkingv1.Ingress
	image        string // the orders image the overlay deploys
	externalKeys []string
}

// The secrets production provides beside the overlay (its kustomization
// names them); the test fills them with placeholders.
var productionSecrets = []string{"DATABASE_URL", "SECRET_KEY", "FIRST_SUPERUSER", "FIRST_SUPERUSER_PASSWORD", "SMTP_USER", "SMTP_PASSWORD", "TEMPORAL_API_KEY"}

func TestKustomizeOverlays(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("no kubectl to render the overlays with")
	}
	root := repoRoot(t)
	for overlay, image := range map[string]string{"dev": "orders:dev", "prod": "registry.example.com/orders:1.0.0"} {
		t.Run(overlay, func(t *testing.T) {
			out, err := exec.Command(kubectl, "kustomize", filepath.Join(root, "deploy/k8s/overlays", overlay)).CombinedOutput()
			if err != nil {
				t.Fatalf("kubectl kustomize: %v\n%s", err, out)
			}
			r := decodeRendered(t, out)
			r.image = image
			if overlay == "prod" {
				r.externalKeys = productionSecrets
			}
			checkWorkloads(t, r)
			checkReferences(t, r)
		})
	}
}

func decodeRendered(t *testing.T, out []byte) *rendered {
	t.Helper()
	r := &rendered{deployments: map[string]appsv1.Deployment{}, jobs: map[string]batchv1.Job{}, services: map[string]corev1.Service{},
		configMaps: map[string]corev1.ConfigMap{}, secrets: map[string]corev1.Secret{}}
	for _, doc := range bytes.Split(out, []byte("\n---\n")) {
		var head struct{ Kind string }
		if err := yaml.Unmarshal(doc, &head); err != nil {
			t.Fatal(err)
		}
		var err error
		switch head.Kind {
		case "Deployment":
			err = decodeInto(doc, func(d appsv1.Deployment) { r.deployments[d.Name] = d })
		case "Job":
			err = decodeInto(doc, func(j batchv1.Job) { r.jobs[j.Name] = j })
		case "Service":
			err = decodeInto(doc, func(s corev1.Service) { r.services[s.Name] = s })
		case "ConfigMap":
			err = decodeInto(doc, func(c corev1.ConfigMap) { r.configMaps[c.Name] = c })
		case "Secret":
			err = decodeInto(doc, func(s corev1.Secret) { r.secrets[s.Name] = s })
		case "HorizontalPodAutoscaler":
			err = decodeInto(doc, func(h autoscalingv2.HorizontalPodAutoscaler) { r.hpas = append(r.hpas, h) })
		case "PodDisruptionBudget":
			err = decodeInto(doc, func(p policyv1.PodDisruptionBudget) { r.pdbs = append(r.pdbs, p) })
		case "Ingress":
			err = decodeInto(doc, func(i networkingv1.Ingress) { r.ingresses = append(r.ingresses, i) })
		case "Namespace":
		default:
			t.Errorf("unchecked kind %q: add its checks", head.Kind)
		}
		if err != nil {
			t.Errorf("%s: %v", head.Kind, err)
		}
	}
	return r
}

// decodeInto decodes one object strictly (a misspelt field fails) and adds it.
func decodeInto[T any](doc []byte, add func(T)) error {
	var v T
	if err := yaml.UnmarshalStrict(doc, &v); err != nil {
		return err
	}
	add(v)
	return nil
}

// checkWorkloads: each container runs the overlay's image with a command the
// binary has, as non-root, with resources; the long-running ones probe
// served paths on their listening port and outlast their drain.
func checkWorkloads(t *testing.T, r *rendered) {
	t.Helper()
	for name, j := range r.jobs {
		for _, c := range j.Spec.Template.Spec.Containers {
			checkContainer(t, r, "job "+name, j.Spec.Template.Spec, c)
			if c.Args[0] == "api" || c.Args[0] == "worker" {
				t.Errorf("job %s runs the long-running %s", name, c.Args[0])
			}
		}
	}
	for name, d := range r.deployments {
		spec := d.Spec.Template.Spec
		if len(spec.Containers) != 1 {
			t.Fatalf("deployment %s: %d containers", name, len(spec.Containers))
		}
		c := spec.Containers[0]
		cfg := checkContainer(t, r, "deployment "+name, spec, c)
		role := c.Args[0]
		if role != "api" && role != "worker" {
			t.Errorf("deployment %s runs `orders %s`", name, role)
			continue
		}
		listen := map[string]string{"api": cfg.HTTP.Addr, "worker": cfg.Telemetry.WorkerMetricsAddr}[role]
		for kind, probe := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe, "startup": c.StartupProbe} {
			if probe == nil || probe.HTTPGet == nil {
				t.Errorf("deployment %s: no %s probe over HTTP", name, kind)
				continue
			}
			port := containerPort(c, probe.HTTPGet.Port.String())
			if !strings.HasSuffix(listen, fmt.Sprintf(":%d", port)) {
				t.Errorf("deployment %s: the %s probe calls port %d; the %s listens on %q", name, kind, port, role, listen)
			}
			if code := servedStatus(t, role, probe.HTTPGet.Path); code != http.StatusOK {
				t.Errorf("deployment %s: the %s probe's %s answers %d", name, kind, probe.HTTPGet.Path, code)
			}
		}
		drain := 30 * time.Second // the worker: the longest step's start-to-close
		if role == "api" {
			drain = cfg.HTTP.ShutdownTimeout + 5*time.Second // + the preStop pause
		}
		if grace := spec.TerminationGracePeriodSeconds; grace == nil || time.Duration(*grace)*time.Second <= drain {
			t.Errorf("deployment %s: the termination grace period is not longer than its drain (%s)", name, drain)
		}
	}
}

// checkContainer returns the configuration the container gets.
func checkContainer(t *testing.T, r *rendered, what string, spec corev1.PodSpec, c corev1.Container) config.Config {
	t.Helper()
	if c.Image != r.image {
		t.Errorf("%s: image %q, want %q", what, c.Image, r.image)
	}
	if len(c.Args) == 0 {
		t.Fatalf("%s: no command: name one", what)
	}
	if _, ok := commands[c.Args[0]]; !ok {
		t.Errorf("%s runs `orders %s`, which is no command", what, strings.Join(c.Args, " "))
	}
	if c.Args[0] == "migrate" && !slices.Equal(c.Args, []string{"migrate", "up"}) {
		t.Errorf("%s: runs %v, want migrate up", what, c.Args)
	}
	if sc := spec.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		t.Errorf("%s: the pod may run as root", what)
	}
	if sc := c.SecurityContext; sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
		sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("%s: the container may escalate privileges or write its root filesystem", what)
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("%s: no CPU request or memory limit (the HPA scales on CPU requests)", what)
	}
	return r.loadConfig(t, c)
}

// loadConfig is the configuration the container gets, as the binary reads
// it: its ConfigMaps and Secrets (production's external one filled in).
func (r *rendered) loadConfig(t *testing.T, c corev1.Container) config.Config {
	t.Helper()
	kv := map[string]string{"ENV_FILE": "/dev/null"}
	for _, k := range r.externalKeys {
		kv[k] = "placeholder-" + strings.ToLower(k) + "-0123456789abcdef0123456789"
	}
	kv["DATABASE_URL"], kv["FIRST_SUPERUSER"] = "postgres://orders@db.example.com/orders", "admin@example.com"
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			cm, ok := r.configMaps[from.ConfigMapRef.Name]
			if !ok {
				t.Errorf("container %s reads the ConfigMap %s, which is not rendered", c.Name, from.ConfigMapRef.Name)
			}
			for k, v := range cm.Data {
				kv[k] = v
			}
		case from.SecretRef != nil:
			s, ok := r.secrets[from.SecretRef.Name]
			if !ok && r.externalKeys == nil {
				t.Errorf("container %s reads the Secret %s, which is not rendered", c.Name, from.SecretRef.Name)
			}
			for k, v := range s.Data {
				kv[k] = string(v)
			}
		}
	}
	for _, e := range c.Env {
		kv[e.Name] = e.Value
	}
	cfg, err := config.Load(envOf(kv))
	if err != nil {
		t.Errorf("container %s: the configuration the overlay gives is invalid: %v", c.Name, err)
	}
	return cfg
}

func containerPort(c corev1.Container, port string) int32 {
	for _, p := range c.Ports {
		if p.Name == port || fmt.Sprint(p.ContainerPort) == port {
			return p.ContainerPort
		}
	}
	return 0
}

// checkReferences: what names or selects another object finds it.
func checkReferences(t *testing.T, r *rendered) {
	t.Helper()
	podsOf := func(sel map[string]string) []string {
		var names []string
		for name, d := range r.deployments {
			if labels.SelectorFromSet(sel).Matches(labels.Set(d.Spec.Template.Labels)) {
				names = append(names, name)
			}
		}
		return names
	}
	for _, h := range r.hpas {
		if _, ok := r.deployments[h.Spec.ScaleTargetRef.Name]; h.Spec.ScaleTargetRef.Kind != "Deployment" || !ok {
			t.Errorf("HPA %s scales %s %s, which is not rendered", h.Name, h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name)
			continue
		}
		if len(h.Spec.Metrics) == 0 || h.Spec.Metrics[0].Resource == nil || h.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU {
			t.Errorf("HPA %s does not scale on CPU", h.Name)
		}
	}
	for _, p := range r.pdbs {
		if len(podsOf(p.Spec.Selector.MatchLabels)) != 1 {
			t.Errorf("PDB %s selects the pods of %v", p.Name, podsOf(p.Spec.Selector.MatchLabels))
		}
	}
	for name, s := range r.services {
		pods := podsOf(s.Spec.Selector)
		if len(pods) != 1 {
			t.Errorf("Service %s selects the pods of %v", name, pods)
			continue
		}
		c := r.deployments[pods[0]].Spec.Template.Spec.Containers[0]
		for _, p := range s.Spec.Ports {
			if containerPort(c, p.TargetPort.String()) == 0 {
				t.Errorf("Service %s targets port %s, which %s does not have", name, p.TargetPort.String(), pods[0])
			}
		}
	}
	routed := map[string]bool{}
	for _, ing := range r.ingresses {
		for _, rule := range ing.Spec.Rules {
			for _, path := range rule.HTTP.Paths {
				svc, ok := r.services[path.Backend.Service.Name]
				if !ok {
					t.Errorf("Ingress %s sends %s to the Service %s, which is not rendered", ing.Name, path.Path, path.Backend.Service.Name)
					continue
				}
				if !slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Name == path.Backend.Service.Port.Name }) {
					t.Errorf("Ingress %s: Service %s has no port %q", ing.Name, svc.Name, path.Backend.Service.Port.Name)
				}
				routed[path.Path] = true
				if code := servedStatus(t, "api", prefixPage(path.Path)); code != http.StatusOK {
					t.Errorf("Ingress %s routes %s, where the API answers %d", ing.Name, path.Path, code)
				}
			}
		}
	}
	for _, p := range []string{"/api", "/docs", "/redoc"} {
		if !routed[p] {
			t.Errorf("no Ingress routes %s", p)
		}
	}
}
