// Command go-proxy is a small reverse proxy that routes every request by
// Kubernetes Ingress rules with libingroute (through the Go binding in
// bindings/go) and forwards it with net/http/httputil.
//
//	go-proxy -f manifests/ -class public -listen 127.0.0.1:8080 \
//	    -upstream shop/web:80=127.0.0.1:9001 -rule-header X-Ingroute-Rule
//
// Each backend Service NS/SERVICE:PORT goes to the address given by
// -upstream (repeatable) or by a line "NS/SERVICE:PORT=HOST:PORT" of the
// -upstreams file, else to SERVICE.NS.svc.cluster.local:PORT. A request
// that matches no rule and no default backend gets 404; a resource
// backend gets 502 (there is nothing to forward to).
//
// The manifests and the upstreams file are reloaded when they change
// (-watch) and on SIGHUP: the new router is swapped in atomically,
// requests already routed finish on the old one, and the old router is
// closed when the last of them is done. A reload takes the files as the
// whole desired state but never lets an invalid edit remove a served
// route: an Ingress whose new version is invalid keeps its last good
// version (docs/semantics.md §1.6). A reload that fails as a whole (a
// syntax error) keeps the current configuration. SIGINT and SIGTERM shut
// down gracefully.
//
// Following the files (-watch, on by default; -watch=false leaves only
// SIGHUP): every -f path and the -upstreams file are watched with
// fsnotify, through the directories that hold them, so that editors that
// write a new file and rename it over the old one, files removed and
// created again, and Kubernetes ConfigMap volumes (kubelet swaps the
// ..data symlink that shop.yaml -> ..data/shop.yaml goes through) are all
// seen. A burst of changes makes one reload, -watch-debounce (200ms)
// after the last change of the burst, and a steady stream of changes
// still reloads every ten times that. One reload runs at a time; changes
// during it make one more after it.
//
// Following a cluster instead of files:
//
//	go-proxy -kubeconfig ~/.kube/config -class public -admin 127.0.0.1:8081
//	go-proxy -in-cluster -class public          # in a Pod
//
// watches Ingresses and IngressClasses through the API server
// (ingroute.dev/ingroute/kube) and swaps routers as they change; SIGHUP
// then reloads only the upstreams file (it is not watched). -admin
// serves /readyz (200 once the first router is in place, with the
// generation served) and /healthz.
//
// Upstream connections are reused: the transport keeps up to
// -max-idle-per-backend idle connections to each backend (Go's default is
// 2, which at a few hundred clients opens a new connection for most
// requests and leaves tens of thousands of sockets in TIME_WAIT).
//
// Serving a Gateway instead of Ingresses (the Gateway API, docs/semantics.md
// §9):
//
//	go-proxy -f gateway/ -gateway gateway/public -listen 127.0.0.1:8080
//
// routes each request through that Gateway's listeners and HTTPRoutes
// (method, headers and query parameters matched, weighted backends picked
// at random) and applies the rule's filters: request and response header
// changes, redirects (the library computes the Location), URL rewrites
// of the path and Host, and mirrors (a copy sent to the mirror backend,
// its answer dropped). A rule whose backend cannot be used answers 500.
// -gateway-port is the listener port requests arrive at (0: any).
//
// The library's load limits (docs/semantics.md §1.5) are flags, for files
// and for a cluster alike: -max-input-bytes, -max-depth, -max-nodes,
// -max-alias-nodes, -max-alias-bytes, -max-scalar-bytes and
// -max-diagnostics. 0, the default, is the library's default; the byte
// limits take K, M or G (powers of 1024), as in -max-input-bytes 2G for the
// List of a large cluster; a negative value is refused at startup.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"math/rand/v2"

	"ingroute.dev/ingroute"
	"ingroute.dev/ingroute/kube"
	"k8s.io/client-go/rest"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// limitFlag is a load limit of ingroute.Options: a count, and for a byte
// limit also one with K, M or G (powers of 1024). A negative value is
// refused here, naming the flag, rather than by the first load.
type limitFlag struct {
	n     *int
	bytes bool
}

func (l limitFlag) String() string {
	if l.n == nil {
		return "0"
	}
	return strconv.Itoa(*l.n)
}

