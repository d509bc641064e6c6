package ingroute_test

// The Gateway API's spec tables (tests/data/gateway, README.md there)
// through the binding: every request: row routed with Router.Route and
// written in the row's words, as tests/test-gateway.c does in C.

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"ingroute.dev/ingroute"
)

func describeRoute(r ingroute.Route) string {
	via := "via " + r.Route.Namespace + "/" + r.Route.Name + " rule " + strconv.Itoa(r.RuleIndex)
	switch {
	case r.Status == 404:
		return "status 404"
	case r.Status == 500:
		return "status 500 " + via
	case r.Status != 0:
		return "redirect " + strconv.Itoa(r.Status) + " " + r.Location + " " + via
	}
	out := []string{"backend " + r.Backend.String() + " " + via}
	for _, f := range r.Filters {
		switch f.Type {
		case ingroute.FilterURLRewrite:
			if f.PathModifier != ingroute.PathKeep {
				out = append(out, "path="+r.UpstreamPath)
			}
			if f.Hostname != "" {
				out = append(out, "host="+f.Hostname)
			}
		case ingroute.FilterRequestHeader, ingroute.FilterResponseHeader:
			pre := ""
			if f.Type == ingroute.FilterResponseHeader {
				pre = "resp-"
			}
			for _, e := range f.Edits {
				op := map[int]string{ingroute.HeaderSet: "set", ingroute.HeaderAdd: "add",
					ingroute.HeaderRemove: "remove"}[e.Op]
				if e.Op == ingroute.HeaderRemove {
					out = append(out, pre+op+"="+e.Name)
				} else {
					out = append(out, pre+op+"="+e.Name+":"+e.Value)
				}
			}
		case ingroute.FilterMirror:
			out = append(out, "mirror="+f.Mirror.String())
		}
	}
	return strings.Join(out, " ")
}

func unescapeRow(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "%20", " "), "%25", "%")
}

func TestGatewayTables(t *testing.T) {
	dir := filepath.Join(dataDir(t), "gateway")
	expects, _ := filepath.Glob(filepath.Join(dir, "*.expect"))
	if len(expects) < 40 {
		t.Fatalf("only %d gateway cases found", len(expects))
	}
	for _, e := range expects {
		e := e
		t.Run(filepath.Base(e), func(t *testing.T) { runGatewayCase(t, dir, e) })
	}
}

func runGatewayCase(t *testing.T, dir, expect string) {
	exp, err := os.ReadFile(expect)
	if err != nil {
		t.Fatal(err)
	}
	var controller string
	var rows, wantDiags []string
	for _, l := range expectLines(string(exp)) {
		switch {
		case strings.HasPrefix(l, "options: --controller "):
			controller = strings.TrimPrefix(l, "options: --controller ")
		case strings.HasPrefix(l, "request: "):
			rows = append(rows, l[9:])
		case strings.HasPrefix(l, "diag: "):
			wantDiags = append(wantDiags, l[6:])
		}
	}
	rs, err := ingroute.NewRuleset(ingroute.Options{GatewayController: controller})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var diags []ingroute.Diagnostic
	manifest := strings.TrimSuffix(filepath.Base(expect), ".expect") + ".yaml"
	for _, f := range []string{"base.yaml", manifest} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		d, err := rs.LoadBuffer(f, data)
		if err != nil {
			t.Fatal(err)
		}
		diags = append(diags, d...)
	}
	rt, err := rs.Compile()
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	diags = append(diags, rt.Diagnostics()...)
	var got []string
	for _, d := range diags {
		if d.Severity != ingroute.SeverityNote {
			got = append(got, d.String())
		}
	}
	sort.Strings(got)
	sort.Strings(wantDiags)
	if strings.Join(got, "\n") != strings.Join(wantDiags, "\n") {
		t.Errorf("diagnostics:\n got  %q\n want %q", got, wantDiags)
	}
	for _, row := range rows {
		left, want, _ := strings.Cut(row, " => ")
		w := strings.Split(left, " ")
		q := ingroute.Request{Method: w[1], Path: unescapeRow(w[3])}
		q.Gateway = w[0]
		if gw, port, ok := strings.Cut(w[0], ":"); ok {
			p, _ := strconv.Atoi(port)
			q.Gateway, q.Port = gw, uint16(p)
		}
		if w[2] != "-" {
			q.Host = w[2]
		}
		for _, tok := range w[4:] {
			if v, ok := strings.CutPrefix(tok, "random="); ok {
				q.Random, _ = strconv.ParseUint(v, 10, 64)
				continue
			}
			name, value, _ := strings.Cut(tok, ":")
			q.Header = append(q.Header, [2]string{name, unescapeRow(value)})
		}
		r, err := rt.Route(q)
		if err != nil {
			t.Fatal(err)
		}
		if d := describeRoute(r); d != want {
			t.Errorf("%s\n    got  %s", row, d)
		}
	}
}
