//go:build unix

package kube

// End to end against a real API server: testcluster starts etcd and a
// kube-apiserver built from source on 127.0.0.1, and everything here goes
// through them (kubectl included). Skipped when the binaries are not
// there, unless INGROUTE_E2E_REQUIRED=1 (as in CI).
//
// INGROUTE_E2E_REPORT names a file that gets the measured figures
// (latency, the watcher's CPU and RSS at scale) as "key value" lines.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"ingroute.dev/ingroute"
	"ingroute.dev/ingroute/kube/internal/testcluster"
)

func report(t *testing.T, key string, value any) {
	t.Helper()
	t.Logf("REPORT %s %v", key, value)
	if path := os.Getenv("INGROUTE_E2E_REPORT"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fmt.Fprintf(f, "%s %v\n", key, value)
	}
}

// yamlIngress is one Ingress as kubectl takes it.
func yamlIngress(ns, name, class, host, path, svc string) string {
	cls := ""
	if class != "" {
		cls = "  ingressClassName: " + class + "\n"
	}
	return fmt.Sprintf(`---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: %s, namespace: %s}
spec:
%s  rules:
  - host: %s
    http:
      paths:
      - {path: %s, pathType: Prefix, backend: {service: {name: %s, port: {number: 80}}}}
`, name, ns, cls, host, path, svc)
}

func kubectl(t *testing.T, c *testcluster.Cluster, stdin string, args ...string) (string, error) {
	t.Helper()
	var in io.Reader
	if stdin != "" {
		in = strings.NewReader(stdin)
	}
	out, errOut, err := c.Kubectl(t.Context(), in, args...)
	if err != nil {
		return string(out) + string(errOut), err
	}
	return string(out), nil
}

// startWatcher runs a Watcher against the cluster until the test ends.
func startWatcher(t *testing.T, c *testcluster.Cluster, opts Options) *Watcher {
	t.Helper()
	opts.Config = c.RESTConfig()
	w, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		w.Close()
	})
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	if err := w.WaitReady(wctx); err != nil {
		t.Fatalf("watcher not ready: %v", err)
	}
	return w
}

