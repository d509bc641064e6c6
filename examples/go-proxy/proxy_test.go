package main

// End to end: real HTTP backends on 127.0.0.1 (httptest), manifests in a
// temporary directory, the proxy on 127.0.0.1:0, requests through it, and
// reloads (SIGHUP to this process, Proxy.Reload, and the files changing
// under the watcher) while requests are in flight. Loopback only; every
// loop and wait is bounded.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// syncBuffer is a log sink that tests can read while the proxy writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// backend answers with its name; /slow waits until release is closed.
type backend struct {
	name    string
	srv     *httptest.Server
	release chan struct{}
	entered chan struct{}
}

func newBackend(t *testing.T, name string) *backend {
	b := &backend{name: name, release: make(chan struct{}), entered: make(chan struct{}, 16)}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/slow") {
			b.entered <- struct{}{}
			select {
			case <-b.release:
			case <-time.After(10 * time.Second):
			}
		}
		w.Header().Set("X-Backend", name)
		fmt.Fprintf(w, "%s %s %s", name, r.Host, r.URL.RequestURI())
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *backend) addr() string { return strings.TrimPrefix(b.srv.URL, "http://") }

func ingress(name, host string, paths ...string) string {
	var s strings.Builder
	fmt.Fprintf(&s, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: %s, namespace: shop}\n"+
		"spec:\n  ingressClassName: public\n  rules:\n  - host: %s\n    http:\n      paths:\n", name, host)
	for _, p := range paths {
		f := strings.Fields(p) // TYPE PATH SERVICE PORT
		fmt.Fprintf(&s, "      - {path: %s, pathType: %s, backend: {service: {name: %s, port: {number: %s}}}}\n",
			f[1], f[0], f[2], f[3])
	}
	return s.String()
}

var (
	manifestV1 = ingress("web", "shop.example.com",
		"Prefix / web 80", "Prefix /api api 8080", "Exact /slow slow 80") +
		ingress("other", "other.example.com", "Prefix /x web 80") +
		"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
	// v2 moves / to web2 and drops /api.
	manifestV2 = ingress("web", "shop.example.com",
		"Prefix / web2 80", "Exact /slow slow 80")
)

type fixture struct {
	dir, upstreams string
	web, web2, api *backend
	slow           *backend
	logs           *syncBuffer
	client         *http.Client
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{
		dir:    t.TempDir(),
		web:    newBackend(t, "web"),
		web2:   newBackend(t, "web2"),
		api:    newBackend(t, "api"),
		slow:   newBackend(t, "slow"),
		logs:   &syncBuffer{},
		client: &http.Client{Timeout: 15 * time.Second},
	}
	f.upstreams = filepath.Join(t.TempDir(), "upstreams")
	ups := fmt.Sprintf("# NS/SERVICE:PORT=ADDR\nshop/web:80=%s\nshop/web2:80=%s\nshop/api:8080=%s\nshop/slow:80=%s\n",
		f.web.addr(), f.web2.addr(), f.api.addr(), f.slow.addr())
	if err := os.WriteFile(f.upstreams, []byte(ups), 0o644); err != nil {
		t.Fatal(err)
	}
	f.write(t, manifestV1)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("proxy log:\n%s", f.logs)
		}
	})
	return f
}

func (f *fixture) write(t *testing.T, manifest string) {
	// Write then rename, so a reload never reads half a file.
	tmp := filepath.Join(f.dir, ".tmp")
	if err := os.WriteFile(tmp, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(f.dir, "shop.yaml")); err != nil {
		t.Fatal(err)
	}
}

type answer struct {
	status  int
	backend string
	rule    string
	body    string
}

func (f *fixture) get(t *testing.T, proxy, host, path string) answer {
	t.Helper()
	req, err := http.NewRequest("GET", "http://"+proxy+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatalf("GET %s%s: %v", host, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header.Get("X-Backend"), resp.Header.Get("X-Ingroute-Rule"), string(body)}
}

// waitFor polls cond for up to 5 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	within(t, 5*time.Second, what, cond)
}

// within polls cond for up to d.
func within(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, d)
		}
	}
}

