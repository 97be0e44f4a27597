package validate

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
)

// workload is a Deployment or StatefulSet reduced to what the policy checks
// read.
type workload struct {
	kind, name string
	replicas   *int32
	selector   *metav1.LabelSelector
	template   corev1.PodTemplateSpec
}

// set is one rendered overlay, indexed for the cross-object checks.
type set struct {
	objs      []*unstructured.Unstructured
	workloads []workload
	byKind    map[string][]*unstructured.Unstructured
}

func newSet(t *testing.T, objs []*unstructured.Unstructured) *set {
	t.Helper()
	c := checker(t)
	s := &set{objs: objs, byKind: map[string][]*unstructured.Unstructured{}}
	for _, o := range objs {
		s.byKind[o.GetKind()] = append(s.byKind[o.GetKind()], o)
		if !c.Builtin.Knows(o.GroupVersionKind()) {
			continue
		}
		typed, err := c.Builtin.Decode(o)
		if err != nil {
			t.Fatalf("%s: %v", id(o), err)
		}
		switch w := typed.(type) {
		case *appsv1.Deployment:
			s.workloads = append(s.workloads, workload{"Deployment", w.Name, w.Spec.Replicas, w.Spec.Selector, w.Spec.Template})
		case *appsv1.StatefulSet:
			s.workloads = append(s.workloads, workload{"StatefulSet", w.Name, w.Spec.Replicas, w.Spec.Selector, w.Spec.Template})
		case *appsv1.DaemonSet, *appsv1.ReplicaSet, *corev1.Pod:
			t.Fatalf("%s: the policy checks do not cover this kind yet", id(o))
		}
	}
	return s
}

func (s *set) named(kind, name string) *unstructured.Unstructured {
	for _, o := range s.byKind[kind] {
		if o.GetName() == name {
			return o
		}
	}
	return nil
}

func (s *set) workload(name string) *workload {
	for i := range s.workloads {
		if s.workloads[i].name == name {
			return &s.workloads[i]
		}
	}
	return nil
}

// podsMatching returns the workloads whose pod template the selector selects.
func (s *set) podsMatching(sel labels.Selector) []string {
	var out []string
	for _, w := range s.workloads {
		if sel.Matches(labels.Set(w.template.Labels)) {
			out = append(out, w.name)
		}
	}
	return out
}

func str(o *unstructured.Unstructured, path ...string) string {
	v, _, _ := unstructured.NestedFieldNoCopy(o.Object, path...)
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func num(o *unstructured.Unstructured, path ...string) (int64, bool) {
	v, ok, _ := unstructured.NestedInt64(o.Object, path...)
	return v, ok
}

func env(c corev1.Container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// forEachOverlay runs check on every rendered overlay.
func forEachOverlay(t *testing.T, check func(t *testing.T, overlay string, s *set)) {
	for _, dir := range overlays(t) {
		name := dir[strings.LastIndex(dir, "/")+1:]
		t.Run(name, func(t *testing.T) {
			check(t, name, newSet(t, render(t, dir)))
		})
	}
}

// TestPodHardening checks what the issue asks of every pod: non-root,
// read-only root filesystem, no privilege escalation, no capabilities,
// seccomp RuntimeDefault, requests and limits, /healthz and /readyz probes,
// graceful termination, pinned images and no service account token.
func TestPodHardening(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, _ string, s *set) {
		if len(s.workloads) < 3 {
			t.Fatalf("found %d workloads, want fetcher, enricher and indexer", len(s.workloads))
		}
		for _, w := range s.workloads {
			for _, err := range podProblems(w, s) {
				t.Errorf("%s %s: %v", w.kind, w.name, err)
			}
		}
	})
}