func (l limitFlag) Set(v string) error {
	unit, digits := 1, v
	if l.bytes && v != "" {
		switch v[len(v)-1] {
		case 'K', 'k':
			unit = 1 << 10
		case 'M', 'm':
			unit = 1 << 20
		case 'G', 'g':
			unit = 1 << 30
		}
		if unit != 1 {
			digits = v[:len(v)-1]
		}
	}
	n, err := strconv.Atoi(digits)
	switch {
	case strings.HasPrefix(digits, "-") && (err == nil || errors.Is(err, strconv.ErrRange)):
		return errors.New("must not be negative (0 is the library's default)")
	case errors.Is(err, strconv.ErrRange) || (err == nil && n > math.MaxInt/unit):
		return errors.New("too large")
	case err != nil && l.bytes:
		return errors.New("not a count of bytes (N, or N with K, M or G)")
	case err != nil:
		return errors.New("not a count")
	}
	*l.n = n * unit
	return nil
}

// Config is what the command line says.
type Config struct {
	Files         []string
	Options       ingroute.Options
	Listen        string
	Upstreams     map[string]string // "NS/SERVICE:PORT" -> "HOST:PORT"
	UpstreamsFile string
	RuleHeader    string

	// Gateway "NS/NAME": route through its HTTPRoutes instead of the
	// Ingresses; GatewayPort is the listener port (0: any).
	Gateway     string
	GatewayPort int

	// Following a cluster: Kubeconfig names the file, InCluster uses the
	// Pod's service account. Either replaces Files.
	Kubeconfig      string
	InCluster       bool
	WatchNamespace  string
	Selector        string
	CompileInterval time.Duration

	Admin             string // address of /readyz and /healthz; "" for none
	MaxIdlePerBackend int

	// From files: Watch reloads when they change, WatchDebounce after the
	// last change of a burst.
	Watch         bool
	WatchDebounce time.Duration
}

func (c *Config) kubernetes() bool { return c.Kubeconfig != "" || c.InCluster }