// startProxy runs the program on the fixture's directory (files watched
// unless extra says otherwise); extra flags come last.
func startProxy(t *testing.T, f *fixture, extra ...string) string {
	return startRun(t, f.logs, append([]string{"-f", f.dir, "-class", "public", "-listen", "127.0.0.1:0",
		"-upstreams", f.upstreams, "-rule-header", "X-Ingroute-Rule"}, extra...))
}

// startRun runs the program with these arguments until the test ends.
func startRun(t *testing.T, logs io.Writer, args []string) string {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, args, logs, ready)
	}()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			select {
			case err := <-errc:
				if err != nil {
					t.Errorf("run: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Error("proxy did not shut down")
			}
		})
		return addr
	case err := <-errc:
		cancel()
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("proxy did not start")
	}
	return ""
}

func TestEndToEnd(t *testing.T) {
	f := newFixture(t)
	proxy := startProxy(t, f, "-watch=false") // only SIGHUP reloads

	for _, c := range []struct {
		host, path     string
		status         int
		backend, rule  string
		bodyHasRequest bool
	}{
		{"shop.example.com", "/", 200, "web", "shop/web shop.example.com Prefix /", true},
		{"shop.example.com", "/api/v1/orders?id=7", 200, "api", "shop/web shop.example.com Prefix /api", true},
		{"Shop.Example.COM:8080", "/api/../api/x", 200, "api", "shop/web shop.example.com Prefix /api", false},
		{"shop.example.com", "/apix", 200, "web", "shop/web shop.example.com Prefix /", true},
		{"shop.example.com", "/API", 200, "web", "shop/web shop.example.com Prefix /", true},
		{"other.example.com", "/x/y", 200, "web", "shop/other other.example.com Prefix /x", true},
		{"other.example.com", "/y", 404, "", "none", false},
		{"unknown.example.com", "/", 404, "", "none", false},
		{"", "/", 404, "", "none", false},
	} {
		a := f.get(t, proxy, c.host, c.path)
		if a.status != c.status || a.backend != c.backend || a.rule != c.rule {
			t.Errorf("%s%s: got %d from %q (rule %q), want %d from %q (rule %q)\n%s",
				c.host, c.path, a.status, a.backend, a.rule, c.status, c.backend, c.rule, a.body)
		}
		// The backend sees the client's Host and request target.
		if c.bodyHasRequest && a.body != fmt.Sprintf("%s %s %s", c.backend, c.host, c.path) {
			t.Errorf("%s%s: backend saw %q", c.host, c.path, a.body)
		}
	}

	// A request in flight on the old router while SIGHUP reloads v2.
	slowDone := make(chan answer, 1)
	go func() { slowDone <- f.get(t, proxy, "shop.example.com", "/slow") }()
	select {
	case <-f.slow.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the slow request did not reach its backend")
	}
	f.write(t, manifestV2)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "generation 2", func() bool { return strings.Contains(f.logs.String(), "router generation 2 loaded") })
	if a := f.get(t, proxy, "shop.example.com", "/api/v1"); a.backend != "web2" || a.status != 200 {
		t.Errorf("after reload /api/v1: %+v", a)
	}
	if strings.Contains(f.logs.String(), "router generation 1 closed") {
		t.Error("generation 1 closed while a request routed by it was in flight")
	}
	close(f.slow.release)
	select {
	case a := <-slowDone:
		if a.status != 200 || a.backend != "slow" {
			t.Errorf("the in-flight request: %+v", a)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the in-flight request did not finish")
	}
	waitFor(t, "generation 1 closed", func() bool {
		return strings.Contains(f.logs.String(), "router generation 1 closed")
	})

	// A broken manifest: the reload fails and v2 keeps serving.
	f.write(t, "kind: [")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "failed reload", func() bool { return strings.Contains(f.logs.String(), "reload failed") })
	if a := f.get(t, proxy, "shop.example.com", "/"); a.backend != "web2" {
		t.Errorf("after a failed reload: %+v", a)
	}
}

