package ingroute_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"ingroute.dev/ingroute"
	"ingroute.dev/ingroute/internal/cheap"
)

const shop = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  creationTimestamp: "2025-01-01T00:00:00Z"
spec:
  ingressClassName: public
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
  tls:
  - {hosts: [shop.example.com, "*.shop.example.com"], secretName: shop-tls}
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /cart, pathType: Exact, backend: {service: {name: cart, port: {name: http}}}}
      - path: /static/
        pathType: ImplementationSpecific
        backend: {resource: {apiGroup: storage.example.com, kind: Bucket, name: assets}}
  - host: "*.shop.example.com"
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: preview, port: {number: 8080}}}}
`

const ops = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: internal, namespace: ops}
spec:
  ingressClassName: internal
  rules:
  - host: ops.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: ops, port: {number: 80}}}}
`

func mustLoad(t testing.TB, opts ingroute.Options, text string) *ingroute.Router {
	t.Helper()
	rt, err := ingroute.LoadText(opts, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}

func mustMatch(t testing.TB, rt *ingroute.Router, host, path string) ingroute.Match {
	t.Helper()
	m, err := rt.Match(host, path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func examplesDir(t testing.TB) string {
	return filepath.Join(filepath.Dir(dataDir(t)), "..", "examples", "manifests")
}

func TestVersion(t *testing.T) {
	v := ingroute.VersionNumber()
	if int(v>>16) != ingroute.HeaderVersionMajor {
		t.Fatalf("library %s, header major %d", ingroute.Version(), ingroute.HeaderVersionMajor)
	}
	if !strings.HasPrefix(ingroute.Version(), "0.") {
		t.Fatalf("version %q", ingroute.Version())
	}
}

func TestMatchFields(t *testing.T) {
	rt := mustLoad(t, ingroute.Options{Class: "public", SourceName: "shop.yaml"}, shop+"---\n"+ops)
	m := mustMatch(t, rt, "Shop.Example.com:443", "/cart?x=1")
	want := ingroute.Match{
		Decision: ingroute.DecisionPath,
		Backend:  ingroute.Backend{Kind: ingroute.BackendService, Namespace: "shop", Service: "cart", PortName: "http"},
		Ingress:  ingroute.IngressRef{Namespace: "shop", Name: "web"},
		Rule:     ingroute.Rule{Host: "shop.example.com", Path: "/cart", PathType: ingroute.PathExact},
		VHost:    ingroute.VHostExact,
	}
	if m != want {
		t.Fatalf("got %+v\nwant %+v", m, want)
	}
	if s := m.String(); s != "path shop/cart:http via shop/web shop.example.com Exact /cart" {
		t.Fatal(s)
	}
	m = mustMatch(t, rt, "shop.example.com", "/static/app.js")
	if m.Backend.Kind != ingroute.BackendResource || m.Backend.String() != "resource:storage.example.com/Bucket/assets" ||
		m.Rule.PathType != ingroute.PathImplementationSpecific {
		t.Fatalf("%+v", m)
	}
	m = mustMatch(t, rt, "pr-1.shop.example.com", "/x")
	if m.VHost != ingroute.VHostWildcard || m.Backend.PortNumber != 8080 || m.Rule.Host != "*.shop.example.com" {
		t.Fatalf("%+v", m)
	}
	m = mustMatch(t, rt, "ops.example.com", "/") // not served: class internal
	if m.Decision != ingroute.DecisionDefault || m.Backend.String() != "shop/fallback:80" || m.Rule != (ingroute.Rule{}) {
		t.Fatalf("%+v", m)
	}
	if m := mustMatch(t, rt, "", "/"); m.Decision != ingroute.DecisionDefault {
		t.Fatalf("%+v", m)
	}
	if m := mustMatch(t, rt, "shop.example.com", ""); m.Rule.Path != "/" {
		t.Fatalf("%+v", m)
	}
}

func TestNoneAndOptionDefault(t *testing.T) {
	rt := mustLoad(t, ingroute.Options{}, ops)
	if m := mustMatch(t, rt, "nowhere.test", "/"); m != (ingroute.Match{}) || m.String() != "none" {
		t.Fatalf("%+v", m)
	}
	rt = mustLoad(t, ingroute.Options{DefaultBackend: "ops/fallback:http"}, ops)
	m := mustMatch(t, rt, "nowhere.test", "/")
	if m.Decision != ingroute.DecisionDefault || m.DefaultSource != ingroute.DefaultOption ||
		m.Ingress != (ingroute.IngressRef{}) || m.String() != "default ops/fallback:http via option" {
		t.Fatalf("%+v", m)
	}
}

func TestOptions(t *testing.T) {
	rt := mustLoad(t, ingroute.Options{NoNormalize: true}, shop)
	if m := mustMatch(t, rt, "Shop.Example.com", "/cart"); m.Decision == ingroute.DecisionPath {
		t.Fatalf("no-normalize matched %+v", m)
	}
	rt = mustLoad(t, ingroute.Options{ImplSpecific: ingroute.ImplStringPrefix}, shop)
	if m := mustMatch(t, rt, "shop.example.com", "/static/x"); m.Rule.Path != "/static/" {
		t.Fatalf("%+v", m)
	}
	rt = mustLoad(t, ingroute.Options{ImplSpecific: ingroute.ImplExact}, shop)
	if m := mustMatch(t, rt, "shop.example.com", "/static/x"); m.Rule.Path != "/" {
		t.Fatalf("%+v", m)
	}
	if _, err := ingroute.ParseImplMode("regex"); err == nil {
		t.Fatal("regex accepted")
	}
	_, err := ingroute.LoadText(ingroute.Options{ImplSpecific: 7}, []byte(shop))
	if !errors.Is(err, ingroute.ErrInvalidArgument) {
		t.Fatalf("bad impl mode: %v", err)
	}
	_, err = ingroute.LoadText(ingroute.Options{DefaultBackend: "no-port"}, []byte(shop))
	if !errors.Is(err, ingroute.ErrInvalidArgument) {
		t.Fatalf("bad default backend: %v", err)
	}
}

func TestTLS(t *testing.T) {
	rt := mustLoad(t, ingroute.Options{}, shop)
	tm, err := rt.TLS("SHOP.example.com")
	want := ingroute.TLSMatch{Found: true, SecretNamespace: "shop", SecretName: "shop-tls",
		Host: "shop.example.com", Ingress: ingroute.IngressRef{Namespace: "shop", Name: "web"}}
	if err != nil || tm != want {
		t.Fatalf("%+v %v", tm, err)
	}
	if tm, _ := rt.TLS("a.shop.example.com"); tm.Host != "*.shop.example.com" {
		t.Fatalf("%+v", tm)
	}
	if tm, _ := rt.TLS("example.org"); tm.Found {
		t.Fatalf("%+v", tm)
	}
}

func TestExplainDump(t *testing.T) {
	rt := mustLoad(t, ingroute.Options{}, shop)
	b, err := rt.Explain("shop.example.com", "/cartx")
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Decision   string `json:"decision"`
		Candidates []struct {
			Path string `json:"path"`
		} `json:"candidates"`
	}
	if err := json.Unmarshal(b, &e); err != nil || e.Decision != "path" || len(e.Candidates) != 3 {
		t.Fatalf("%s %v", b, err)
	}
	b, err = rt.Dump()
	var d struct {
		VirtualHosts []struct {
			Host string `json:"host"`
		} `json:"virtualHosts"`
	}
	if err != nil || json.Unmarshal(b, &d) != nil || len(d.VirtualHosts) != 2 {
		t.Fatalf("%s %v", b, err)
	}
}

const routes = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: routes, namespace: shop}
spec:
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /app, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
      - path: /static/
        pathType: ImplementationSpecific
        backend: {service: {name: static, port: {number: 80}}}
  - http:
      paths:
      - {path: /any, pathType: Prefix, backend: {service: {name: anyhost, port: {number: 80}}}}
`

// One Ruleset, loaded once, compiled into Routers that answer differently.
func TestCompileWith(t *testing.T) {
	rs, err := ingroute.NewRuleset(ingroute.Options{Fallthrough: true, DefaultBackend: "ops/fallback:http"})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if _, err := rs.LoadBuffer("routes.yaml", []byte(routes)); err != nil {
		t.Fatal(err)
	}
	// service names where a request goes: "=NAME" for a default, "" none.
	service := func(opts ingroute.CompileOptions, host, path string) string {
		t.Helper()
		rt, err := rs.CompileWith(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer rt.Close()
		m := mustMatch(t, rt, host, path)
		switch m.Decision {
		case ingroute.DecisionDefault:
			return "=" + m.Backend.Service
		case ingroute.DecisionPath:
			return m.Backend.Service
		}
		return ""
	}
	for _, c := range []struct {
		opts       ingroute.CompileOptions
		host, path string
		want       string
	}{
		{ingroute.CompileOptions{}, "a.example.com", "/any/1", "anyhost"},
		{ingroute.CompileOptions{Set: ingroute.CompileFallthrough}, "a.example.com", "/any/1", "=fallback"},
		{ingroute.CompileOptions{Set: ingroute.CompileFallthrough, Fallthrough: true}, "a.example.com", "/any/1", "anyhost"},
		{ingroute.CompileOptions{}, "A.example.com:443", "/x/../app", "app"},
		{ingroute.CompileOptions{Set: ingroute.CompileNoNormalize, NoNormalize: true}, "A.example.com:443", "/app", "=fallback"},
		{ingroute.CompileOptions{Set: ingroute.CompileNoNormalize, NoNormalize: true}, "a.example.com", "/app", "app"},
		// NoNormalize without its field named is not used.
		{ingroute.CompileOptions{NoNormalize: true}, "A.example.com", "/app", "app"},
		{ingroute.CompileOptions{}, "a.example.com", "/static", "static"},
		{ingroute.CompileOptions{Set: ingroute.CompileImplSpecific, ImplSpecific: ingroute.ImplExact}, "a.example.com", "/static/a", "=fallback"},
		{ingroute.CompileOptions{Set: ingroute.CompileImplSpecific, ImplSpecific: ingroute.ImplExact}, "a.example.com", "/static/", "static"},
		{ingroute.CompileOptions{Set: ingroute.CompileImplSpecific, ImplSpecific: ingroute.ImplStringPrefix}, "a.example.com", "/static", "=fallback"},
		{ingroute.CompileOptions{Set: ingroute.CompileImplSpecific, ImplSpecific: ingroute.ImplStringPrefix}, "a.example.com", "/static/a", "static"},
		{ingroute.CompileOptions{Set: ingroute.CompileImplSpecific, ImplSpecific: ingroute.ImplPrefix}, "a.example.com", "/static", "static"},
		{ingroute.CompileOptions{}, "nowhere.test", "/", "=fallback"},
		{ingroute.CompileOptions{Set: ingroute.CompileDefaultBackend, DefaultBackend: "ops/other:81"}, "nowhere.test", "/", "=other"},
		{ingroute.CompileOptions{Set: ingroute.CompileDefaultBackend}, "nowhere.test", "/", ""},
	} {
		if got := service(c.opts, c.host, c.path); got != c.want {
			t.Errorf("%+v %s%s: %q, want %q", c.opts, c.host, c.path, got, c.want)
		}
	}
	for _, bad := range []ingroute.CompileOptions{
		{Set: ingroute.CompileDefaultBackend, DefaultBackend: "not-a-backend"},
		{Set: ingroute.CompileImplSpecific, ImplSpecific: 7},
		{Set: 1 << 9},
	} {
		if _, err := rs.CompileWith(bad); !errors.Is(err, ingroute.ErrInvalidArgument) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	rs.Close()
	if _, err := rs.CompileWith(ingroute.CompileOptions{}); !errors.Is(err, ingroute.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestStats(t *testing.T) {
	rt := mustLoad(t, ingroute.Options{Class: "public"}, shop+"---\n"+ops)
	st, err := rt.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.IngressesServed != 1 || st.IngressesSkipped != 1 || st.IngressesInvalid != 0 ||
		st.VirtualHosts != 2 || st.Paths != 4 || st.TLSEntries != 2 ||
		st.Conflicts != 0 || st.Shadowed != 0 || st.IndexBytes <= 0 || st.StringBytes <= 0 {
		t.Fatalf("%+v", st)
	}
	// The figures `ingroute check` prints for the examples.
	ex, err := ingroute.Load(ingroute.Options{Class: "public"}, examplesDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	st, err = ex.Stats()
	if err != nil || st.IngressesServed != 5 || st.IngressesSkipped != 1 || st.IngressesInvalid != 1 ||
		st.VirtualHosts != 5 || st.Paths != 11 || st.Conflicts != 0 || st.Shadowed != 0 ||
		st.ControllerAnnotated != 1 {
		t.Fatalf("%+v %v", st, err)
	}
	if st, _ := rt.Stats(); st.ControllerAnnotated != 0 {
		t.Fatalf("shop and ops carry no controller annotation: %+v", st)
	}
	// The migration example's Gateway: one listener, two routes, four
	// matches; another controller's Gateway is not served.
	mig := filepath.Join(examplesDir(t), "..", "migration", "httproutes.yaml")
	for _, c := range []struct {
		controller string
		want       [3]int
	}{{"", [3]int{1, 2, 4}}, {"nobody.example/none", [3]int{0, 0, 0}}} {
		g, err := ingroute.Load(ingroute.Options{GatewayController: c.controller}, mig)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := g.Stats()
		g.Close()
		if got := [3]int{st.GatewayListeners, st.HTTPRoutesAttached, st.GatewayMatches}; got != c.want {
			t.Errorf("controller %q: %v, want %v", c.controller, got, c.want)
		}
	}
	if v := ingroute.KubernetesVersion(); !strings.HasPrefix(v, "v1.") {
		t.Errorf("KubernetesVersion() = %q", v)
	}
	// Four paths and the default backend of each of the two hosts.
	twice := mustLoad(t, ingroute.Options{}, shop+"---\n"+strings.Replace(shop, "name: web", "name: web2", 1))
	if st, _ := twice.Stats(); st.Conflicts != 6 {
		t.Fatalf("%+v", st)
	}
	rt.Close()
	if _, err := rt.Stats(); !errors.Is(err, ingroute.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestLoadPaths(t *testing.T) {
	dir := examplesDir(t)
	rt, err := ingroute.Load(ingroute.Options{Class: "public"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if m := mustMatch(t, rt, "shop.example.com", "/cart/42"); m.Backend.String() != "shop/cart:8080" {
		t.Fatalf("%+v", m)
	}
	var errs []ingroute.Diagnostic
	for _, d := range rt.Diagnostics() {
		if d.Severity == ingroute.SeverityError {
			errs = append(errs, d)
		}
	}
	if len(errs) != 1 {
		t.Fatalf("%v", errs)
	}
	d := errs[0]
	if d.Code != ingroute.DiagInvalid || filepath.Base(d.File) != "legacy.yaml" || d.Line != 27 || d.Column != 15 ||
		d.Kind != "Ingress" || d.Namespace != "legacy" || d.Name != "blog" ||
		d.Field != "spec.rules[0].http.paths[0].path" ||
		d.Message != `Invalid value: "blog": must be an absolute path` ||
		!strings.HasSuffix(d.String(), `legacy.yaml:27:15: error: Ingress legacy/blog: spec.rules[0].http.paths[0].path: Invalid value: "blog": must be an absolute path`) {
		t.Fatalf("%+v", d)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	rt2, err := ingroute.Load(ingroute.Options{Class: "public"}, files...)
	if err != nil {
		t.Fatal(err)
	}
	defer rt2.Close()
	if m := mustMatch(t, rt2, "shop.example.com", "/cart/42"); m.Backend.Service != "cart" {
		t.Fatalf("%+v", m)
	}
	if _, err := ingroute.Load(ingroute.Options{}); !errors.Is(err, ingroute.ErrInvalidArgument) {
		t.Fatalf("no paths: %v", err)
	}
}

func TestErrors(t *testing.T) {
	_, err := ingroute.LoadText(ingroute.Options{SourceName: "broken.yaml"}, []byte("kind: ["))
	var e *ingroute.Error
	if !errors.As(err, &e) || !errors.Is(err, ingroute.ErrSyntax) {
		t.Fatalf("%v", err)
	}
	if d, ok := e.First(); !ok || d.Code != ingroute.DiagSyntax || d.File != "broken.yaml" || d.Line < 1 {
		t.Fatalf("%+v", e.Diagnostics)
	}
	if !strings.Contains(err.Error(), "broken.yaml") {
		t.Fatal(err)
	}

	bad := strings.Replace(ops, "path: /", "path: rel", 1)
	rt, err := ingroute.LoadText(ingroute.Options{}, []byte(bad))
	if err != nil || rt.Diagnostics()[0].Severity != ingroute.SeverityError {
		t.Fatalf("not strict: %v", err)
	}
	rt.Close()
	_, err = ingroute.LoadText(ingroute.Options{Strict: true}, []byte(bad))
	if !errors.Is(err, ingroute.ErrInvalid) || !errors.As(err, &e) || e.Diagnostics[0].Field != "spec.rules[0].http.paths[0].path" {
		t.Fatalf("strict: %v", err)
	}

	_, err = ingroute.Load(ingroute.Options{}, filepath.Join(t.TempDir(), "missing.yaml"))
	if !errors.Is(err, ingroute.ErrIO) || !errors.As(err, &e) || e.Diagnostics[0].Code != ingroute.DiagIO {
		t.Fatalf("io: %v", err)
	}
	_, err = ingroute.LoadText(ingroute.Options{MaxInputBytes: 10}, []byte(shop))
	if !errors.Is(err, ingroute.ErrLimit) {
		t.Fatalf("limit: %v", err)
	}
	if _, err := ingroute.LoadText(ingroute.Options{}, nil); err != nil {
		t.Fatalf("empty text: %v", err)
	}
}

func TestCloseAndClone(t *testing.T) {
	rt, err := ingroute.LoadText(ingroute.Options{}, []byte(shop))
	if err != nil {
		t.Fatal(err)
	}
	m := mustMatch(t, rt, "shop.example.com", "/cart")
	c, err := rt.Clone()
	if err != nil {
		t.Fatal(err)
	}
	rt.Close()
	rt.Close()
	if m.Backend.Service != "cart" {
		t.Fatal("a Match must outlive its router")
	}
	if _, err := rt.Match("a", "/"); err != ingroute.ErrClosed {
		t.Fatal(err)
	}
	if _, err := rt.TLS("a"); err != ingroute.ErrClosed {
		t.Fatal(err)
	}
	if _, err := rt.Explain("a", "/"); err != ingroute.ErrClosed {
		t.Fatal(err)
	}
	if _, err := rt.Dump(); err != ingroute.ErrClosed {
		t.Fatal(err)
	}
	if _, err := rt.Clone(); err != ingroute.ErrClosed {
		t.Fatal(err)
	}
	if m := mustMatch(t, c, "shop.example.com", "/cart"); m.Backend.Service != "cart" {
		t.Fatal("the clone must survive the original's Close")
	}
	c.Close()
}

func TestRuleset(t *testing.T) {
	rs, err := ingroute.NewRuleset(ingroute.Options{Class: "public"})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for _, in := range []struct{ name, text string }{{"a.yaml", shop}, {"b.yaml", ops}} {
		if _, err := rs.LoadBuffer(in.name, []byte(in.text)); err != nil {
			t.Fatal(err)
		}
	}
	if rs.Len() != 2 {
		t.Fatal(rs.Len())
	}
	infos := rs.Ingresses()
	if !infos[0].Served || infos[1].Served || infos[0].Paths != 4 || infos[0].TLS != 1 ||
		!infos[0].HasDefaultBackend || infos[1].IngressClass != "internal" || infos[1].Reason == "" {
		t.Fatalf("%+v", infos)
	}
	diags, err := rs.LoadBuffer("again.yaml", []byte(shop))
	if err != nil || len(diags) == 0 || diags[0].Code != ingroute.DiagReplaced {
		t.Fatalf("%v %v", diags, err)
	}
	if i, ok := rs.Find("shop", "web"); !ok || i.File != "again.yaml" {
		t.Fatalf("%+v", i)
	}
	r1, err := rs.Compile()
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	if err := rs.Remove("shop", "web"); err != nil {
		t.Fatal(err)
	}
	if err := rs.Remove("shop", "web"); !errors.Is(err, ingroute.ErrNotFound) {
		t.Fatal(err)
	}
	r2, err := rs.Compile()
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if m := mustMatch(t, r1, "shop.example.com", "/cart"); m.Decision != ingroute.DecisionPath {
		t.Fatalf("%+v", m)
	}
	if m := mustMatch(t, r2, "shop.example.com", "/cart"); m.Decision != ingroute.DecisionNone {
		t.Fatalf("%+v", m)
	}
	rs.Close()
	if _, err := rs.LoadBuffer("x", nil); err != ingroute.ErrClosed {
		t.Fatal(err)
	}
}

func TestNormalize(t *testing.T) {
	if h := ingroute.NormalizeHost("Shop.Example.COM.:8443"); h != "shop.example.com" {
		t.Fatal(h)
	}
	if h := ingroute.NormalizeHost("10.0.0.1"); h != "" {
		t.Fatal(h)
	}
	if p, ok := ingroute.NormalizePath("/a//b/../c%7E?q"); !ok || p != "/a/c~" {
		t.Fatal(p)
	}
	if _, ok := ingroute.NormalizePath("/" + strings.Repeat("a", ingroute.MaxPath()+1)); ok {
		t.Fatal("long path normalised")
	}
	// Results one byte longer than the input, and the longest ones.
	for in, want := range map[string]string{"": "/", "a": "/a", "?q": "/"} {
		if p, ok := ingroute.NormalizePath(in); !ok || p != want {
			t.Fatalf("%q: %q %v", in, p, ok)
		}
	}
	long := strings.Repeat("a", ingroute.MaxPath()-1)
	if p, ok := ingroute.NormalizePath(long); !ok || p != "/"+long {
		t.Fatalf("%d bytes", len(p))
	}
	host := strings.Repeat("a.", 126) + "b"
	if h := ingroute.NormalizeHost(strings.ToUpper(host) + ".:80"); h != host {
		t.Fatalf("%d bytes", len(h))
	}
}

// Matches from many goroutines while the router is closed under them:
// each either answers or gets ErrClosed, never a crash (run with -race).
func TestConcurrentMatchAndClose(t *testing.T) {
	for round := 0; round < 5; round++ {
		rt, err := ingroute.LoadText(ingroute.Options{}, []byte(shop))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := 0; i < 500; i++ {
					m, err := rt.Match("shop.example.com", "/cart")
					if err == ingroute.ErrClosed {
						return
					}
					if err != nil || m.Backend.Service != "cart" {
						t.Errorf("%+v %v", m, err)
						return
					}
				}
			}()
		}
		close(start)
		runtime.Gosched()
		rt.Close()
		wg.Wait()
		if _, err := rt.Match("shop.example.com", "/cart"); !errors.Is(err, ingroute.ErrClosed) {
			t.Fatalf("Match after Close: %v", err)
		}
		if _, err := rt.TLS("shop.example.com"); !errors.Is(err, ingroute.ErrClosed) {
			t.Fatalf("TLS after Close: %v", err)
		}
	}
}

// Every C object is freed: thousands of routers, closed or dropped, must
// leave the C heap (malloc's bytes in use, glibc's mallinfo2) where it was,
// and the resident set size (/proc/self/statm, which also carries the Go
// heap's growth, hence the looser bound) about where it was.
func TestRoutersAreReleased(t *testing.T) {
	churn := func(n int, close bool) {
		// One OS thread: a new thread's malloc arena would be noise.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for i := 0; i < n; i++ {
			rt, err := ingroute.LoadText(ingroute.Options{}, []byte(shop))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := rt.Match("shop.example.com", "/cart"); err != nil {
				t.Fatal(err)
			}
			if i%10 == 0 {
				_, _ = rt.Dump()
				_, _ = rt.Explain("shop.example.com", "/x")
				_, _ = ingroute.LoadText(ingroute.Options{}, []byte("kind: ["))
				_, _ = ingroute.LoadText(ingroute.Options{Strict: true}, []byte(strings.Replace(ops, "path: /", "path: x", 1)))
			}
			if close {
				rt.Close()
			}
		}
	}
	settle := func() int64 {
		// Cleanups run on their own goroutine after a GC.
		last := int64(-1)
		for i := 0; i < 20; i++ {
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
			if h := cheap.InUse(); h == last {
				break
			} else {
				last = h
			}
		}
		return last
	}
	churn(300, true)
	churn(300, false)
	heap0, rss0 := settle(), rssBytes(t)
	if heap0 == 0 {
		t.Log("no mallinfo2: checking RSS only")
	}

	// The bounds leave room for chunks that glibc keeps in the per-thread
	// caches of the threads that ran cleanups (mallinfo2 counts them as in
	// use): some tens of KiB. One leaked 32-byte allocation per load would
	// be 288 KiB here.
	churn(6000, true)
	heap1 := settle()
	t.Logf("6000 routers closed: C heap %+d bytes", heap1-heap0)
	if heap1-heap0 > 192<<10 {
		t.Errorf("C heap grew by %d bytes over 6000 closed routers", heap1-heap0)
	}

	churn(3000, false)
	heap2 := settle()
	rss := rssBytes(t) - rss0
	t.Logf("3000 routers dropped: C heap %+d bytes; RSS %+d bytes in all", heap2-heap1, rss)
	// A leaked router is about 2 KiB of C heap: 3000 would be 6 MiB.
	if heap2-heap1 > 1<<20 {
		t.Errorf("C heap grew by %d bytes over 3000 routers left to the cleanup", heap2-heap1)
	}
	if !raceEnabled && rss > 16<<20 {
		t.Errorf("RSS grew by %d bytes over 9000 routers", rss)
	}
}

func rssBytes(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("needs /proc/self/statm")
	}
	var size, rss int64
	if _, err := fmt.Sscan(string(b), &size, &rss); err != nil {
		t.Fatal(err)
	}
	return rss * int64(os.Getpagesize())
}

// Answers whose strings exceed the binding's inline buffer take the
// second-call path; the result must be the same.
func TestLongStrings(t *testing.T) {
	long := "/" + strings.Repeat("segment/", 60) + "end"
	svc := "s" + strings.Repeat("x", 61)
	text := strings.Replace(strings.Replace(shop, "{path: /cart, pathType: Exact, backend: {service: {name: cart,",
		"{path: "+long+", pathType: Exact, backend: {service: {name: "+svc+",", 1), "name: web\n", "name: web\n", 1)
	rt := mustLoad(t, ingroute.Options{}, text)
	m := mustMatch(t, rt, "shop.example.com", long)
	if m.Rule.Path != long || m.Backend.Service != svc || m.Ingress.Name != "web" || m.Backend.PortName != "http" {
		t.Fatalf("%+v", m)
	}
}

// A reload is the whole desired state and never lets an invalid edit
// remove a served route (docs/semantics.md §1.6).
func TestReloadKeepsLastGood(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("shop.yaml", shop)
	write("ops.yaml", ops)
	rs, err := ingroute.NewRuleset(ingroute.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if _, err := rs.ReloadPaths(dir); err != nil {
		t.Fatal(err)
	}
	g := rs.Generation()
	if rs.Len() != 2 || g == 0 {
		t.Fatalf("len %d generation %d", rs.Len(), g)
	}
	// Break one path of shop and take ops away.
	write("shop.yaml", strings.Replace(shop, "{path: /cart,", "{path: cart,", 1))
	if err := os.Remove(filepath.Join(dir, "ops.yaml")); err != nil {
		t.Fatal(err)
	}
	diags, err := rs.ReloadPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	var kept *ingroute.Diagnostic
	for i := range diags {
		if diags[i].Code == ingroute.DiagKept {
			kept = &diags[i]
		}
	}
	if kept == nil || kept.Name != "web" || !strings.Contains(kept.Message, filepath.Join(dir, "shop.yaml")) {
		t.Fatalf("no kept error naming shop.yaml: %v", diags)
	}
	rt, err := rs.Compile()
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	if m := mustMatch(t, rt, "shop.example.com", "/cart"); m.Backend.String() != "shop/cart:http" {
		t.Fatalf("/cart went to %q", m.Backend)
	}
	// ops.example.com now falls to shop's default backend.
	if m := mustMatch(t, rt, "ops.example.com", "/"); m.Backend.Service != "fallback" {
		t.Fatalf("ops still routed: %+v", m)
	}
	st, err := rt.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Generation != rs.Generation() || st.Generation != g+1 || st.IngressesInvalid != 1 {
		t.Fatalf("stats %+v, ruleset generation %d (was %d)", st, rs.Generation(), g)
	}
	// The same files again change nothing.
	if _, err := rs.ReloadPaths(dir); err != nil || rs.Generation() != g+1 {
		t.Fatalf("no-op reload: %v, generation %d", err, rs.Generation())
	}
	// A syntax error changes nothing either, and says so.
	if _, err := rs.ReloadBuffer("bad.yaml", []byte("kind: [")); !errors.Is(err, ingroute.ErrSyntax) || rs.Len() != 1 {
		t.Fatalf("reload of broken text: %v, len %d", err, rs.Len())
	}
	if _, err := rs.ReloadBuffer("empty.yaml", nil); err != nil || rs.Len() != 0 {
		t.Fatalf("empty reload: %v, len %d", err, rs.Len())
	}
}

func TestDeleteByKind(t *testing.T) {
	rs, err := ingroute.NewRuleset(ingroute.Options{Class: "public"})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	class := `{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass",` +
		`"metadata":{"name":"public","annotations":{"ingressclass.kubernetes.io/is-default-class":"true"}},` +
		`"spec":{"controller":"example.com/ingress"}}`
	if _, err := rs.LoadBuffer("class.json", []byte(class)); err != nil {
		t.Fatal(err)
	}
	g := rs.Generation()
	if err := rs.Delete(ingroute.KindIngressClass, "", "public"); err != nil || rs.Generation() != g+1 {
		t.Fatalf("delete class: %v, generation %d (was %d)", err, rs.Generation(), g)
	}
	if err := rs.Delete(ingroute.KindIngressClass, "", "public"); !errors.Is(err, ingroute.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := rs.Delete("Deployment", "shop", "web"); !errors.Is(err, ingroute.ErrInvalidArgument) {
		t.Fatalf("delete of another kind: %v", err)
	}
}