func parseFlags(args []string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("go-proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg       Config
		files     listFlag
		upstreams listFlag
		impl      string
	)
	fs.Var(&files, "f", "manifest file or directory (repeatable)")
	fs.StringVar(&cfg.Options.Class, "class", "", "serve only Ingresses of this IngressClass")
	fs.BoolVar(&cfg.Options.DefaultClass, "default-class", false, "the class is the cluster's default")
	fs.StringVar(&cfg.Options.Namespace, "namespace", "", "namespace of objects that name none (default \"default\")")
	fs.StringVar(&impl, "impl-specific", "prefix", "ImplementationSpecific paths: prefix, exact or string-prefix")
	fs.BoolVar(&cfg.Options.Fallthrough, "fallthrough", false, "try exact host, wildcard, then host-less rules")
	fs.BoolVar(&cfg.Options.NoNormalize, "no-normalize", false, "compare hosts and paths as received")
	fs.StringVar(&cfg.Options.DefaultBackend, "default-backend", "", "global default backend NS/SERVICE:PORT")
	fs.BoolVar(&cfg.Options.Strict, "strict", false, "refuse manifests with any error")
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:8080", "address to listen on")
	fs.Var(&upstreams, "upstream", "NS/SERVICE:PORT=HOST:PORT (repeatable)")
	fs.StringVar(&cfg.UpstreamsFile, "upstreams", "", "file of NS/SERVICE:PORT=HOST:PORT lines (reloaded with the manifests)")
	fs.BoolVar(&cfg.Watch, "watch", true, "with -f: reload when the files change (SIGHUP reloads in any case)")
	fs.DurationVar(&cfg.WatchDebounce, "watch-debounce", 200*time.Millisecond, "with -f: reload this long after the last change of a burst")
	fs.StringVar(&cfg.RuleHeader, "rule-header", "", "response header naming the rule that matched (e.g. X-Ingroute-Rule)")
	fs.StringVar(&cfg.Gateway, "gateway", "", "route through this Gateway's HTTPRoutes (NS/NAME) instead of the Ingresses")
	fs.IntVar(&cfg.GatewayPort, "gateway-port", 0, "with -gateway: the listener port requests arrive at (0: any)")
	fs.StringVar(&cfg.Options.GatewayController, "controller", "", "serve only GatewayClasses with this controllerName")
	fs.StringVar(&cfg.Kubeconfig, "kubeconfig", "", "follow the cluster of this kubeconfig file instead of -f")
	fs.BoolVar(&cfg.InCluster, "in-cluster", false, "follow the cluster this Pod runs in instead of -f")
	fs.StringVar(&cfg.WatchNamespace, "watch-namespace", "", "with -kubeconfig/-in-cluster: watch only this namespace's Ingresses")
	fs.StringVar(&cfg.Selector, "selector", "", "with -kubeconfig/-in-cluster: watch only Ingresses with these labels")
	fs.DurationVar(&cfg.CompileInterval, "compile-interval", 100*time.Millisecond, "least time between two compiles while the cluster changes")
	fs.StringVar(&cfg.Admin, "admin", "", "address serving /readyz and /healthz (e.g. 127.0.0.1:8081)")
	fs.IntVar(&cfg.MaxIdlePerBackend, "max-idle-per-backend", 512, "idle upstream connections kept per backend")
	for _, l := range []struct {
		name  string
		n     *int
		bytes bool
		usage string
	}{
		{"max-input-bytes", &cfg.Options.MaxInputBytes, true, "at most `N` bytes in one manifest file (N may end in K, M or G: powers of 1024)"},
		{"max-depth", &cfg.Options.MaxDepth, false, "at most `N` levels of YAML nesting"},
		{"max-nodes", &cfg.Options.MaxNodes, false, "at most `N` YAML nodes held at once in one document"},
		{"max-alias-nodes", &cfg.Options.MaxAliasNodes, false, "at most `N` nodes reached through YAML aliases in one document"},
		{"max-alias-bytes", &cfg.Options.MaxAliasBytes, true, "at most `N` bytes reached through YAML aliases in one document (K, M, G)"},
		{"max-scalar-bytes", &cfg.Options.MaxScalarBytes, true, "at most `N` bytes in one YAML scalar (K, M, G)"},
		{"max-diagnostics", &cfg.Options.MaxDiagnostics, false, "keep at most `N` diagnostics of one load; the rest are counted"},
	} {
		fs.Var(limitFlag{l.n, l.bytes}, l.name, l.usage+"; 0: the library's default")
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case cfg.Kubeconfig != "" && cfg.InCluster:
		return cfg, errors.New("give -kubeconfig or -in-cluster, not both")
	case cfg.kubernetes() && len(files) > 0:
		return cfg, errors.New("give -f or a cluster (-kubeconfig, -in-cluster), not both")
	case !cfg.kubernetes() && len(files) == 0:
		return cfg, errors.New("no manifests: give -f FILE|DIR, -kubeconfig FILE or -in-cluster")
	case cfg.MaxIdlePerBackend < 0:
		return cfg, errors.New("-max-idle-per-backend must not be negative")
	case cfg.WatchDebounce < 0:
		return cfg, errors.New("-watch-debounce must not be negative")
	case cfg.Gateway != "" && strings.Count(cfg.Gateway, "/") != 1:
		return cfg, errors.New("-gateway takes NAMESPACE/NAME")
	case cfg.GatewayPort < 0 || cfg.GatewayPort > 65535:
		return cfg, errors.New("-gateway-port must be 0 to 65535")
	}
	cfg.Files = files
	mode, err := ingroute.ParseImplMode(impl)
	if err != nil {
		return cfg, err
	}
	cfg.Options.ImplSpecific = mode
	cfg.Upstreams = map[string]string{}
	for _, u := range upstreams {
		k, v, err := parseUpstream(u)
		if err != nil {
			return cfg, err
		}
		cfg.Upstreams[k] = v
	}
	return cfg, nil
}

func parseUpstream(line string) (key, addr string, err error) {
	k, v, ok := strings.Cut(line, "=")
	k, v = strings.TrimSpace(k), strings.TrimSpace(v)
	if !ok || !strings.Contains(k, "/") || !strings.Contains(k, ":") || v == "" {
		return "", "", fmt.Errorf("upstream %q is not NS/SERVICE:PORT=HOST:PORT", line)
	}
	if _, _, err := net.SplitHostPort(v); err != nil {
		return "", "", fmt.Errorf("upstream %q: %v", line, err)
	}
	return k, v, nil
}

func readUpstreams(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, err := parseUpstream(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		m[k] = v
	}
	return m, sc.Err()
}

// generation is one router compiled from the files, with a count of its
// users. The proxy itself holds one reference while the generation is
// current; each request holds one while it runs.
type generation struct {
	id     int
	router *ingroute.Router
	refs   atomic.Int64
	log    *log.Logger
}