func podProblems(w workload, s *set) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	p := w.template.Spec
	psc := p.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		bad("pod securityContext.runAsNonRoot is not true")
	}
	if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		bad("pod seccompProfile is not RuntimeDefault")
	}
	if p.TerminationGracePeriodSeconds == nil {
		bad("terminationGracePeriodSeconds unset")
	}
	if p.AutomountServiceAccountToken == nil || *p.AutomountServiceAccountToken {
		bad("automountServiceAccountToken is not false")
	}
	if p.ServiceAccountName == "" || s.named("ServiceAccount", p.ServiceAccountName) == nil {
		bad("serviceAccountName %q is not a rendered ServiceAccount", p.ServiceAccountName)
	}
	if !selects(w.selector, w.template.Labels) {
		bad("selector does not select its own pod template")
	}
	for _, c := range append(append([]corev1.Container(nil), p.InitContainers...), p.Containers...) {
		prefix := "container " + c.Name + ": "
		if problem := imageProblem(c.Image); problem != "" {
			bad("%simage %q %s", prefix, c.Image, problem)
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Requests[r]; !ok {
				bad("%sno %s request", prefix, r)
			}
		}
		if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
			bad("%sno memory limit", prefix)
		}
		checkProbe := func(kind string, pr *corev1.Probe, path string) {
			if pr == nil || pr.HTTPGet == nil || pr.HTTPGet.Path != path {
				bad("%s%s probe is not an HTTP GET of %s", prefix, kind, path)
				return
			}
			if port := pr.HTTPGet.Port; port.StrVal != "" && !hasPort(c, port.StrVal) {
				bad("%s%s probe port %q is not a container port", prefix, kind, port.StrVal)
			}
		}
		checkProbe("liveness", c.LivenessProbe, "/healthz")
		checkProbe("readiness", c.ReadinessProbe, "/readyz")
		sc := c.SecurityContext
		switch {
		case sc == nil:
			bad("%sno securityContext", prefix)
			continue
		case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
			bad("%sreadOnlyRootFilesystem is not true", prefix)
		case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
			bad("%sallowPrivilegeEscalation is not false", prefix)
		case sc.Privileged != nil && *sc.Privileged:
			bad("%sprivileged", prefix)
		case sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) > 0:
			bad("%scapabilities are not exactly drop [ALL]", prefix)
		case sc.RunAsUser != nil && *sc.RunAsUser == 0:
			bad("%sruns as uid 0", prefix)
		}
	}
	return errs
}

// imageProblem says what is wrong with an image reference, or "".
func imageProblem(image string) string {
	if strings.Contains(image, "@sha256:") {
		return ""
	}
	slash := strings.LastIndex(image, "/")
	colon := strings.LastIndex(image, ":")
	switch {
	case colon < slash+1:
		return "has no tag"
	case image[colon+1:] == "latest":
		return "uses the latest tag"
	}
	return ""
}

func hasPort(c corev1.Container, name string) bool {
	for _, p := range c.Ports {
		if p.Name == name {
			return true
		}
	}
	return false
}

func selects(sel *metav1.LabelSelector, l map[string]string) bool {
	s, err := metav1.LabelSelectorAsSelector(sel)
	return err == nil && !s.Empty() && s.Matches(labels.Set(l))
}

// TestSelectorsMatch checks that every Service, PodDisruptionBudget,
// NetworkPolicy and ServiceMonitor selects something, and that the
// ServiceMonitors scrape a port the selected Service has.
func TestSelectorsMatch(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, _ string, s *set) {
		for _, o := range s.byKind["Service"] {
			sel, _, _ := unstructured.NestedStringMap(o.Object, "spec", "selector")
			if len(sel) == 0 || len(s.podsMatching(labels.SelectorFromSet(sel))) != 1 {
				t.Errorf("%s selects %v, want exactly one workload", id(o), s.podsMatching(labels.SelectorFromSet(sel)))
			}
		}
		for _, kind := range []string{"PodDisruptionBudget", "NetworkPolicy"} {
			for _, o := range s.byKind[kind] {
				path := []string{"spec", "selector"}
				if kind == "NetworkPolicy" {
					path = []string{"spec", "podSelector"}
				}
				sel := labelSelector(t, o, path...)
				if len(s.podsMatching(sel)) == 0 && !selectsOperatorPods(sel) {
					t.Errorf("%s selects no pods", id(o))
				}
			}
		}
		for _, o := range s.byKind["ServiceMonitor"] {
			sel := labelSelector(t, o, "spec", "selector")
			var ports map[string]bool
			for _, svc := range s.byKind["Service"] {
				if sel.Matches(labels.Set(svc.GetLabels())) {
					if ports != nil {
						t.Errorf("%s selects more than one Service", id(o))
					}
					ports = servicePorts(svc)
				}
			}
			if ports == nil {
				t.Errorf("%s selects no Service", id(o))
				continue
			}
			eps, _, _ := unstructured.NestedSlice(o.Object, "spec", "endpoints")
			for _, ep := range eps {
				port, _ := ep.(map[string]any)["port"].(string)
				if !ports[port] {
					t.Errorf("%s scrapes port %q, which the Service does not name", id(o), port)
				}
			}
		}
	})
}