// Many clients while the configuration flips back and forth: every
// request is answered by one of the two configurations, never an error.
func TestReloadUnderLoad(t *testing.T) {
	f := newFixture(t)
	p, err := NewProxy(Config{
		Files:         []string{f.dir},
		UpstreamsFile: f.upstreams,
		RuleHeader:    "X-Ingroute-Rule",
	}, log.New(f.logs, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	defer p.Close()
	proxy := strings.TrimPrefix(srv.URL, "http://")

	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan string, 100)
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("GET", "http://"+proxy+"/api/x", nil)
				req.Host = "shop.example.com"
				resp, err := f.client.Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if b := resp.Header.Get("X-Backend"); resp.StatusCode != 200 || (b != "api" && b != "web2") {
					errs <- fmt.Sprintf("status %d from %q", resp.StatusCode, b)
					return
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		if i%2 == 0 {
			f.write(t, manifestV2)
		} else {
			f.write(t, manifestV1)
		}
		if err := p.Reload(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := strings.Count(f.logs.String(), "closed"); n < 20 {
		t.Errorf("%d of 20 old routers closed", n)
	}
}

func TestUpstreamDefaultAndResource(t *testing.T) {
	dir := t.TempDir()
	manifest := ingress("web", "shop.example.com", "Prefix / web 80") + `  - http:
      paths:
      - {path: /bucket, pathType: Prefix, backend: {resource: {kind: Bucket, name: b}}}
`
	if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	p, err := NewProxy(Config{Files: []string{dir}}, log.New(logs, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	g := p.acquire()
	m, _ := g.router.Match("shop.example.com", "/")
	if u := p.upstream(m.Backend); u != "web.shop.svc.cluster.local:80" {
		t.Errorf("default upstream %q", u)
	}
	g.Release()
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest("GET", "http://anything/bucket/x", nil))
	if rec.Code != http.StatusBadGateway {
		t.Errorf("resource backend: %d %s", rec.Code, rec.Body)
	}
	if _, err := parseFlags([]string{"-upstream", "bad"}, io.Discard); err == nil {
		t.Error("-upstream bad accepted")
	}
	for _, bad := range [][]string{
		{"-listen", "127.0.0.1:0"},
		{"-f", dir, "-kubeconfig", "k"},
		{"-kubeconfig", "k", "-in-cluster"},
		{"-f", dir, "-max-idle-per-backend", "-1"},
		{"-f", dir, "-watch-debounce", "-1s"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if cfg, err := parseFlags([]string{"-kubeconfig", "k", "-watch-namespace", "shop"}, io.Discard); err != nil || !cfg.kubernetes() {
		t.Errorf("-kubeconfig: %+v %v", cfg, err)
	}
	cfg, err := parseFlags([]string{"-f", dir, "-upstream", "shop/web:80=127.0.0.1:9001", "-impl-specific", "exact"}, io.Discard)
	if err != nil || cfg.Upstreams["shop/web:80"] != "127.0.0.1:9001" {
		t.Errorf("%+v %v", cfg, err)
	}
	if !cfg.Watch || cfg.WatchDebounce != 200*time.Millisecond {
		t.Errorf("watch defaults: %v %v", cfg.Watch, cfg.WatchDebounce)
	}
	if cfg, err := parseFlags([]string{"-f", dir, "-watch=false", "-watch-debounce", "1s"}, io.Discard); err != nil ||
		cfg.Watch || cfg.WatchDebounce != time.Second {
		t.Errorf("-watch=false -watch-debounce 1s: %v %v %v", cfg.Watch, cfg.WatchDebounce, err)
	}
}

// The storm that used to cost routes: hundreds of clients, a reload every
// few milliseconds, and every other edit invalid (one path of the Ingress
// loses its leading slash). Another team's wildcard Ingress with a
// defaultBackend stands ready to take the host if the Ingress were ever
// dropped. Every answer must come from the Ingress's own backends: no
// 404, no misroute, no error (docs/semantics.md §1.6).
func TestReloadStormKeepsRoutes(t *testing.T) {
	f := newFixture(t)
	other := "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: catchall, namespace: other}\n" +
		"spec:\n  ingressClassName: public\n  defaultBackend: {service: {name: web2, port: {number: 80}}}\n" +
		"  rules:\n  - host: \"*.example.com\"\n    http:\n      paths:\n" +
		"      - {path: /, pathType: Prefix, backend: {service: {name: web2, port: {number: 80}}}}\n"
	if err := os.WriteFile(filepath.Join(f.dir, "other.yaml"), []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	ups, _ := os.ReadFile(f.upstreams)
	ups = append(ups, fmt.Sprintf("other/web2:80=%s\n", f.web2.addr())...)
	if err := os.WriteFile(f.upstreams, ups, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := NewProxy(Config{Files: []string{f.dir}, UpstreamsFile: f.upstreams}, log.New(f.logs, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	defer p.Close()

	valid := func(i int) string {
		return ingress("web", "shop.example.com", "Prefix / web 80", "Prefix /api api 8080",
			fmt.Sprintf("Exact /v%d web 80", i))
	}
	invalid := func(i int) string {
		return ingress("web", "shop.example.com", "Prefix / web 80", "Prefix /api api 8080",
			fmt.Sprintf("Exact v%d web 80", i))
	}
	f.write(t, valid(0))
	if err := p.Reload(); err != nil {
		t.Fatal(err)
	}

	clients := 300
	if raceEnabled {
		clients = 64 // the race detector multiplies the cost of each
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 15 * time.Second}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		bad      []string
		answered int
	)
	stop := make(chan struct{})
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			paths := []string{"/", "/api/x", "/cart"}
			want := []string{"web", "api", "web"}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := (c + i) % len(paths)
				req, _ := http.NewRequest("GET", srv.URL+paths[k], nil)
				req.Host = "shop.example.com"
				resp, err := client.Do(req)
				if err != nil {
					mu.Lock()
					bad = append(bad, err.Error())
					mu.Unlock()
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				answered++
				if b := resp.Header.Get("X-Backend"); resp.StatusCode != 200 || b != want[k] {
					bad = append(bad, fmt.Sprintf("%s: status %d from %q", paths[k], resp.StatusCode, b))
				}
				mu.Unlock()
			}
		}(c)
	}
	reloads, invalids := 0, 0
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); reloads++ {
		if reloads%2 == 1 {
			f.write(t, invalid(reloads))
			invalids++
		} else {
			f.write(t, valid(reloads))
		}
		if err := p.Reload(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d clients, %d reloads (%d invalid), %d answers", clients, reloads, invalids, answered)
	if len(bad) > 0 {
		t.Fatalf("%d of %d answers wrong; first: %s", len(bad), answered, bad[0])
	}
	if answered < clients {
		t.Fatalf("only %d answers", answered)
	}
	if n := strings.Count(f.logs.String(), "stays in effect"); n < invalids {
		t.Errorf("%d kept-version errors logged for %d invalid edits", n, invalids)
	}
}

// Upstream connections are kept and reused: many clients, many requests,
// and the backend sees about one connection per client, not one per
// request.
func TestUpstreamConnectionsReused(t *testing.T) {
	var newConns atomic.Int64
	be := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Backend", "web")
	}))
	be.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			newConns.Add(1)
		}
	}
	be.Start()
	defer be.Close()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(ingress("web", "shop.example.com", "Prefix / web 80")), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := NewProxy(Config{Files: []string{dir}, Upstreams: map[string]string{
		"shop/web:80": strings.TrimPrefix(be.URL, "http://"),
	}}, log.New(io.Discard, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	srv := httptest.NewServer(p)
	defer srv.Close()
	const clients, each = 100, 20
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	var failures atomic.Int64
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				req, _ := http.NewRequest("GET", srv.URL+"/", nil)
				req.Host = "shop.example.com"
				resp, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failures.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	n := newConns.Load()
	t.Logf("%d requests from %d clients: %d upstream connections", clients*each, clients, n)
	if failures.Load() > 0 {
		t.Fatalf("%d failed requests", failures.Load())
	}
	// Go's default transport keeps 2 idle connections per host: about
	// one new connection per request here.
	if n > 2*clients {
		t.Fatalf("%d upstream connections for %d requests: not reused", n, clients*each)
	}
}

func TestAdminReadyz(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(ingress("web", "shop.example.com", "Prefix / web 80")), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := NewProxy(Config{Files: []string{dir}}, log.New(io.Discard, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rec := httptest.NewRecorder()
	p.adminHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"ready":true`) ||
		!strings.Contains(rec.Body.String(), `"generation":1`) {
		t.Fatalf("readyz: %d %s", rec.Code, rec.Body)
	}
}

// Following the files without a signal.

// reloadsDone counts the reloads that finished, in the log: a new router,
// manifests unchanged, or a failed reload.
func reloadsDone(logs string) int {
	return strings.Count(logs, " loaded from ") + strings.Count(logs, "manifests unchanged") +
		strings.Count(logs, "reload failed")
}

// watchReloads counts the reloads the file watcher started.
func watchReloads(logs string) int { return strings.Count(logs, "; reloading") }

// quiet waits until the log has not grown for half a second (at most 5).
func quiet(t *testing.T, logs *syncBuffer) {
	t.Helper()
	last, since := logs.String(), time.Now()
	within(t, 5*time.Second, "a quiet log", func() bool {
		if l := logs.String(); l != last {
			last, since = l, time.Now()
		}
		return time.Since(since) >= 500*time.Millisecond
	})
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// (a) Edits in a watched directory are served without SIGHUP, within a
// second of the write, with the default debounce: an editor's rename over
// the file, a write in place, a new file, a removed one. SIGHUP still
// reloads. The directory removed and created again is watched again.
func TestWatchDirectory(t *testing.T) {
	f := newFixture(t)
	proxy := startProxy(t, f)
	backend := func(host, path string) func() string {
		return func() string { return f.get(t, proxy, host, path).backend }
	}
	if b := backend("shop.example.com", "/api/v1")(); b != "api" {
		t.Fatalf("before: /api/v1 from %q", b)
	}
	f.write(t, manifestV2) // a new file renamed over shop.yaml
	within(t, time.Second, "the edit (rename) served", func() bool { return backend("shop.example.com", "/api/v1")() == "web2" })
	writeFile(t, filepath.Join(f.dir, "shop.yaml"), manifestV1) // in place
	within(t, time.Second, "the edit (in place) served", func() bool { return backend("shop.example.com", "/api/v1")() == "api" })
	writeFile(t, filepath.Join(f.dir, "more.yml"), ingress("more", "more.example.com", "Prefix / web2 80"))
	within(t, time.Second, "a new file served", func() bool { return backend("more.example.com", "/")() == "web2" })
	if err := os.Remove(filepath.Join(f.dir, "more.yml")); err != nil {
		t.Fatal(err)
	}
	within(t, time.Second, "a removed file no longer served", func() bool {
		return f.get(t, proxy, "more.example.com", "/").status == 404
	})

	// A file the loader does not read changes nothing.
	quiet(t, f.logs)
	n := watchReloads(f.logs.String())
	writeFile(t, filepath.Join(f.dir, "notes.txt"), "not a manifest")
	time.Sleep(500 * time.Millisecond)
	if m := watchReloads(f.logs.String()); m != n {
		t.Errorf("notes.txt made %d reloads", m-n)
	}

	// SIGHUP still reloads; the watcher stays quiet.
	done := reloadsDone(f.logs.String())
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the SIGHUP reload", func() bool { return reloadsDone(f.logs.String()) > done })
	if m := watchReloads(f.logs.String()); m != n {
		t.Errorf("the watcher reloaded %d times after SIGHUP", m-n)
	}

	// The directory removed (the reload fails, the routes stay) and
	// created again: watched again.
	failed := strings.Count(f.logs.String(), "reload failed")
	if err := os.RemoveAll(f.dir); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the failed reload", func() bool { return strings.Count(f.logs.String(), "reload failed") > failed })
	if b := backend("shop.example.com", "/api/v1")(); b != "api" {
		t.Errorf("with the directory gone: from %q", b)
	}
	if err := os.Mkdir(f.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f.write(t, manifestV2)
	within(t, time.Second, "the directory created again served", func() bool { return backend("shop.example.com", "/api/v1")() == "web2" })
}

// A file argument is watched through its directory: an editor's rename,
// the file removed (the reload fails and the routes stay) and created
// again, and the upstreams file.
func TestWatchFileArgument(t *testing.T) {
	f := newFixture(t)
	shop := filepath.Join(f.dir, "shop.yaml")
	proxy := startRun(t, f.logs, []string{"-f", shop, "-class", "public", "-listen", "127.0.0.1:0",
		"-upstreams", f.upstreams, "-watch-debounce", "50ms"})
	backend := func() string { return f.get(t, proxy, "shop.example.com", "/api/v1").backend }
	f.write(t, manifestV2)
	within(t, time.Second, "the edit served", func() bool { return backend() == "web2" })
	if err := os.Remove(shop); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the failed reload", func() bool { return strings.Contains(f.logs.String(), "reload failed") })
	if b := backend(); b != "web2" {
		t.Errorf("with the file gone: from %q", b)
	}
	writeFile(t, shop, manifestV1)
	within(t, time.Second, "the file created again served", func() bool { return backend() == "api" })

	// The same directory's other files are not the argument.
	quiet(t, f.logs)
	n := watchReloads(f.logs.String())
	writeFile(t, filepath.Join(f.dir, "other.yaml"), manifestV2)
	time.Sleep(300 * time.Millisecond)
	if m := watchReloads(f.logs.String()); m != n {
		t.Errorf("other.yaml made %d reloads", m-n)
	}

	// The upstreams file is followed too: shop/api:8080 moves to web2.
	ups := fmt.Sprintf("shop/web:80=%s\nshop/web2:80=%s\nshop/api:8080=%s\n", f.web.addr(), f.web2.addr(), f.web2.addr())
	tmp := f.upstreams + ".tmp"
	writeFile(t, tmp, ups)
	if err := os.Rename(tmp, f.upstreams); err != nil {
		t.Fatal(err)
	}
	within(t, time.Second, "the upstreams edit served", func() bool { return backend() == "web2" })
}

// configMap is a ConfigMap volume as kubelet's atomic writer makes it: the
// data in a timestamped directory, ..data a symlink to it, and each key a
// symlink through ..data. An update writes a new timestamped directory,
// renames a new ..data symlink (..data_tmp) over the old one, adds and
// removes the visible symlinks, then removes the old directory.
type configMap struct {
	dir  string
	ts   string
	keys map[string]bool
	n    int
}

func newConfigMap(t *testing.T, data map[string]string) *configMap {
	c := &configMap{dir: t.TempDir(), keys: map[string]bool{}}
	c.update(t, data)
	return c
}

func (c *configMap) update(t *testing.T, data map[string]string) {
	t.Helper()
	c.n++
	ts := fmt.Sprintf("..2026_12_04_10_00_%02d.%09d", 5*(c.n-1), c.n)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(filepath.Join(c.dir, ts), 0o755))
	for k, v := range data {
		writeFile(t, filepath.Join(c.dir, ts, k), v)
	}
	must(os.Symlink(ts, filepath.Join(c.dir, "..data_tmp")))
	must(os.Rename(filepath.Join(c.dir, "..data_tmp"), filepath.Join(c.dir, "..data")))
	for k := range data {
		if !c.keys[k] {
			must(os.Symlink(filepath.Join("..data", k), filepath.Join(c.dir, k)))
		}
	}
	for k := range c.keys {
		if _, ok := data[k]; !ok {
			must(os.Remove(filepath.Join(c.dir, k)))
		}
	}
	if c.ts != "" {
		must(os.RemoveAll(filepath.Join(c.dir, c.ts)))
	}
	c.ts = ts
	c.keys = map[string]bool{}
	for k := range data {
		c.keys[k] = true
	}
}

// (b) A ConfigMap volume: every update arrives as the ..data swap, and the
// routes follow it, whether -f names the mounted directory or a key in it.
func TestWatchConfigMap(t *testing.T) {
	extra := ingress("extra", "extra.example.com", "Prefix / web2 80")
	for _, mode := range []string{"directory", "file"} {
		t.Run(mode, func(t *testing.T) {
			f := newFixture(t)
			cm := newConfigMap(t, map[string]string{"shop.yaml": manifestV1})
			if fi, err := os.Lstat(filepath.Join(cm.dir, "shop.yaml")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("shop.yaml is not a symlink: %v %v", fi, err)
			}
			arg := cm.dir
			if mode == "file" {
				arg = filepath.Join(cm.dir, "shop.yaml")
			}
			proxy := startRun(t, f.logs, []string{"-f", arg, "-class", "public", "-listen", "127.0.0.1:0",
				"-upstreams", f.upstreams, "-watch-debounce", "50ms"})
			backend := func(host, path string) string { return f.get(t, proxy, host, path).backend }
			if b := backend("shop.example.com", "/api/v1"); b != "api" {
				t.Fatalf("before: /api/v1 from %q", b)
			}
			// Three swaps: each moves the watches to a new directory.
			cm.update(t, map[string]string{"shop.yaml": manifestV2})
			waitFor(t, "swap 1 served", func() bool { return backend("shop.example.com", "/api/v1") == "web2" })
			cm.update(t, map[string]string{"shop.yaml": manifestV1, "extra.yaml": extra})
			waitFor(t, "swap 2 served", func() bool { return backend("shop.example.com", "/api/v1") == "api" })
			if mode == "directory" {
				waitFor(t, "the new key served", func() bool { return backend("extra.example.com", "/") == "web2" })
			}
			cm.update(t, map[string]string{"shop.yaml": manifestV2})
			waitFor(t, "swap 3 served", func() bool { return backend("shop.example.com", "/api/v1") == "web2" })
			if a := f.get(t, proxy, "extra.example.com", "/"); a.status != 404 {
				t.Errorf("the removed key still served: %+v", a)
			}
			// Only the visible names are manifests: nothing the loader
			// reported names kubelet's own entries.
			for _, l := range strings.Split(f.logs.String(), "\n") {
				if (strings.Contains(l, "error:") || strings.Contains(l, "warning:") || strings.Contains(l, "reload failed")) &&
					strings.Contains(l, "..") {
					t.Errorf("the loader read kubelet's entries: %s", l)
				}
			}
			t.Logf("%d reloads for 3 swaps", watchReloads(f.logs.String()))
		})
	}
}

// (c) An invalid edit keeps the Ingress's last good version (a DiagKept
// error, "stays in effect", is logged) while the valid rest of the edit
// applies; the fix then applies.
func TestWatchInvalidEditKeepsRoute(t *testing.T) {
	f := newFixture(t)
	proxy := startProxy(t, f, "-watch-debounce", "50ms")
	// web moves / to web2 and drops /api, but one path lost its slash;
	// other is gone from the file.
	f.write(t, ingress("web", "shop.example.com", "Prefix / web2 80", "Exact slow slow 80"))
	waitFor(t, "the kept error", func() bool { return strings.Contains(f.logs.String(), "stays in effect") })
	waitFor(t, "the rest of the edit served", func() bool { return f.get(t, proxy, "other.example.com", "/x").status == 404 })
	for path, want := range map[string]string{"/": "web", "/api/v1": "api"} {
		if a := f.get(t, proxy, "shop.example.com", path); a.backend != want {
			t.Errorf("after the invalid edit %s: %+v, want %s", path, a, want)
		}
	}
	f.write(t, manifestV2)
	waitFor(t, "the fix served", func() bool { return f.get(t, proxy, "shop.example.com", "/api/v1").backend == "web2" })
}

// (d) A burst of 50 writes in about 100 ms makes one reload or two, not one
// per write (with -watch-debounce 0 it makes many: see the log).
func TestWatchDebounceBurst(t *testing.T) {
	f := newFixture(t)
	proxy := startProxy(t, f)
	quiet(t, f.logs)
	reloads0, routers0 := watchReloads(f.logs.String()), strings.Count(f.logs.String(), " loaded from ")
	start := time.Now()
	for i := 0; i < 50; i++ { // one every 2 ms
		f.write(t, ingress("web", "shop.example.com", "Prefix / web 80", fmt.Sprintf("Exact /v%d web2 80", i)))
		time.Sleep(time.Until(start.Add(time.Duration(i+1) * 2 * time.Millisecond)))
	}
	burst := time.Since(start)
	waitFor(t, "the last write served", func() bool { return f.get(t, proxy, "shop.example.com", "/v49").backend == "web2" })
	quiet(t, f.logs)
	reloads := watchReloads(f.logs.String()) - reloads0
	routers := strings.Count(f.logs.String(), " loaded from ") - routers0
	t.Logf("50 writes in %v: %d reloads, %d new routers", burst.Round(time.Millisecond), reloads, routers)
	if reloads < 1 || reloads > 3 || routers > reloads {
		t.Errorf("50 writes in %v: %d reloads, %d new routers; want 1 to 3", burst, reloads, routers)
	}
}

// The watcher runs one reload at a time, keeps reading events while it
// runs, makes one more reload for everything that changed meanwhile, and
// on stopping waits for the reload it started.
func TestWatcherOneReloadAtATime(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "m.yaml")
	writeFile(t, file, "a")
	logs := &syncBuffer{}
	w, err := newFileWatcher([]string{dir}, 20*time.Millisecond, log.New(logs, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var running, most, calls atomic.Int64
	entered := make(chan int64, 16)
	release := make(chan struct{}, 16)
	reload := func() {
		if n := running.Add(1); n > most.Load() {
			most.Store(n)
		}
		entered <- calls.Add(1)
		<-release
		running.Add(-1)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		w.run(ctx, reload)
		close(stopped)
	}()
	next := func(what string) {
		t.Helper()
		select {
		case <-entered:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no reload", what)
		}
	}
	writeFile(t, file, "b")
	next("a change")
	for i := 0; i < 500; i++ { // while the reload runs
		writeFile(t, file, fmt.Sprint(i))
	}
	time.Sleep(200 * time.Millisecond)
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d reloads while the first ran", n)
	}
	release <- struct{}{}
	next("the changes during the first reload")
	release <- struct{}{}
	time.Sleep(200 * time.Millisecond)
	if n := calls.Load(); n != 2 {
		t.Errorf("%d reloads, want 2", n)
	}
	// Stopping during a reload waits for it.
	writeFile(t, file, "c")
	next("the third change")
	cancel()
	select {
	case <-stopped:
		t.Fatal("run returned while its reload ran")
	case <-time.After(100 * time.Millisecond):
	}
	release <- struct{}{}
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return")
	}
	if most.Load() != 1 {
		t.Errorf("%d reloads at once", most.Load())
	}
}

// A steady stream of changes, each sooner than the debounce after the
// last, still reloads (every ten times the debounce).
func TestWatcherSteadyStream(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "m.yaml")
	writeFile(t, file, "a")
	w, err := newFileWatcher([]string{file}, 50*time.Millisecond, log.New(io.Discard, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var calls atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		w.run(ctx, func() { calls.Add(1) })
		close(stopped)
	}()
	defer func() { cancel(); <-stopped }()
	for start := time.Now(); time.Since(start) < 1500*time.Millisecond; time.Sleep(10 * time.Millisecond) {
		writeFile(t, file, time.Now().String())
	}
	if n := calls.Load(); n < 1 {
		t.Errorf("no reload during 1.5 s of changes every 10 ms (debounce 50ms)")
	}
}

// The watcher and everything else run started stop when it returns, even
// with a reload due.
func TestWatchStopsCleanly(t *testing.T) {
	f := newFixture(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
		goleak.IgnoreTopFunction("k8s.io/klog/v2.(*flushDaemon).run.func1"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"-f", f.dir, "-class", "public", "-listen", "127.0.0.1:0",
			"-upstreams", f.upstreams, "-watch-debounce", "50ms"}, f.logs, ready)
	}()
	var proxy string
	select {
	case proxy = <-ready:
	case err := <-errc:
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("proxy did not start")
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	f.client = &http.Client{Transport: tr, Timeout: 15 * time.Second}
	f.write(t, manifestV2)
	waitFor(t, "the edit served", func() bool { return f.get(t, proxy, "shop.example.com", "/api/v1").backend == "web2" })
	f.write(t, manifestV1) // a reload due, or running, as run stops
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return")
	}
	tr.CloseIdleConnections()
}
