package main

// End to end: real HTTP backends on 127.0.0.1 (httptest), manifests in a
// temporary directory, the proxy on 127.0.0.1:0, requests through it, and
// reloads (SIGHUP to this process, and Proxy.Reload) while requests are in
// flight. Loopback only; every loop and wait is bounded.

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
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func startProxy(t *testing.T, f *fixture) string {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"-f", f.dir, "-class", "public", "-listen", "127.0.0.1:0",
			"-upstreams", f.upstreams, "-rule-header", "X-Ingroute-Rule"}, f.logs, ready)
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
	proxy := startProxy(t, f)

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