// selectsOperatorPods allows a policy for pods an operator creates
// (CloudNativePG instances), which no rendered template shows.
func selectsOperatorPods(sel labels.Selector) bool {
	reqs, _ := sel.Requirements()
	for _, r := range reqs {
		if r.Key() == "cnpg.io/cluster" {
			return true
		}
	}
	return false
}

func labelSelector(t *testing.T, o *unstructured.Unstructured, path ...string) labels.Selector {
	t.Helper()
	m, _, _ := unstructured.NestedMap(o.Object, path...)
	var ls metav1.LabelSelector
	if err := runtimeConvert(m, &ls); err != nil {
		t.Fatalf("%s: selector: %v", id(o), err)
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil {
		t.Fatalf("%s: selector: %v", id(o), err)
	}
	return sel
}

func servicePorts(svc *unstructured.Unstructured) map[string]bool {
	out := map[string]bool{}
	ports, _, _ := unstructured.NestedSlice(svc.Object, "spec", "ports")
	for _, p := range ports {
		if name, ok := p.(map[string]any)["name"].(string); ok {
			out[name] = true
		}
	}
	return out
}

// TestFetcherShards checks the fetcher's shard count agrees with its
// replica count: a mismatch silently drops or double-polls feeds.
func TestFetcherShards(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, _ string, s *set) {
		w := s.workload("fetcher")
		if w == nil || w.kind != "StatefulSet" {
			t.Fatal("no fetcher StatefulSet (it shards feeds by pod ordinal)")
		}
		replicas := int32(1)
		if w.replicas != nil {
			replicas = *w.replicas
		}
		count, ok := env(w.template.Spec.Containers[0], "FETCHER_REPLICA_COUNT")
		if n, err := strconv.Atoi(count); !ok || err != nil || int32(n) != replicas {
			t.Errorf("FETCHER_REPLICA_COUNT=%q, want %d (spec.replicas)", count, replicas)
		}
	})
}

// TestKafkaConsistency checks the Strimzi resources against each other and
// against the services: topics fit on the brokers, every service's SASL
// user exists, and every ScaledObject stays within its topic's partitions.
func TestKafkaConsistency(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, _ string, s *set) {
		if len(s.byKind["Kafka"]) != 1 {
			t.Fatalf("%d Kafka clusters, want 1", len(s.byKind["Kafka"]))
		}
		cluster := s.byKind["Kafka"][0].GetName()
		brokers, controllers := int64(0), int64(0)
		for _, np := range s.byKind["KafkaNodePool"] {
			n, _ := num(np, "spec", "replicas")
			roles, _, _ := unstructured.NestedStringSlice(np.Object, "spec", "roles")
			for _, r := range roles {
				switch r {
				case "broker":
					brokers += n
				case "controller":
					controllers += n
				}
			}
		}
		if brokers == 0 || controllers == 0 || controllers%2 == 0 {
			t.Errorf("node pools give %d brokers and %d controllers, want some brokers and an odd number of controllers", brokers, controllers)
		}
		for _, kind := range []string{"KafkaNodePool", "KafkaTopic", "KafkaUser"} {
			for _, o := range s.byKind[kind] {
				if got := o.GetLabels()["strimzi.io/cluster"]; got != cluster {
					t.Errorf("%s has strimzi.io/cluster %q, want %q", id(o), got, cluster)
				}
			}
		}
		partitions := map[string]int64{}
		for _, tp := range s.byKind["KafkaTopic"] {
			name := str(tp, "spec", "topicName")
			p, _ := num(tp, "spec", "partitions")
			r, _ := num(tp, "spec", "replicas")
			partitions[name] = p
			if r > brokers {
				t.Errorf("%s: %d replicas on %d brokers", id(tp), r, brokers)
			}
			if isr, err := strconv.ParseInt(str(tp, "spec", "config", "min.insync.replicas"), 10, 64); err == nil && isr > r {
				t.Errorf("%s: min.insync.replicas %d > replicas %d: writes with acks=all would fail", id(tp), isr, r)
			}
		}
		for name, compacted := range map[string]bool{
			"news.articles.raw": false, "news.articles.enriched": false, "news.articles.dlq": false, "news.fetcher.state": true,
		} {
			if _, ok := partitions[name]; !ok {
				t.Errorf("no KafkaTopic for %s", name)
				continue
			}
			for _, tp := range s.byKind["KafkaTopic"] {
				if str(tp, "spec", "topicName") == name && (str(tp, "spec", "config", "cleanup.policy") == "compact") != compacted {
					t.Errorf("%s: compacted=%v, want %v", name, !compacted, compacted)
				}
			}
		}
		for _, w := range s.workloads {
			c := w.template.Spec.Containers[0]
			user, _ := env(c, "KAFKA_SASL_USERNAME")
			if s.named("KafkaUser", user) == nil {
				t.Errorf("%s: KAFKA_SASL_USERNAME %q is not a rendered KafkaUser", w.name, user)
			}
			if !mountsSecret(w.template.Spec, user) {
				t.Errorf("%s: does not mount the Secret %q the user operator writes the password to", w.name, user)
			}
		}
		for _, so := range s.byKind["ScaledObject"] {
			checkScaledObject(t, s, so, partitions)
		}
	})
}

