package main

// The Gateway API's spec tables (tests/data/gateway) end to end: every
// Service of base.yaml is an echo backend on 127.0.0.1, the proxy serves
// each Gateway a case's rows name, and every row is an HTTP request
// through it. The backend's echo (its name, the Host, path and headers it
// received) and the response (status, Location, headers) must be what
// the row says.

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type echo struct {
	Backend string              `json:"backend"`
	Host    string              `json:"host"`
	Path    string              `json:"path"`
	Headers map[string][]string `json:"headers"`
}

// echoBackends starts one backend per Service of the manifests (base.yaml
// and the cases' own) and returns the upstreams (every port of a Service
// goes to it) and a count of the requests each received.
func echoBackends(t *testing.T, files []string) (map[string]string, func(string) int) {
	var all []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, string(data))
	}
	data := strings.Join(all, "\n---\n")
	var (
		mu   sync.Mutex
		hits = map[string]int{}
	)
	ups := map[string]string{}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		if !strings.Contains(doc, "\nkind: Service\n") {
			continue
		}
		name := regexp.MustCompile(`(?m)^  name: (\S+)`).FindStringSubmatch(doc)
		ns := regexp.MustCompile(`(?m)^  namespace: (\S+)`).FindStringSubmatch(doc)
		if name == nil || ns == nil {
			t.Fatalf("a Service without name or namespace:\n%s", doc)
		}
		key := ns[1] + "/" + name[1]
		if _, ok := ups[key+":8080"]; ok {
			continue
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hits[key]++
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(echo{Backend: key, Host: r.Host, Path: r.URL.RequestURI(),
				Headers: r.Header})
		}))
		t.Cleanup(srv.Close)
		for _, port := range regexp.MustCompile(`(?m)^  - .*port: (\d+)|^    port: (\d+)`).FindAllStringSubmatch(doc, -1) {
			p := port[1] + port[2]
			ups[key+":"+p] = strings.TrimPrefix(srv.URL, "http://")
		}
		// the conformance routes name port 8080 of every backend
		ups[key+":8080"] = strings.TrimPrefix(srv.URL, "http://")
	}
	return ups, func(k string) int {
		mu.Lock()
		defer mu.Unlock()
		return hits[k]
	}
}

func TestGatewayTablesThroughTheProxy(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "tests", "data", "gateway"))
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, "base.yaml")
	manifests, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	ups, hits := echoBackends(t, manifests)
	expects, _ := filepath.Glob(filepath.Join(dir, "*.expect"))
	if len(expects) < 40 {
		t.Fatalf("only %d cases", len(expects))
	}
	rows := 0
	for _, e := range expects {
		e := e
		t.Run(filepath.Base(e), func(t *testing.T) { rows += runProxyCase(t, dir, base, e, ups, hits) })
	}
	if rows < 200 {
		t.Errorf("only %d rows ran", rows)
	}
}

func runProxyCase(t *testing.T, dir, base, expect string, ups map[string]string,
	hits func(string) int) int {
	data, err := os.ReadFile(expect)
	if err != nil {
		t.Fatal(err)
	}
	var controller string
	byGateway := map[string][]string{}
	var order []string
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(l, "options: --controller "):
			controller = strings.TrimPrefix(l, "options: --controller ")
		case strings.HasPrefix(l, "request: "):
			gw := strings.Fields(l[9:])[0]
			if _, ok := byGateway[gw]; !ok {
				order = append(order, gw)
			}
			byGateway[gw] = append(byGateway[gw], l[9:])
		}
	}
	manifest := strings.TrimSuffix(expect, ".expect") + ".yaml"
	n := 0
	for _, gw := range order {
		cfg := Config{Files: []string{base, manifest}, Upstreams: ups, Gateway: gw,
			RuleHeader: "X-Ingroute-Rule"}
		if name, port, ok := strings.Cut(gw, ":"); ok {
			cfg.Gateway = name
			cfg.GatewayPort, _ = strconv.Atoi(port)
		}
		cfg.Options.GatewayController = controller
		p, err := NewProxy(cfg, log.New(io.Discard, "", 0))
		if err != nil {
			t.Fatal(err)
		}
		p.Random = func(r *http.Request) uint64 {
			v, _ := strconv.ParseUint(r.Header.Get("X-Test-Random"), 10, 64)
			return v
		}
		srv := httptest.NewServer(p)
		for _, row := range byGateway[gw] {
			checkRow(t, srv.URL, row, hits)
			n++
		}
		srv.Close()
		p.Close()
	}
	return n
}

