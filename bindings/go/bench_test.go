package ingroute_test

// Match against Go's net/http.ServeMux on the same host/path workload, in
// the same run, and the cost of a bare cgo call:
//
//	go test -run '^$' -bench . -benchtime=2s
//
// The workload is W1 of bench/README.md minus the wildcard hosts, which
// ServeMux cannot express: 100 hosts, 1,000 paths (40 % Exact, 60 %
// Prefix, 2-5 segments), and a shuffled trace of 4,096 requests: exact
// hits, prefix hits with extra segments, unknown paths and unknown hosts.
// ServeMux gets the closest patterns: "host/a/b" and "host/a/b/" for
// Prefix /a/b (element-wise prefix), "host/a/b" for Exact /a/b, and
// "host/a/b/{$}" for Exact /a/b/.

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"ingroute.dev/ingroute"
)

type workload struct {
	rt       *ingroute.Router
	mux      *http.ServeMux
	backend  map[string]string // ServeMux pattern -> service
	hosts    []string
	paths    []string
	reqs     []*http.Request
	patterns int
}

var (
	wlOnce sync.Once
	wl     workload
	wlErr  error
)

func loadWorkload(tb testing.TB) *workload {
	wlOnce.Do(func() { wlErr = buildWorkload(&wl) })
	if wlErr != nil {
		tb.Fatal(wlErr)
	}
	return &wl
}

func buildWorkload(w *workload) error {
	rng := rand.New(rand.NewPCG(8, 1))
	words := strings.Fields("api v1 v2 users orders cart items static assets img " +
		"docs help account login search admin reports metrics health status")
	type rule struct {
		path  string
		exact bool
		svc   string
	}
	var yaml strings.Builder
	var all [][]rule
	for h := 0; h < 100; h++ {
		host := fmt.Sprintf("h%03d.bench.example", h)
		w.hosts = append(w.hosts, host)
		seen := map[string]bool{}
		var rules []rule
		for len(rules) < 10 {
			n := 2 + rng.IntN(4)
			segs := make([]string, n)
			for i := range segs {
				segs[i] = words[rng.IntN(len(words))]
			}
			p := "/" + strings.Join(segs, "/")
			exact := rng.IntN(10) < 4
			key := fmt.Sprint(p, exact)
			if seen[key] {
				continue
			}
			seen[key] = true
			rules = append(rules, rule{p, exact, fmt.Sprintf("s%03d-%d", h, len(rules))})
		}
		all = append(all, rules)
		fmt.Fprintf(&yaml, "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"+
			"metadata: {name: ing%03d, namespace: bench}\nspec:\n  rules:\n  - host: %s\n    http:\n      paths:\n", h, host)
		for _, r := range rules {
			t := "Prefix"
			if r.exact {
				t = "Exact"
			}
			fmt.Fprintf(&yaml, "      - {path: %s, pathType: %s, backend: {service: {name: %s, port: {number: 80}}}}\n",
				r.path, t, r.svc)
		}
	}
	rt, err := ingroute.LoadText(ingroute.Options{SourceName: "bench.yaml"}, []byte(yaml.String()))
	if err != nil {
		return err
	}
	w.rt = rt

	// ServeMux: Exact rules first, so that an Exact and a Prefix rule on the
	// same path leave the exact pattern to the Exact one, as ingroute ranks
	// them.
	w.mux = http.NewServeMux()
	w.backend = map[string]string{}
	add := func(pattern, svc string) {
		if _, dup := w.backend[pattern]; dup {
			return
		}
		w.backend[pattern] = svc
		w.mux.HandleFunc(pattern, func(http.ResponseWriter, *http.Request) {})
		w.patterns++
	}
	for h, rules := range all {
		for _, exact := range []bool{true, false} {
			for _, r := range rules {
				if r.exact != exact {
					continue
				}
				switch {
				case r.exact && strings.HasSuffix(r.path, "/"):
					add(w.hosts[h]+r.path+"{$}", r.svc)
				case r.exact:
					add(w.hosts[h]+r.path, r.svc)
				default:
					q := strings.TrimSuffix(r.path, "/")
					add(w.hosts[h]+q, r.svc)
					add(w.hosts[h]+q+"/", r.svc)
				}
			}
		}
	}

	for i := 0; i < 4096; i++ {
		h := rng.IntN(len(w.hosts))
		r := all[h][rng.IntN(len(all[h]))]
		host, path := w.hosts[h], r.path
		switch k := rng.IntN(100); {
		case k < 40: // the rule's own path
		case k < 70: // below a rule
			path = strings.TrimSuffix(path, "/") + "/" + words[rng.IntN(len(words))]
			if rng.IntN(2) == 0 {
				path += "/" + words[rng.IntN(len(words))]
			}
		case k < 85: // a path of no rule
			path = "/zz/" + words[rng.IntN(len(words))]
		default: // an unknown host
			host = fmt.Sprintf("x%03d.bench.example", h)
		}
		w.paths = append(w.paths, path)
		w.reqs = append(w.reqs, &http.Request{Method: "GET", Host: host, URL: &url.URL{Path: path}})
	}
	return nil
}

// The two routers must answer the same on the benchmark's trace, or the
// comparison would be meaningless.
func TestServeMuxAgrees(t *testing.T) {
	w := loadWorkload(t)
	hits := 0
	for i, r := range w.reqs {
		m, err := w.rt.Match(r.Host, w.paths[i])
		if err != nil {
			t.Fatal(err)
		}
		_, pattern := w.mux.Handler(r)
		if got := w.backend[pattern]; got != m.Backend.Service {
			t.Fatalf("%s%s: ingroute %q (%s), ServeMux %q (pattern %q)",
				r.Host, w.paths[i], m.Backend.Service, m, got, pattern)
		}
		if m.Decision == ingroute.DecisionPath {
			hits++
		}
	}
	t.Logf("%d requests, %d hits, %d ServeMux patterns", len(w.reqs), hits, w.patterns)
	if hits < len(w.reqs)/2 {
		t.Fatalf("only %d hits", hits)
	}
}

func BenchmarkRoute(b *testing.B) {
	w := loadWorkload(b)
	n := len(w.reqs)
	b.Run("ingroute", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r := w.reqs[i%n]
			if _, err := w.rt.Match(r.Host, w.paths[i%n]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("servemux", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			w.mux.Handler(w.reqs[i%n])
		}
	})
}

func BenchmarkRouteParallel(b *testing.B) {
	w := loadWorkload(b)
	n := len(w.reqs)
	b.Run("ingroute", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for i := rand.IntN(n); pb.Next(); i++ {
				if _, err := w.rt.Match(w.reqs[i%n].Host, w.paths[i%n]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("servemux", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for i := rand.IntN(n); pb.Next(); i++ {
				w.mux.Handler(w.reqs[i%n])
			}
		})
	})
}

// The floor under every Match: one call into C that does nothing.
func BenchmarkCgoCall(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ingroute.VersionNumber()
	}
}