func mountsSecret(p corev1.PodSpec, name string) bool {
	for _, v := range p.Volumes {
		if v.Secret != nil && v.Secret.SecretName == name {
			return true
		}
	}
	return false
}

func checkScaledObject(t *testing.T, s *set, so *unstructured.Unstructured, partitions map[string]int64) {
	t.Helper()
	target := s.workload(str(so, "spec", "scaleTargetRef", "name"))
	if target == nil {
		t.Errorf("%s: scale target %q is not rendered", id(so), str(so, "spec", "scaleTargetRef", "name"))
		return
	}
	if target.replicas != nil {
		t.Errorf("%s: target %s sets spec.replicas, which would fight the HPA on every apply", id(so), target.name)
	}
	maxReplicas, ok := num(so, "spec", "maxReplicaCount")
	if !ok {
		maxReplicas = 100 // KEDA's default
	}
	triggers, _, _ := unstructured.NestedSlice(so.Object, "spec", "triggers")
	for _, tr := range triggers {
		md, _ := tr.(map[string]any)["metadata"].(map[string]any)
		topic, _ := md["topic"].(string)
		group, _ := md["consumerGroup"].(string)
		p, known := partitions[topic]
		switch {
		case !known:
			t.Errorf("%s: trigger topic %q has no KafkaTopic", id(so), topic)
		case maxReplicas > p:
			t.Errorf("%s: maxReplicaCount %d > %d partitions of %s: the extra consumers would idle", id(so), maxReplicas, p, topic)
		}
		var groupEnv bool
		for _, e := range target.template.Spec.Containers[0].Env {
			groupEnv = groupEnv || (strings.HasSuffix(e.Name, "_GROUP") && e.Value == group)
		}
		if !groupEnv {
			t.Errorf("%s: consumerGroup %q is not the group %s consumes in (its *_GROUP env)", id(so), group, target.name)
		}
	}
}

// operatorSecrets lists the Secrets the operators create for the rendered
// custom resources, which a pod or TriggerAuthentication may refer to.
func operatorSecrets(s *set) map[string]bool {
	out := map[string]bool{}
	for _, u := range s.byKind["KafkaUser"] {
		out[u.GetName()] = true // Strimzi user operator
	}
	for _, k := range s.byKind["Kafka"] {
		out[k.GetName()+"-cluster-ca-cert"] = true // Strimzi cluster operator
	}
	for _, c := range s.byKind["Cluster"] {
		out[c.GetName()+"-app"] = true // CloudNativePG application user
		out[c.GetName()+"-ca"] = true  // CloudNativePG server CA
	}
	return out
}

