package ingroute_test

// The shared spec tables of tests/data (formats in tests/data/README.md
// and tests/data/route/README.md) through the binding and the real shared
// library, compared as tests/test-data.c and tests/test-route.c do, with
// answers written as tests/routefmt.h writes them.

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"ingroute.dev/ingroute"
)

func dataDir(t testing.TB) string {
	if d := os.Getenv("INGROUTE_TESTDATA"); d != "" {
		return d
	}
	d, err := filepath.Abs(filepath.Join("..", "..", "tests", "data"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d, "route")); err != nil {
		t.Fatalf("spec tables not found at %s (set INGROUTE_TESTDATA): %v", d, err)
	}
	return d
}

var statusNames = map[string]int{
	"OK": 0, "EINVAL": -1, "ENOMEM": -2, "EIO": -3, "ESYNTAX": -4,
	"ELIMIT": -5, "EINVALID": -6, "ENOENT": -7,
}

// expectLines splits as strtok(..., "\n") does, dropping one trailing CR
// and empty lines.
func expectLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSuffix(l, "\r")
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// cases lists the manifests of dir with a NAME.expect beside them, in
// byte order of names (scandir + alphasort).
func cases(t *testing.T, dir string, exts []string, needExpect bool) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		ext := filepath.Ext(n)
		if !slices.Contains(exts, ext) {
			continue
		}
		if needExpect {
			if _, err := os.Stat(filepath.Join(dir, strings.TrimSuffix(n, ext)+".expect")); err != nil {
				continue
			}
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func expectFile(dir, manifest string) string {
	return filepath.Join(dir, strings.TrimSuffix(manifest, filepath.Ext(manifest))+".expect")
}

func diffLines(what string, want, got []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s differ\n", what)
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "  missing:    %s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "  unexpected: %s\n", g)
		}
	}
	for i, g := range got {
		fmt.Fprintf(&b, "  got[%d]: %s\n", i, g)
	}
	return b.String()
}

func dataOptions(t *testing.T, words []string) ingroute.Options {
	var o ingroute.Options
	for i := 0; i < len(words); i++ {
		switch words[i] {
		case "--strict":
			o.Strict = true
		case "--default-class":
			o.DefaultClass = true
		case "--class":
			i++
			o.Class = words[i]
		case "--namespace":
			i++
			o.Namespace = words[i]
		default:
			t.Fatalf("unknown option %s", words[i])
		}
	}
	return o
}

func TestDataTables(t *testing.T) {
	root := dataDir(t)
	total := 0
	for _, sub := range []string{"validation", "decode", "load"} {
		dir := filepath.Join(root, sub)
		for _, manifest := range cases(t, dir, []string{".yaml", ".yml", ".json"}, true) {
			total++
			t.Run(sub+"/"+manifest, func(t *testing.T) { runDataCase(t, dir, manifest) })
		}
	}
	if total < 100 {
		t.Fatalf("only %d spec-table cases found", total)
	}
}