func waitRoute(t *testing.T, w *Watcher, host, path, want string, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		got := routeOf(t, w, host, path)
		if got == want {
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Fatalf("%s%s: %q after %v, want %q", host, path, got, within, want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// The scenarios of one cluster, in order: they build on each other.
func TestE2EFollowsCluster(t *testing.T) {
	c := testcluster.New(t, testcluster.Options{})
	client, err := kubernetes.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if out, err := kubectl(t, c, "", "create", "namespace", "shop"); err != nil {
		t.Fatal(out)
	}
	w := startWatcher(t, c, Options{Ruleset: ingroute.Options{Class: "public"}})

	// 1. kubectl apply of 1,000 Ingresses: all routed once synced.
	var all strings.Builder
	for i := 0; i < 1000; i++ {
		all.WriteString(yamlIngress("shop", fmt.Sprintf("app-%04d", i), "public",
			fmt.Sprintf("app-%04d.example.test", i), "/", fmt.Sprintf("svc-%04d", i)))
	}
	start := time.Now()
	if out, err := kubectl(t, c, all.String(), "apply", "-f", "-"); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
	applied := time.Since(start)
	waitRoute(t, w, "app-0999.example.test", "/", "shop/svc-0999:80", 30*time.Second)
	for i := 0; i < 1000; i++ {
		host := fmt.Sprintf("app-%04d.example.test", i)
		if got, want := routeOf(t, w, host, "/x"), fmt.Sprintf("shop/svc-%04d:80", i); got != want {
			t.Fatalf("%s: %s, want %s", host, got, want)
		}
	}
	report(t, "kubectl_apply_1000_seconds", fmt.Sprintf("%.2f", applied.Seconds()))
	report(t, "apply_1000_to_all_routed_seconds", fmt.Sprintf("%.2f", time.Since(start).Seconds()))

	// 2. Edit one path: routed the new way within 1 s.
	edit := yamlIngress("shop", "app-0007", "public", "app-0007.example.test", "/v2", "svc-new")
	start = time.Now()
	if out, err := kubectl(t, c, edit, "apply", "-f", "-"); err != nil {
		t.Fatal(out)
	}
	waitRoute(t, w, "app-0007.example.test", "/v2/x", "shop/svc-new:80", time.Second)
	report(t, "kubectl_edit_to_routed_ms", time.Since(start).Milliseconds())

	// An invalid edit is refused by the API server, with the same words
	// ingroute uses, and nothing changes.
	gen := w.Generation()
	bad := yamlIngress("shop", "app-0007", "public", "app-0007.example.test", "v3", "svc-bad")
	out, err := kubectl(t, c, bad, "apply", "-f", "-")
	if err == nil || !strings.Contains(out, `spec.rules[0].http.paths[0].path: Invalid value: "v3": must be an absolute path`) {
		t.Fatalf("the API server accepted an invalid edit, or said something else: %v\n%s", err, out)
	}
	t.Logf("API server: %s", strings.TrimSpace(out))
	rs, _ := ingroute.NewRuleset(ingroute.Options{})
	diags, _ := rs.LoadBuffer("bad.yaml", []byte(bad))
	rs.Close()
	if !slices.ContainsFunc(diags, func(d ingroute.Diagnostic) bool {
		return d.Field == "spec.rules[0].http.paths[0].path" && strings.Contains(out, d.Message)
	}) {
		t.Fatalf("ingroute says otherwise: %v", diags)
	}
	time.Sleep(300 * time.Millisecond)
	if w.Generation() != gen || routeOf(t, w, "app-0007.example.test", "/v2/x") != "shop/svc-new:80" {
		t.Fatalf("an invalid edit changed something: generation %d (was %d)", w.Generation(), gen)
	}

	// 3. Delete: gone.
	if out, err := kubectl(t, c, "", "delete", "ingress", "-n", "shop", "app-0001"); err != nil {
		t.Fatal(out)
	}
	waitRoute(t, w, "app-0001.example.test", "/", "none", 5*time.Second)

	// Flip the default IngressClass: an Ingress that names no class is
	// served only while "public" is the default.
	classless := yamlIngress("shop", "classless", "", "classless.example.test", "/", "plain")
	if out, err := kubectl(t, c, classless, "apply", "-f", "-"); err != nil {
		t.Fatal(out)
	}
	class := func(isDefault bool) string {
		return fmt.Sprintf(`apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: public
  annotations: {ingressclass.kubernetes.io/is-default-class: "%t"}
spec: {controller: example.test/ingroute}
`, isDefault)
	}
	if out, err := kubectl(t, c, class(false), "apply", "-f", "-"); err != nil {
		t.Fatal(out)
	}
	time.Sleep(300 * time.Millisecond)
	if got := routeOf(t, w, "classless.example.test", "/"); got != "none" {
		t.Fatalf("classless served while public is not the default: %s", got)
	}
	if out, err := kubectl(t, c, class(true), "apply", "-f", "-"); err != nil {
		t.Fatal(out)
	}
	waitRoute(t, w, "classless.example.test", "/", "shop/plain:80", 5*time.Second)
	if out, err := kubectl(t, c, class(false), "apply", "-f", "-"); err != nil {
		t.Fatal(out)
	}
	waitRoute(t, w, "classless.example.test", "/", "none", 5*time.Second)

	// 4. Restart the API server mid-watch; change things once it is back.
	// After it settles, the router equals a fresh load of what kubectl
	// lists.
	if err := c.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if err := c.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		name := fmt.Sprintf("app-%04d", 100+i)
		if err := client.NetworkingV1().Ingresses("shop").Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	after := yamlIngress("shop", "after-restart", "public", "after.example.test", "/", "after")
	if out, err := kubectl(t, c, after, "apply", "-f", "-"); err != nil {
		t.Fatal(out)
	}
	waitRoute(t, w, "after.example.test", "/", "shop/after:80", 30*time.Second)
	waitRoute(t, w, "app-0119.example.test", "/", "none", 30*time.Second)
	ingJSON, err := kubectl(t, c, "", "get", "ingress", "-A", "-o", "json")
	if err != nil {
		t.Fatal(ingJSON)
	}
	clsJSON, err := kubectl(t, c, "", "get", "ingressclass", "-o", "json")
	if err != nil {
		t.Fatal(clsJSON)
	}
	fresh, err := ingroute.NewRuleset(ingroute.Options{Class: "public"})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for name, text := range map[string]string{"classes.json": clsJSON, "ingresses.json": ingJSON} {
		if _, err := fresh.LoadBuffer(name, []byte(text)); err != nil {
			t.Fatal(err)
		}
	}
	want := dump(t, fresh)
	var diff string
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := w.Acquire()
		b, err := s.Router.Dump()
		s.Release()
		if err != nil {
			t.Fatal(err)
		}
		if diff = firstDiff(string(b), want); diff == "" || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if diff != "" {
		t.Fatalf("after the restart the router differs from a fresh load of kubectl get: %s", diff)
	}
	if n := fresh.Len(); n != 1000-1-20+2 {
		t.Fatalf("kubectl lists %d Ingresses", n)
	}
}

func dump(t *testing.T, rs *ingroute.Ruleset) string {
	t.Helper()
	rt, err := rs.Compile()
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	b, err := rt.Dump()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// firstDiff compares two router dumps (JSON) by what routes: every
// member but "stats", whose byte counts depend on the order objects
// arrived in. It returns "" when they route alike.
func firstDiff(a, b string) string {
	var x, y map[string]json.RawMessage
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		return "watcher dump: " + err.Error()
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		return "fresh dump: " + err.Error()
	}
	clip := func(r json.RawMessage) string {
		if len(r) > 300 {
			return string(r[:300]) + "..."
		}
		return string(r)
	}
	for k, v := range x {
		if k == "stats" {
			continue
		}
		if !bytes.Equal(v, y[k]) {
			var xs, ys []json.RawMessage
			if json.Unmarshal(v, &xs) == nil && json.Unmarshal(y[k], &ys) == nil {
				for i := 0; i < len(xs) && i < len(ys); i++ {
					if !bytes.Equal(xs[i], ys[i]) {
						return fmt.Sprintf("%s[%d]:\n  watcher: %s\n  fresh:   %s", k, i, clip(xs[i]), clip(ys[i]))
					}
				}
				return fmt.Sprintf("%s: %d and %d entries", k, len(xs), len(ys))
			}
			return fmt.Sprintf("%s:\n  watcher: %s\n  fresh:   %s", k, clip(v), clip(y[k]))
		}
	}
	return ""
}

// Apply→routed latency: Ingresses created one after another at a steady
// rate while a poller notes when each first routes.
func TestE2ELatency(t *testing.T) {
	c := testcluster.New(t, testcluster.Options{})
	client, err := kubernetes.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	w := startWatcher(t, c, Options{})
	const n = 200
	created := make([]time.Time, n)
	routed := make([]time.Duration, n)
	var next atomic.Int64 // created so far
	done := make(chan struct{})
	go func() {
		defer close(done)
		pending := 0
		for pending < n {
			limit := int(next.Load())
			for i := pending; i < limit; i++ {
				if routed[i] != 0 {
					continue
				}
				if routeOf(t, w, fmt.Sprintf("lat-%03d.example.test", i), "/") != "none" {
					routed[i] = time.Since(created[i])
				}
			}
			for pending < limit && routed[pending] != 0 {
				pending++
			}
			time.Sleep(time.Millisecond)
		}
	}()
	tick := time.NewTicker(20 * time.Millisecond) // 50 a second
	defer tick.Stop()
	for i := 0; i < n; i++ {
		<-tick.C
		ing := ingress("default", fmt.Sprintf("lat-%03d", i), fmt.Sprintf("lat-%03d.example.test", i), "/", "svc")
		if _, err := client.NetworkingV1().Ingresses("default").Create(t.Context(), ing, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		created[i] = time.Now()
		next.Store(int64(i + 1))
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("not every Ingress was routed within 30 s")
	}
	slices.Sort(routed)
	report(t, "apply_to_routed_p50_ms", fmt.Sprintf("%.1f", float64(routed[n/2])/1e6))
	report(t, "apply_to_routed_p99_ms", fmt.Sprintf("%.1f", float64(routed[n*99/100])/1e6))
	report(t, "apply_to_routed_max_ms", fmt.Sprintf("%.1f", float64(routed[n-1])/1e6))
	if routed[n*99/100] > time.Second {
		t.Fatalf("p99 apply→routed %v, over a second", routed[n*99/100])
	}
}

// buildGoProxy builds examples/go-proxy into dir.
func buildGoProxy(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "go-proxy")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join("..", "..", "..", "examples", "go-proxy")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build go-proxy: %v\n%s", err, out)
	}
	return bin
}

// startProcess runs a command until the test ends; its output goes to
// the returned buffer.
func startProcess(t *testing.T, bin string, args ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	out := &lockedBuffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		waited := make(chan struct{})
		go func() { cmd.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-waited
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(bin), out.String())
		}
	})
	return cmd, out
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReadyz(t *testing.T, admin string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, err := http.Get("http://" + admin + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return string(body)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("go-proxy not ready after %v", within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// go-proxy following the cluster, serving real HTTP on loopback while
// Ingresses change: every answer comes from a backend that the Ingress
// for its host named at some point, never another's, never a 404 for a
// host that always had a route.
func TestE2EGoProxyNoMisroutes(t *testing.T) {
	c := testcluster.New(t, testcluster.Options{})
	client, err := kubernetes.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	// Backends: each answers with its own name.
	const hosts = 20
	var upstreamArgs []string
	for i := 0; i < hosts; i++ {
		for _, v := range []string{"a", "b"} {
			name := fmt.Sprintf("svc-%02d-%s", i, v)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Backend", name)
			}))
			t.Cleanup(srv.Close)
			upstreamArgs = append(upstreamArgs, "-upstream", "default/"+name+":80="+strings.TrimPrefix(srv.URL, "http://"))
		}
	}
	for i := 0; i < hosts; i++ {
		ing := ingress("default", fmt.Sprintf("h%02d", i), fmt.Sprintf("h%02d.example.test", i), "/", fmt.Sprintf("svc-%02d-a", i))
		if _, err := client.NetworkingV1().Ingresses("default").Create(ctx, ing, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	bin := buildGoProxy(t, t.TempDir())
	listen, admin := freeAddr(t), freeAddr(t)
	args := append([]string{"-kubeconfig", c.Kubeconfig(), "-listen", listen, "-admin", admin}, upstreamArgs...)
	startProcess(t, bin, args...)
	t.Logf("readyz: %s", waitReadyz(t, admin, 60*time.Second))

	// Clients, while a changer flips each host between its two backends.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var answers, wrong atomic.Int64
	var firstWrong atomic.Value
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	for cl := 0; cl < 32; cl++ {
		wg.Add(1)
		go func(cl int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				h := (cl + i) % hosts
				req, _ := http.NewRequest("GET", "http://"+listen+"/p", nil)
				req.Host = fmt.Sprintf("h%02d.example.test", h)
				resp, err := hc.Do(req)
				if err != nil {
					firstWrong.CompareAndSwap(nil, err.Error())
					wrong.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				answers.Add(1)
				b := resp.Header.Get("X-Backend")
				prefix := fmt.Sprintf("svc-%02d-", h)
				if resp.StatusCode != 200 || !strings.HasPrefix(b, prefix) {
					firstWrong.CompareAndSwap(nil, fmt.Sprintf("%s: %d from %q", req.Host, resp.StatusCode, b))
					wrong.Add(1)
				}
			}
		}(cl)
	}
	changes := 0
	for round := 0; round < 10; round++ {
		for i := 0; i < hosts; i++ {
			v := "b"
			if round%2 == 1 {
				v = "a"
			}
			ing := ingress("default", fmt.Sprintf("h%02d", i), fmt.Sprintf("h%02d.example.test", i), "/", fmt.Sprintf("svc-%02d-%s", i, v))
			cur, err := client.NetworkingV1().Ingresses("default").Get(ctx, ing.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ing.ResourceVersion = cur.ResourceVersion
			if _, err := client.NetworkingV1().Ingresses("default").Update(ctx, ing, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			changes++
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	report(t, "go_proxy_answers_during_changes", answers.Load())
	report(t, "go_proxy_ingress_updates", changes)
	if wrong.Load() != 0 {
		t.Fatalf("%d of %d answers wrong; first: %v", wrong.Load(), answers.Load(), firstWrong.Load())
	}
	// Settled: every host on its last backend ("a", round 9).
	for i := 0; i < hosts; i++ {
		req, _ := http.NewRequest("GET", "http://"+listen+"/", nil)
		req.Host = fmt.Sprintf("h%02d.example.test", i)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if b := resp.Header.Get("X-Backend"); b != fmt.Sprintf("svc-%02d-a", i) {
			t.Fatalf("%s settled on %q", req.Host, b)
		}
	}
}

// The watcher's cost at 10,000 Ingresses, measured on go-proxy (the
// watcher and an idle proxy in one process): CPU time to list and
// compile them, and resident memory once synced.
func TestE2EScale10k(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 Ingresses take a while")
	}
	c := testcluster.New(t, testcluster.Options{})
	cfg := c.RESTConfig()
	cfg.QPS, cfg.Burst = 1000, 1000
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const n = 10000
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for wk := 0; wk < 8; wk++ {
		wg.Add(1)
		go func(wk int) {
			defer wg.Done()
			for i := wk; i < n; i += 8 {
				ing := ingress("default", fmt.Sprintf("s%05d", i), fmt.Sprintf("s%05d.example.test", i), "/", "svc")
				if _, err := client.NetworkingV1().Ingresses("default").Create(t.Context(), ing, metav1.CreateOptions{}); err != nil {
					errs <- err
					return
				}
			}
		}(wk)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	report(t, "create_10k_seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))

	bin := buildGoProxy(t, t.TempDir())
	listen, admin := freeAddr(t), freeAddr(t)
	begin := time.Now()
	cmd, _ := startProcess(t, bin, "-kubeconfig", c.Kubeconfig(), "-listen", listen, "-admin", admin)
	body := waitReadyz(t, admin, 120*time.Second)
	ready := time.Since(begin)
	var rz struct{ Generation uint64 }
	_ = json.Unmarshal([]byte(body), &rz)
	cpuSync := procCPU(t, cmd.Process.Pid)
	// One change at this scale: the cost of a compile of 10k.
	ing := ingress("default", "one-more", "one-more.example.test", "/", "svc")
	if _, err := client.NetworkingV1().Ingresses("default").Create(t.Context(), ing, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest("GET", "http://"+listen+"/", nil)
		req.Host = "one-more.example.test"
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 404 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the 10,001st Ingress was never routed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(time.Second) // idle: the steady state
	cpuAll := procCPU(t, cmd.Process.Pid)
	rss, hwm := procMem(t, cmd.Process.Pid)
	report(t, "watcher_10k_ready_seconds", fmt.Sprintf("%.2f", ready.Seconds()))
	report(t, "watcher_10k_cpu_to_ready_seconds", fmt.Sprintf("%.2f", cpuSync))
	report(t, "watcher_10k_cpu_one_change_seconds", fmt.Sprintf("%.2f", cpuAll-cpuSync))
	report(t, "watcher_10k_rss_mib", fmt.Sprintf("%.1f", float64(rss)/1024))
	report(t, "watcher_10k_peak_rss_mib", fmt.Sprintf("%.1f", float64(hwm)/1024))
}

// procCPU is the user+system CPU seconds of a process.
func procCPU(t *testing.T, pid int) float64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / 100 // USER_HZ
}

// procMem is VmRSS and VmHWM in KiB.
func procMem(t *testing.T, pid int) (rss, hwm int) {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		v, _ := strconv.Atoi(fields[1])
		switch fields[0] {
		case "VmRSS:":
			rss = v
		case "VmHWM:":
			hwm = v
		}
	}
	return rss, hwm
}