// TestReferencesResolve checks that every ConfigMap and Secret a pod or a
// TriggerAuthentication names is rendered, or created by an operator for a
// rendered resource: a dangling name only shows as a pod stuck starting.
func TestReferencesResolve(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, _ string, s *set) {
		secrets := operatorSecrets(s)
		for _, o := range s.byKind["Secret"] {
			secrets[o.GetName()] = true
		}
		configMaps := map[string]bool{}
		for _, o := range s.byKind["ConfigMap"] {
			configMaps[o.GetName()] = true
		}
		check := func(owner, kind, name string) {
			known := map[string]map[string]bool{"Secret": secrets, "ConfigMap": configMaps}[kind]
			if !known[name] {
				t.Errorf("%s refers to %s %q, which is neither rendered nor operator-created", owner, kind, name)
			}
		}
		for _, w := range s.workloads {
			p := w.template.Spec
			for _, v := range p.Volumes {
				if v.Secret != nil {
					check(w.name, "Secret", v.Secret.SecretName)
				}
				if v.ConfigMap != nil {
					check(w.name, "ConfigMap", v.ConfigMap.Name)
				}
			}
			for _, c := range p.Containers {
				for _, e := range c.Env {
					if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
						check(w.name, "Secret", e.ValueFrom.SecretKeyRef.Name)
					}
					if e.ValueFrom != nil && e.ValueFrom.ConfigMapKeyRef != nil {
						check(w.name, "ConfigMap", e.ValueFrom.ConfigMapKeyRef.Name)
					}
				}
			}
		}
		for _, ta := range s.byKind["TriggerAuthentication"] {
			for field, kind := range map[string]string{"secretTargetRef": "Secret", "configMapTargetRef": "ConfigMap"} {
				refs, _, _ := unstructured.NestedSlice(ta.Object, "spec", field)
				for _, r := range refs {
					name, _ := r.(map[string]any)["name"].(string)
					check(id(ta), kind, name)
				}
			}
		}
		for _, so := range s.byKind["ScaledObject"] {
			triggers, _, _ := unstructured.NestedSlice(so.Object, "spec", "triggers")
			for _, tr := range triggers {
				name, _, _ := unstructured.NestedString(tr.(map[string]any), "authenticationRef", "name")
				if s.named("TriggerAuthentication", name) == nil {
					t.Errorf("%s: authenticationRef %q is not rendered", id(so), name)
				}
			}
		}
	})
}

// TestOverlayShape checks what distinguishes the overlays: dev runs one of
// everything without autoscaling; prod runs three brokers, several replicas
// of each service and autoscales the two consumers. Every object of an
// overlay lives in its namespace.
func TestOverlayShape(t *testing.T) {
	forEachOverlay(t, func(t *testing.T, overlay string, s *set) {
		ns := ""
		for _, o := range s.objs {
			if o.GetNamespace() == "" || (ns != "" && o.GetNamespace() != ns) {
				t.Errorf("%s in namespace %q, want every object in the overlay's one namespace", id(o), o.GetNamespace())
			}
			ns = o.GetNamespace()
		}
		scaled := map[string]bool{}
		for _, so := range s.byKind["ScaledObject"] {
			scaled[str(so, "spec", "scaleTargetRef", "name")] = true
		}
		brokers := int64(0)
		for _, np := range s.byKind["KafkaNodePool"] {
			if n, _ := num(np, "spec", "replicas"); strings.Contains(fmt.Sprint(np.Object["spec"].(map[string]any)["roles"]), "broker") {
				brokers += n
			}
		}
		pgInstances, _ := num(s.byKind["Cluster"][0], "spec", "instances")
		switch overlay {
		case "dev":
			if len(scaled) != 0 {
				t.Errorf("dev autoscales %v, want no autoscaling", scaled)
			}
			for _, w := range s.workloads {
				if w.replicas == nil || *w.replicas != 1 {
					t.Errorf("dev %s replicas %v, want 1", w.name, w.replicas)
				}
			}
			if brokers != 1 || pgInstances != 1 {
				t.Errorf("dev runs %d brokers and %d PostgreSQL instances, want 1 and 1", brokers, pgInstances)
			}
		case "prod":
			if !scaled["enricher"] || !scaled["indexer"] {
				t.Errorf("prod autoscales %v, want enricher and indexer", scaled)
			}
			for _, so := range s.byKind["ScaledObject"] {
				if n, _ := num(so, "spec", "minReplicaCount"); n < 2 {
					t.Errorf("%s: minReplicaCount %d, want at least 2 in prod", id(so), n)
				}
			}
			if w := s.workload("fetcher"); w == nil || w.replicas == nil || *w.replicas < 2 {
				t.Error("prod runs fewer than 2 fetcher shards")
			}
			if brokers < 3 || pgInstances < 3 {
				t.Errorf("prod runs %d brokers and %d PostgreSQL instances, want at least 3 of each", brokers, pgInstances)
			}
			for _, w := range s.workloads {
				var covered bool
				for _, pdb := range s.byKind["PodDisruptionBudget"] {
					covered = covered || labelSelectorOf(pdb).Matches(labels.Set(w.template.Labels))
				}
				if !covered {
					t.Errorf("prod %s has no PodDisruptionBudget", w.name)
				}
			}
		default:
			t.Logf("overlay %s: no shape expectations", overlay)
		}
	})
}