// Release drops a reference; the last one closes the router.
func (g *generation) Release() {
	if g.refs.Add(-1) == 0 {
		g.router.Close()
		g.log.Printf("router generation %d closed", g.id)
	}
}

// Proxy routes requests with the current router: the files' (current) or
// the cluster's (watcher).
type Proxy struct {
	cfg       Config
	log       *log.Logger
	current   atomic.Pointer[generation]
	watcher   *kube.Watcher
	upstreams atomic.Pointer[map[string]string]
	rp        *httputil.ReverseProxy
	// Random picks among weighted backends; tests replace it.
	Random func(*http.Request) uint64

	reloadMu sync.Mutex
	rs       *ingroute.Ruleset // the files' desired state, across reloads
	nextID   int
}

type upstreamKey struct{}

// gatewayRoute is what the Gateway's answer asks of the forwarded request
// and of the response (its filters).
type gatewayRoute struct {
	path, host string
	reqEdits   []ingroute.HeaderEdit
	respEdits  []ingroute.HeaderEdit
}

type gatewayKey struct{}

// NewTransport is the upstream transport: connections to each backend are
// kept for reuse, and no proxy from the environment is consulted (every
// backend is addressed directly).
func NewTransport(maxIdlePerBackend int) *http.Transport {
	return &http.Transport{
		DialContext: (&net.Dialer{
			Timeout:   5 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConnsPerHost:   maxIdlePerBackend,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// NewProxy loads the manifests and makes a Proxy. For a cluster, call
// Watch after it.
func NewProxy(cfg Config, logger *log.Logger) (*Proxy, error) {
	p := &Proxy{cfg: cfg, log: logger,
		Random: func(*http.Request) uint64 { return rand.Uint64() }}
	if cfg.MaxIdlePerBackend == 0 {
		cfg.MaxIdlePerBackend = 512
	}
	p.rp = &httputil.ReverseProxy{
		Transport: NewTransport(cfg.MaxIdlePerBackend),
		Rewrite: func(pr *httputil.ProxyRequest) {
			addr := pr.In.Context().Value(upstreamKey{}).(string)
			pr.SetURL(&url.URL{Scheme: "http", Host: addr})
			pr.Out.Host = pr.In.Host // the backend sees the Host the client asked for
			pr.SetXForwarded()
			if g, ok := pr.In.Context().Value(gatewayKey{}).(*gatewayRoute); ok {
				applyRequest(pr.Out, g)
			}
		},
		ModifyResponse: func(res *http.Response) error {
			if g, ok := res.Request.Context().Value(gatewayKey{}).(*gatewayRoute); ok {
				applyEdits(res.Header, g.respEdits)
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			p.log.Printf("%s %s%s: upstream: %v", r.Method, r.Host, r.URL.RequestURI(), err)
			http.Error(w, "ingroute: bad gateway", http.StatusBadGateway)
		},
	}
	if !cfg.kubernetes() {
		rs, err := ingroute.NewRuleset(cfg.Options)
		if err != nil {
			return nil, err
		}
		p.rs = rs
	}
	if err := p.Reload(); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Reload reads the upstreams file again and, from files, the manifests:
// they are the whole desired state, except that an Ingress whose new
// version is invalid keeps its last good one. A new router is swapped in
// only when something it reads changed. On error the current
// configuration stays.
func (p *Proxy) Reload() error {
	p.reloadMu.Lock()
	defer p.reloadMu.Unlock()
	ups := map[string]string{}
	if p.cfg.UpstreamsFile != "" {
		m, err := readUpstreams(p.cfg.UpstreamsFile)
		if err != nil {
			p.log.Printf("reload failed, keeping the current configuration: %v", err)
			return err
		}
		ups = m
	}
	for k, v := range p.cfg.Upstreams { // flags win over the file
		ups[k] = v
	}
	if p.rs == nil { // a cluster: the watcher swaps routers
		p.upstreams.Store(&ups)
		return nil
	}
	diags, err := p.rs.ReloadPaths(p.cfg.Files...)
	for _, d := range diags {
		if d.Severity != ingroute.SeverityNote {
			p.log.Print(d)
		}
	}
	if err != nil {
		p.log.Printf("reload failed, keeping the current configuration: %v", err)
		return err
	}
	p.upstreams.Store(&ups)
	if cur := p.current.Load(); cur != nil {
		if st, err := cur.router.Stats(); err == nil && st.Generation == p.rs.Generation() {
			p.log.Printf("manifests unchanged; router generation %d stays", cur.id)
			return nil
		}
	}
	rt, err := p.rs.Compile()
	if err != nil {
		p.log.Printf("reload failed, keeping the current configuration: %v", err)
		return err
	}
	for _, d := range rt.Diagnostics() {
		if d.Severity != ingroute.SeverityNote {
			p.log.Print(d)
		}
	}
	p.nextID++
	g := &generation{id: p.nextID, router: rt, log: p.log}
	g.refs.Store(1)
	old := p.current.Swap(g)
	p.log.Printf("router generation %d loaded from %s", g.id, strings.Join(p.cfg.Files, ", "))
	if old != nil {
		old.Release()
	}
	return nil
}

// Watch follows the cluster until ctx ends; the proxy answers 503 until
// the first router is in place.
func (p *Proxy) Watch(ctx context.Context) error {
	var rc *rest.Config
	var err error
	if p.cfg.InCluster {
		rc, err = rest.InClusterConfig()
	} else {
		rc, err = kube.RESTConfig(p.cfg.Kubeconfig)
	}
	if err != nil {
		return err
	}
	w, err := kube.New(kube.Options{
		Config:        rc,
		Ruleset:       p.cfg.Options,
		Namespace:     p.cfg.WatchNamespace,
		LabelSelector: p.cfg.Selector,
		Interval:      p.cfg.CompileInterval,
		OnSwap: func(s kube.Swap) {
			for _, d := range s.Diagnostics {
				if d.Severity != ingroute.SeverityNote {
					p.log.Print(d)
				}
			}
			p.log.Printf("router generation %d from the cluster: %d events, %d Ingresses served, compiled in %v",
				s.Generation, s.Events, s.Stats.IngressesServed, s.CompileTime)
		},
		OnDiagnostics: func(ds []ingroute.Diagnostic) {
			for _, d := range ds {
				p.log.Print(d)
			}
		},
	})
	if err != nil {
		return err
	}
	p.watcher = w
	return nil
}

// Ready says whether requests are routed, and by which generation.
func (p *Proxy) Ready() (bool, uint64) {
	if p.watcher != nil {
		return p.watcher.Ready(), p.watcher.Generation()
	}
	if g := p.current.Load(); g != nil {
		st, _ := g.router.Stats()
		return true, st.Generation
	}
	return false, 0
}

// adminHandler serves /healthz (the process answers) and /readyz (200
// once a router is in place; 503 before).
func (p *Proxy) adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ready, gen := p.Ready()
		source := "files"
		if p.cfg.kubernetes() {
			source = "kubernetes"
		}
		w.Header().Set("Content-Type", "application/json")
		if !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprintf(w, "{\"ready\":%t,\"synced\":%t,\"generation\":%d,\"source\":%q}\n",
			ready, ready, gen, source)
	})
	return mux
}

// acquire takes a reference on the current generation. A generation whose
// count already reached zero is closed: load the pointer again (the swap
// that retired it has happened).
func (p *Proxy) acquire() *generation {
	for {
		g := p.current.Load()
		if g == nil {
			return nil // closed
		}
		n := g.refs.Load()
		if n > 0 && g.refs.CompareAndSwap(n, n+1) {
			return g
		}
	}
}

// Close drops the proxy's reference on the current generation (call it
// after the watcher stopped, and when no Reload runs) and the idle
// upstream connections.
func (p *Proxy) Close() {
	if g := p.current.Swap(nil); g != nil {
		g.Release()
	}
	if t, ok := p.rp.Transport.(*http.Transport); ok {
		t.CloseIdleConnections()
	}
	if p.watcher != nil {
		p.watcher.Close()
	}
	if p.rs != nil {
		p.rs.Close()
	}
}

// RuleText names what matched, for the rule header: "NS/NAME HOST TYPE
// PATH" for a path rule ("-" for no host), "default NS/NAME" or "default
// option" for a default backend.
func RuleText(m ingroute.Match) string {
	switch m.Decision {
	case ingroute.DecisionPath:
		h := m.Rule.Host
		if h == "" {
			h = "-"
		}
		return m.Ingress.String() + " " + h + " " + m.Rule.PathType.String() + " " + m.Rule.Path
	case ingroute.DecisionDefault:
		if m.Ingress.Name == "" {
			return "default option"
		}
		return "default " + m.Ingress.String()
	}
	return "none"
}

func (p *Proxy) upstream(b ingroute.Backend) string {
	key := b.Namespace + "/" + b.Service + ":" + b.Port()
	if ups := p.upstreams.Load(); ups != nil {
		if a, ok := (*ups)[key]; ok {
			return a
		}
	}
	return net.JoinHostPort(b.Service+"."+b.Namespace+".svc.cluster.local", b.Port())
}

// router takes the current router for one request; nil when there is none
// (not ready yet, or shutting down).
func (p *Proxy) router() (*ingroute.Router, interface{ Release() }) {
	if p.watcher != nil {
		if s := p.watcher.Acquire(); s != nil {
			return s.Router, s
		}
		return nil, nil
	}
	if g := p.acquire(); g != nil {
		return g.router, g
	}
	return nil, nil
}

// applyEdits applies header changes in order: set, add, remove.
func applyEdits(h http.Header, edits []ingroute.HeaderEdit) {
	for _, e := range edits {
		switch e.Op {
		case ingroute.HeaderSet:
			h.Set(e.Name, e.Value)
		case ingroute.HeaderAdd:
			h.Add(e.Name, e.Value)
		case ingroute.HeaderRemove:
			h.Del(e.Name)
		}
	}
}

// applyRequest gives the forwarded request what the filters ask: the
// rewritten path and Host, the header changes.
func applyRequest(out *http.Request, g *gatewayRoute) {
	if g.path != "" {
		if u, err := url.ParseRequestURI(g.path); err == nil {
			out.URL.Path, out.URL.RawPath = u.Path, u.RawPath
			out.URL.RawQuery = u.RawQuery
		}
	}
	if g.host != "" {
		out.Host = g.host
	}
	applyEdits(out.Header, g.reqEdits)
}

// serveGateway routes one request through the Gateway: 404, 500 and
// redirects are answered here, the rest forwarded with the filters.
func (p *Proxy) serveGateway(w http.ResponseWriter, r *http.Request, rt *ingroute.Router) {
	q := ingroute.Request{Method: r.Method, Host: r.Host, Path: r.URL.RequestURI(),
		Gateway: p.cfg.Gateway, Port: uint16(p.cfg.GatewayPort), Random: p.Random(r),
		HTTPS: r.TLS != nil}
	for name, values := range r.Header {
		q.Header = append(q.Header, [2]string{name, strings.Join(values, ", ")})
	}
	res, err := rt.Route(q)
	if err != nil {
		http.Error(w, "ingroute: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if p.cfg.RuleHeader != "" {
		rule := "none"
		if res.Route.Name != "" {
			rule = fmt.Sprintf("HTTPRoute %s rule %d", res.Route, res.RuleIndex)
		}
		w.Header().Set(p.cfg.RuleHeader, rule)
	}
	switch {
	case res.Status == http.StatusNotFound:
		http.Error(w, "ingroute: no route for this request", http.StatusNotFound)
		return
	case res.Status >= 300 && res.Status < 400:
		w.Header().Set("Location", res.Location)
		w.WriteHeader(res.Status)
		return
	case res.Status != 0:
		http.Error(w, "ingroute: the rule's backend cannot be used", res.Status)
		return
	}
	g := &gatewayRoute{}
	mirrors := 0
	for _, f := range res.Filters {
		switch f.Type {
		case ingroute.FilterURLRewrite:
			if f.PathModifier != ingroute.PathKeep {
				g.path = res.UpstreamPath
			}
			g.host = f.Hostname
		case ingroute.FilterRequestHeader:
			g.reqEdits = append(g.reqEdits, f.Edits...)
		case ingroute.FilterResponseHeader:
			g.respEdits = append(g.respEdits, f.Edits...)
		case ingroute.FilterMirror:
			p.mirror(r, g, f, mirrors)
			mirrors++
		}
	}
	ctx := context.WithValue(r.Context(), upstreamKey{}, p.upstream(res.Backend))
	ctx = context.WithValue(ctx, gatewayKey{}, g)
	p.rp.ServeHTTP(w, r.WithContext(ctx))
}

// mirror sends a copy of a request without a body to the mirror backend,
// for its share of requests, and drops the answer.
func (p *Proxy) mirror(r *http.Request, g *gatewayRoute, f ingroute.Filter, k int) {
	if f.MirrorDenominator <= 0 || int(mirrorDraw(p.Random(r), k)%uint64(f.MirrorDenominator)) >= f.MirrorNumerator {
		return
	}
	out := r.Clone(context.Background())
	out.Body, out.ContentLength, out.RequestURI = nil, 0, ""
	out.URL = &url.URL{Scheme: "http", Host: p.upstream(f.Mirror), Path: r.URL.Path,
		RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	applyRequest(out, g)
	go func() {
		if res, err := p.rp.Transport.RoundTrip(out); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}()
}

// mirrorDraw is the number that decides the k-th mirror of a request: the
// request's random number (which picked the backend) mixed with k, so
// that a mirror's share is not the requests of one weighted backend and
// two mirrors of one share do not copy the same requests. 0 stays 0 for
// the first mirror, as tests that give the number expect.
func mirrorDraw(random uint64, k int) uint64 {
	x := random + uint64(k)*0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, hold := p.router()
	if rt == nil {
		http.Error(w, "ingroute: no routing table yet", http.StatusServiceUnavailable)
		return
	}
	defer hold.Release() // the request keeps its router until it is done
	if p.cfg.Gateway != "" {
		p.serveGateway(w, r, rt)
		return
	}
	m, err := rt.Match(r.Host, r.URL.EscapedPath())
	if err != nil {
		http.Error(w, "ingroute: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if p.cfg.RuleHeader != "" {
		w.Header().Set(p.cfg.RuleHeader, RuleText(m))
	}
	switch {
	case m.Decision == ingroute.DecisionNone:
		http.Error(w, "ingroute: no rule for this host and path", http.StatusNotFound)
		return
	case m.Backend.Kind != ingroute.BackendService:
		http.Error(w, "ingroute: resource backend "+m.Backend.String()+" cannot be proxied", http.StatusBadGateway)
		return
	}
	ctx := context.WithValue(r.Context(), upstreamKey{}, p.upstream(m.Backend))
	p.rp.ServeHTTP(w, r.WithContext(ctx))
}

// run is the program: it returns when ctx is done (after a graceful
// shutdown) or on a fatal error, once every goroutine it started that
// uses the proxy has stopped. ready, when not nil, receives the listen
// address once requests are accepted, SIGHUP reloads and the files are
// watched.
func run(ctx context.Context, args []string, stderr io.Writer, ready chan<- string) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := log.New(stderr, "go-proxy: ", log.LstdFlags)
	var files *fileWatcher
	if !cfg.kubernetes() && cfg.Watch {
		// Watches first: a change during the first load is an event.
		paths := cfg.Files
		if cfg.UpstreamsFile != "" {
			paths = append(paths[:len(paths):len(paths)], cfg.UpstreamsFile)
		}
		if files, err = newFileWatcher(paths, cfg.WatchDebounce, logger); err != nil {
			return err
		}
		defer files.Close()
	}
	p, err := NewProxy(cfg, logger)
	if err != nil {
		return err
	}
	defer p.Close()

	// Everything that reloads or swaps routers stops before Close: the
	// cluster watcher, the file watcher (after its reload, if one runs)
	// and the SIGHUP handler (likewise).
	bgCtx, stopBackground := context.WithCancel(ctx)
	var background sync.WaitGroup
	defer background.Wait()
	defer stopBackground()
	if cfg.kubernetes() {
		if err := p.Watch(ctx); err != nil {
			return err
		}
		background.Go(func() { _ = p.watcher.Run(bgCtx) })
	}
	if files != nil {
		background.Go(func() {
			files.run(bgCtx, func() { _ = p.Reload() }) // logged; a failed reload keeps serving
		})
		logger.Printf("watching %s for changes", strings.Join(files.given, ", "))
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	background.Go(func() {
		for {
			select {
			case <-hup:
				_ = p.Reload() // logged; a failed reload keeps serving
			case <-bgCtx.Done():
				return
			}
		}
	})

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: logger}
	if cfg.Admin != "" {
		aln, err := net.Listen("tcp", cfg.Admin)
		if err != nil {
			ln.Close()
			return err
		}
		admin := &http.Server{Handler: p.adminHandler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: logger}
		go admin.Serve(aln)
		defer admin.Close()
		logger.Printf("admin on http://%s (/readyz, /healthz)", aln.Addr())
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Printf("listening on http://%s", ln.Addr())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx) // waits for in-flight requests
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "go-proxy:", err)
		os.Exit(1)
	}
}
