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
// SIGHUP reloads the manifests and the upstreams file: the new router is
// swapped in atomically, requests already routed finish on the old one,
// and the old router is closed when the last of them is done. A reload
// that fails keeps the current configuration. SIGINT and SIGTERM shut
// down gracefully.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"ingroute.dev/ingroute"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// Config is what the command line says.
type Config struct {
	Files         []string
	Options       ingroute.Options
	Listen        string
	Upstreams     map[string]string // "NS/SERVICE:PORT" -> "HOST:PORT"
	UpstreamsFile string
	RuleHeader    string
}

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
	fs.StringVar(&cfg.UpstreamsFile, "upstreams", "", "file of NS/SERVICE:PORT=HOST:PORT lines (reloaded on SIGHUP)")
	fs.StringVar(&cfg.RuleHeader, "rule-header", "", "response header naming the rule that matched (e.g. X-Ingroute-Rule)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if len(files) == 0 {
		return cfg, errors.New("no manifests: give -f FILE|DIR")
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

// generation is one loaded configuration: a router and its upstreams,
// with a count of its users. The proxy itself holds one reference while
// the generation is current; each request holds one while it runs.
type generation struct {
	id        int
	router    *ingroute.Router
	upstreams map[string]string
	refs      atomic.Int64
	log       *log.Logger
}

// release drops a reference; the last one closes the router.
func (g *generation) release() {
	if g.refs.Add(-1) == 0 {
		g.router.Close()
		g.log.Printf("router generation %d closed", g.id)
	}
}

// Proxy routes requests with the current generation's router.
type Proxy struct {
	cfg     Config
	log     *log.Logger
	current atomic.Pointer[generation]
	rp      *httputil.ReverseProxy

	reloadMu sync.Mutex
	nextID   int
}

type upstreamKey struct{}

// NewProxy loads the manifests and makes a Proxy.
func NewProxy(cfg Config, logger *log.Logger) (*Proxy, error) {
	p := &Proxy{cfg: cfg, log: logger}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			addr := pr.In.Context().Value(upstreamKey{}).(string)
			pr.SetURL(&url.URL{Scheme: "http", Host: addr})
			pr.Out.Host = pr.In.Host // the backend sees the Host the client asked for
			pr.SetXForwarded()
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			p.log.Printf("%s %s%s: upstream: %v", r.Method, r.Host, r.URL.RequestURI(), err)
			http.Error(w, "ingroute: bad gateway", http.StatusBadGateway)
		},
	}
	if err := p.Reload(); err != nil {
		return nil, err
	}
	return p, nil
}

// Reload loads the manifests (and the upstreams file) again and swaps the
// new router in. On error the current configuration stays.
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
	rt, err := ingroute.Load(p.cfg.Options, p.cfg.Files...)
	if err != nil {
		var e *ingroute.Error
		if errors.As(err, &e) {
			for _, d := range e.Diagnostics {
				p.log.Print(d)
			}
		}
		p.log.Printf("reload failed, keeping the current configuration: %v", err)
		return err
	}
	for _, d := range rt.Diagnostics() {
		if d.Severity != ingroute.SeverityNote {
			p.log.Print(d)
		}
	}
	p.nextID++
	g := &generation{id: p.nextID, router: rt, upstreams: ups, log: p.log}
	g.refs.Store(1)
	old := p.current.Swap(g)
	p.log.Printf("router generation %d loaded from %s", g.id, strings.Join(p.cfg.Files, ", "))
	if old != nil {
		old.release()
	}
	return nil
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

// Close drops the proxy's reference on the current generation.
func (p *Proxy) Close() {
	if g := p.current.Swap(nil); g != nil {
		g.release()
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

func (g *generation) upstream(b ingroute.Backend) string {
	key := b.Namespace + "/" + b.Service + ":" + b.Port()
	if a, ok := g.upstreams[key]; ok {
		return a
	}
	return net.JoinHostPort(b.Service+"."+b.Namespace+".svc.cluster.local", b.Port())
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g := p.acquire()
	if g == nil {
		http.Error(w, "ingroute: shutting down", http.StatusServiceUnavailable)
		return
	}
	defer g.release() // the request keeps its router until it is done
	m, err := g.router.Match(r.Host, r.URL.EscapedPath())
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
	ctx := context.WithValue(r.Context(), upstreamKey{}, g.upstream(m.Backend))
	p.rp.ServeHTTP(w, r.WithContext(ctx))
}

// run is the program: it returns when ctx is done (after a graceful
// shutdown) or on a fatal error. ready, when not nil, receives the listen
// address once requests are accepted and SIGHUP reloads.
func run(ctx context.Context, args []string, stderr io.Writer, ready chan<- string) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := log.New(stderr, "go-proxy: ", log.LstdFlags)
	p, err := NewProxy(cfg, logger)
	if err != nil {
		return err
	}
	defer p.Close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: logger}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case <-hup:
				_ = p.Reload() // logged; a failed reload keeps serving
			case <-done:
				return
			}
		}
	}()

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