func labelSelectorOf(o *unstructured.Unstructured) labels.Selector {
	m, _, _ := unstructured.NestedMap(o.Object, "spec", "selector")
	var ls metav1.LabelSelector
	if runtimeConvert(m, &ls) != nil {
		return labels.Nothing()
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil {
		return labels.Nothing()
	}
	return sel
}

func runtimeConvert(m map[string]any, out any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(m, out)
}

// TestPodProblemsDetects shows the hardening check fails a pod that lacks
// what it requires, and passes one that has it.
func TestPodProblemsDetects(t *testing.T) {
	bare := workload{kind: "Deployment", name: "bare",
		selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
		template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"a": "c"}},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "x", Image: "x:latest"}}},
		}}
	got := fmt.Sprint(podProblems(bare, &set{byKind: map[string][]*unstructured.Unstructured{}}))
	for _, want := range []string{
		"runAsNonRoot", "seccompProfile", "terminationGracePeriodSeconds", "automountServiceAccountToken",
		"serviceAccountName", "selector does not select", "latest tag", "no cpu request", "no memory limit",
		"liveness probe is not an HTTP GET of /healthz", "readiness probe is not an HTTP GET of /readyz", "no securityContext",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not mention %q:\n%s", want, got)
		}
	}

	// The rendered fetcher passes; removing one setting at a time fails it.
	s := newSet(t, render(t, overlays(t)[0]))
	w := *s.workload("fetcher")
	if errs := podProblems(w, s); len(errs) != 0 {
		t.Fatalf("rendered fetcher: %v", errs)
	}
	mutations := map[string]func(p *corev1.PodSpec){
		"readOnlyRootFilesystem":   func(p *corev1.PodSpec) { p.Containers[0].SecurityContext.ReadOnlyRootFilesystem = nil },
		"allowPrivilegeEscalation": func(p *corev1.PodSpec) { v := true; p.Containers[0].SecurityContext.AllowPrivilegeEscalation = &v },
		"capabilities": func(p *corev1.PodSpec) {
			p.Containers[0].SecurityContext.Capabilities.Add = []corev1.Capability{"NET_ADMIN"}
		},
		"port": func(p *corev1.PodSpec) { p.Containers[0].Ports = nil },
	}
	for name, mutate := range mutations {
		m := w
		m.template = *w.template.DeepCopy()
		mutate(&m.template.Spec)
		if errs := podProblems(m, s); !strings.Contains(fmt.Sprint(errs), name) {
			t.Errorf("after breaking %s: problems %v do not mention it", name, errs)
		}
	}
}

func TestImageProblem(t *testing.T) {
	tests := map[string]string{
		"ghcr.io/newsflow/fetcher:0.1.0":            "",
		"localhost:5000/fetcher:1":                  "",
		"fetcher@sha256:0123":                       "",
		"fetcher":                                   "has no tag",
		"localhost:5000/fetcher":                    "has no tag",
		"fetcher:latest":                            "uses the latest tag",
		"gcr.io/distroless/static-debian12:nonroot": "",
	}
	for image, want := range tests {
		if got := imageProblem(image); got != want {
			t.Errorf("imageProblem(%q) = %q, want %q", image, got, want)
		}
	}
}