func runDataCase(t *testing.T, dir, manifest string) {
	exp, err := os.ReadFile(expectFile(dir, manifest))
	if err != nil {
		t.Fatal(err)
	}
	var words, wantIng, wantDiag, wantNote []string
	wantStatus := 0
	for _, l := range expectLines(string(exp)) {
		switch {
		case strings.HasPrefix(l, "#"):
		case strings.HasPrefix(l, "options: "):
			words = strings.Fields(l[9:])
		case strings.HasPrefix(l, "status: "):
			s, ok := statusNames[l[8:]]
			if !ok {
				t.Fatalf("unknown status %s", l[8:])
			}
			wantStatus = s
		case strings.HasPrefix(l, "ingress: "):
			wantIng = append(wantIng, l[9:])
		case strings.HasPrefix(l, "diag: "):
			wantDiag = append(wantDiag, l[6:])
		case strings.HasPrefix(l, "note: "):
			wantNote = append(wantNote, l[6:])
		default:
			t.Fatalf("cannot read line: %s", l)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, manifest))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := ingroute.NewRuleset(dataOptions(t, words))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	diags, err := rs.LoadBuffer(manifest, data)
	status := 0
	if err != nil {
		e, ok := err.(*ingroute.Error)
		if !ok {
			t.Fatalf("load: %v", err)
		}
		status, diags = int(e.Status), e.Diagnostics
	}
	var gotDiag, gotNote, gotIng []string
	for _, d := range diags {
		if d.Severity == ingroute.SeverityNote {
			gotNote = append(gotNote, d.String())
		} else {
			gotDiag = append(gotDiag, d.String())
		}
	}
	for _, i := range rs.Ingresses() {
		gotIng = append(gotIng, fmt.Sprintf("%s/%s served=%d rules=%d paths=%d tls=%d default=%d",
			i.Namespace, i.Name, b2i(i.Served), i.Rules, i.Paths, i.TLS, b2i(i.HasDefaultBackend)))
	}
	if status != wantStatus {
		t.Errorf("status %d, want %d\n%s", status, wantStatus, strings.Join(gotDiag, "\n"))
	}
	sort.Strings(wantDiag)
	sort.Strings(gotDiag)
	if !slices.Equal(wantDiag, gotDiag) {
		t.Error(diffLines("diagnostics", wantDiag, gotDiag))
	}
	if !slices.Equal(wantIng, gotIng) {
		t.Error(diffLines("ingresses", wantIng, gotIng))
	}
	if len(wantNote) > 0 {
		sort.Strings(wantNote)
		sort.Strings(gotNote)
		if !slices.Equal(wantNote, gotNote) {
			t.Error(diffLines("notes", wantNote, gotNote))
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func routeOptions(t *testing.T, words []string) ingroute.Options {
	var o ingroute.Options
	for i := 0; i < len(words); i++ {
		switch words[i] {
		case "--class":
			i++
			o.Class = words[i]
		case "--default-class":
			o.DefaultClass = true
		case "--impl-specific":
			i++
			switch words[i] {
			case "exact":
				o.ImplSpecific = ingroute.ImplExact
			case "string-prefix":
				o.ImplSpecific = ingroute.ImplStringPrefix
			default:
				o.ImplSpecific = ingroute.ImplPrefix
			}
		case "--fallthrough":
			o.Fallthrough = true
		case "--no-normalize":
			o.NoNormalize = true
		case "--default-backend":
			i++
			o.DefaultBackend = words[i]
		case "--namespace":
			i++
			o.Namespace = words[i]
		default:
			t.Fatalf("unknown option %s", words[i])
		}
	}
	return o
}

// fmtMatch writes an answer as tests/routefmt.h does.
func fmtMatch(m ingroute.Match) string {
	if m.Decision == ingroute.DecisionNone {
		return "none"
	}
	var be string
	b := m.Backend
	if b.Kind == ingroute.BackendService {
		if b.PortName != "" {
			be = b.Namespace + "/" + b.Service + ":" + b.PortName
		} else {
			be = b.Namespace + "/" + b.Service + ":" + strconv.Itoa(b.PortNumber)
		}
	} else {
		g := b.Resource.APIGroup
		if g == "" {
			g = "-"
		}
		be = "resource:" + g + "/" + b.Resource.Kind + "/" + b.Resource.Name
	}
	if m.Decision == ingroute.DecisionPath {
		h := m.Rule.Host
		if h == "" {
			h = "-"
		}
		return fmt.Sprintf("path %s via %s/%s %s %s %s", be, m.Ingress.Namespace, m.Ingress.Name,
			h, m.Rule.PathType, m.Rule.Path)
	}
	if m.Ingress.Name != "" {
		return fmt.Sprintf("default %s via %s/%s", be, m.Ingress.Namespace, m.Ingress.Name)
	}
	return "default " + be + " via option"
}

func unhost(h string) string {
	if h == "-" {
		return ""
	}
	return h
}

func TestRouteTables(t *testing.T) {
	dir := filepath.Join(dataDir(t), "route")
	list := cases(t, dir, []string{".yaml", ".json"}, false)
	if len(list) < 20 {
		t.Fatalf("only %d routing cases found", len(list))
	}
	for _, manifest := range list {
		t.Run(manifest, func(t *testing.T) { runRouteCase(t, dir, manifest) })
	}
}

func runRouteCase(t *testing.T, dir, manifest string) {
	exp, err := os.ReadFile(expectFile(dir, manifest))
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for _, l := range strings.Split(string(exp), "\n") {
		if strings.HasPrefix(l, "options: ") {
			words = strings.Fields(l[9:])
			break
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, manifest))
	if err != nil {
		t.Fatal(err)
	}
	opts := routeOptions(t, words)
	opts.SourceName = manifest
	rt, err := ingroute.LoadText(opts, data)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	for _, d := range rt.Diagnostics() {
		if d.Severity == ingroute.SeverityError {
			t.Fatalf("the manifest does not load cleanly: %s", d)
		}
	}
	rows := 0
	for _, l := range expectLines(string(exp)) {
		_, want, ok := strings.Cut(l, " => ")
		if !ok {
			continue
		}
		var got string
		switch {
		case strings.HasPrefix(l, "route: "):
			f := strings.Fields(l[7:])
			m, err := rt.Match(unhost(f[0]), f[1])
			if err != nil {
				t.Fatal(err)
			}
			got = fmtMatch(m)
			if s := m.String(); s != got {
				t.Errorf("Match.String() %q, routefmt %q", s, got)
			}
			// without a Gateway, Route answers as Match does
			r, err := rt.Route(ingroute.Request{Method: "GET", Host: unhost(f[0]), Path: f[1]})
			if err != nil {
				t.Fatal(err)
			}
			if r.Decision != m.Decision || r.Backend != m.Backend || r.Route != m.Ingress ||
				r.Rule != m.Rule || r.VHost != m.VHost || r.DefaultSource != m.DefaultSource {
				t.Errorf("%s: Route %+v, Match %+v", l, r, m)
			}
		case strings.HasPrefix(l, "tls: "):
			f := strings.Fields(l[5:])
			tm, err := rt.TLS(unhost(f[0]))
			if err != nil {
				t.Fatal(err)
			}
			got = "none"
			if tm.Found {
				got = fmt.Sprintf("%s/%s via %s/%s", tm.SecretNamespace, tm.SecretName,
					tm.Ingress.Namespace, tm.Ingress.Name)
			}
		default:
			continue
		}
		rows++
		if got != want {
			t.Errorf("%s\n    got  %s", l, got)
		}
	}
	if rows == 0 {
		t.Fatal("no rows")
	}
}