var client = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func checkRow(t *testing.T, proxy, row string, hits func(string) int) {
	left, want, _ := strings.Cut(row, " => ")
	w := strings.Split(left, " ")
	req, err := http.NewRequest(w[1], proxy+unescape(w[3]), nil)
	if err != nil {
		t.Fatalf("%s: %v", row, err)
	}
	if w[2] != "-" {
		req.Host = w[2]
	}
	for _, tok := range w[4:] {
		if v, ok := strings.CutPrefix(tok, "random="); ok {
			req.Header.Set("X-Test-Random", v)
			continue
		}
		name, value, _ := strings.Cut(tok, ":")
		req.Header.Add(name, unescape(value))
	}
	want, _, _ = strings.Cut(want, " via ")
	effects := []string{}
	if i := strings.Index(row, " rule "); i >= 0 {
		f := strings.Fields(row[i+6:])
		effects = f[1:]
	}
	mirrorsBefore := map[string]int{}
	for _, e := range effects {
		if m, ok := strings.CutPrefix(e, "mirror="); ok {
			mirrorsBefore[serviceOf(m)] = hits(serviceOf(m))
		}
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", row, err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	f := strings.Fields(want)
	switch f[0] {
	case "status":
		if strconv.Itoa(res.StatusCode) != f[1] {
			t.Errorf("%s\n    got status %d", row, res.StatusCode)
		}
		return
	case "redirect":
		if strconv.Itoa(res.StatusCode) != f[1] || res.Header.Get("Location") != f[2] {
			t.Errorf("%s\n    got %d Location %q", row, res.StatusCode, res.Header.Get("Location"))
		}
		return
	}
	var got echo
	if res.StatusCode != 200 || json.Unmarshal(body, &got) != nil {
		t.Errorf("%s\n    got %d %s", row, res.StatusCode, body)
		return
	}
	if want := serviceOf(f[1]); got.Backend != want {
		t.Errorf("%s\n    reached %s", row, got.Backend)
	}
	hdr := http.Header(got.Headers)
	for _, e := range effects {
		k, v, _ := strings.Cut(e, "=")
		name, value, _ := strings.Cut(v, ":")
		switch k {
		case "path":
			if got.Path != v {
				t.Errorf("%s\n    upstream path %q", row, got.Path)
			}
		case "host":
			if got.Host != v {
				t.Errorf("%s\n    upstream Host %q", row, got.Host)
			}
		case "set":
			if hdr.Get(name) != value || len(hdr.Values(name)) != 1 {
				t.Errorf("%s\n    %s: %q", row, name, hdr.Values(name))
			}
		case "add":
			if !contains(hdr.Values(name), value) {
				t.Errorf("%s\n    %s: %q", row, name, hdr.Values(name))
			}
		case "remove":
			if len(hdr.Values(name)) != 0 {
				t.Errorf("%s\n    %s not removed: %q", row, name, hdr.Values(name))
			}
		case "resp-set":
			if res.Header.Get(name) != value {
				t.Errorf("%s\n    response %s: %q", row, name, res.Header.Values(name))
			}
		case "resp-add":
			if !contains(res.Header.Values(name), value) {
				t.Errorf("%s\n    response %s: %q", row, name, res.Header.Values(name))
			}
		case "resp-remove":
			if len(res.Header.Values(name)) != 0 {
				t.Errorf("%s\n    response %s not removed", row, name)
			}
		case "mirror":
			m := serviceOf(v)
			deadline := time.Now().Add(5 * time.Second)
			for hits(m) <= mirrorsBefore[m] && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if hits(m) <= mirrorsBefore[m] {
				t.Errorf("%s\n    %s got no mirrored request", row, m)
			}
		}
	}
}

// serviceOf gives "NS/NAME" of "NS/NAME:PORT".
func serviceOf(b string) string {
	s, _, _ := strings.Cut(b, ":")
	return s
}

func contains(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

func unescape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "%20", " "), "%25", "%")
}

// A mirror's share is drawn apart from the weighted pick: with weights
// 10/90 and a 10% mirror, the mirrored requests are not those of the first
// backend, and two 10% mirrors do not copy the same requests.
func TestMirrorDrawIsIndependent(t *testing.T) {
	if mirrorDraw(0, 0) != 0 {
		t.Fatal("random 0 must mirror the first mirror (the tables rely on it)")
	}
	const n = 100000
	mirrored, withFirst, both := 0, 0, 0
	for r := uint64(0); r < n; r++ {
		m0 := mirrorDraw(r, 0)%100 < 10
		m1 := mirrorDraw(r, 1)%100 < 10
		if m0 {
			mirrored++
			if r%100 < 10 {
				withFirst++
			}
			if m1 {
				both++
			}
		}
	}
	if mirrored < n*9/100 || mirrored > n*11/100 {
		t.Errorf("a 10%% mirror took %d of %d requests", mirrored, n)
	}
	// independent: about 1% of all requests each; the same draw: 10%
	if withFirst > n*2/100 || both > n*2/100 {
		t.Errorf("mirrored with the 10%% backend %d, by both mirrors %d, of %d",
			withFirst, both, n)
	}
}
