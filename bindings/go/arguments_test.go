package ingroute_test

import (
	"errors"
	"strings"
	"testing"

	"ingroute.dev/ingroute"
)

// wantInvalid checks that err is a refusal, ErrInvalidArgument, and
// whether it is the package's own (*ArgumentError) or the library's.
// It returns false when there is no error to look at further.
func wantInvalid(t *testing.T, what string, err error, own bool) bool {
	t.Helper()
	if err == nil {
		t.Errorf("%s: accepted", what)
		return false
	}
	if !errors.Is(err, ingroute.ErrInvalidArgument) {
		t.Errorf("%s: %v, want ErrInvalidArgument", what, err)
	}
	var ae *ingroute.ArgumentError
	if errors.As(err, &ae) != own {
		t.Errorf("%s: %T (%v): *ArgumentError %v, want %v", what, err, err, !own, own)
	}
	return true
}

// wantRefused checks that err is the package's refusal of an argument:
// ErrInvalidArgument, with a message that names the argument.
func wantRefused(t *testing.T, what string, err error, msg string) {
	t.Helper()
	if !wantInvalid(t, what, err, true) {
		return
	}
	if err.Error() != msg {
		t.Errorf("%s:\n got  %s\n want %s", what, err, msg)
	}
}

// A negative limit used to reach C as a huge size_t: no limit at all.
func TestNegativeLimitsRefused(t *testing.T) {
	deep := strings.Repeat("[", 5000) + strings.Repeat("]", 5000)
	for _, c := range []struct {
		field string
		opts  ingroute.Options
	}{
		{"MaxInputBytes", ingroute.Options{MaxInputBytes: -1}},
		{"MaxDepth", ingroute.Options{MaxDepth: -1}},
		{"MaxNodes", ingroute.Options{MaxNodes: -1}},
		{"MaxAliasNodes", ingroute.Options{MaxAliasNodes: -1}},
		{"MaxScalarBytes", ingroute.Options{MaxScalarBytes: -1}},
		{"MaxDiagnostics", ingroute.Options{MaxDiagnostics: -1}},
		{"MaxAliasBytes", ingroute.Options{MaxAliasBytes: -1}},
	} {
		msg := "ingroute: Options." + c.field + " is -1: must not be negative"
		rs, err := ingroute.NewRuleset(c.opts)
		if rs != nil {
			rs.Close()
		}
		wantRefused(t, "NewRuleset "+c.field, err, msg)
		rt, err := ingroute.LoadText(c.opts, []byte(deep))
		if rt != nil {
			rt.Close()
		}
		wantRefused(t, "LoadText "+c.field, err, msg)
	}
	// Every field is checked, not only the first.
	_, err := ingroute.NewRuleset(ingroute.Options{MaxDepth: 10, MaxAliasBytes: -7})
	wantRefused(t, "MaxAliasBytes after a valid MaxDepth", err,
		"ingroute: Options.MaxAliasBytes is -7: must not be negative")
	// 0 keeps meaning the library's default, which stops this nesting.
	if _, err := ingroute.LoadText(ingroute.Options{}, []byte(deep)); !errors.Is(err, ingroute.ErrLimit) {
		t.Fatalf("default depth limit: %v", err)
	}
}

// A NUL byte used to cut every string handed to C short at it.
func TestNULBytesRefused(t *testing.T) {
	const nul = `must not contain a NUL byte`
	for _, c := range []struct {
		opts ingroute.Options
		msg  string
	}{
		{ingroute.Options{Class: "pub\x00lic"}, `ingroute: Options.Class is "pub\x00lic": ` + nul},
		{ingroute.Options{Namespace: "team\x00"}, `ingroute: Options.Namespace is "team\x00": ` + nul},
		{ingroute.Options{DefaultBackend: "ops/fallback:80\x00x"}, `ingroute: Options.DefaultBackend is "ops/fallback:80\x00x": ` + nul},
		{ingroute.Options{SourceName: "a.yaml\x00b"}, `ingroute: Options.SourceName is "a.yaml\x00b": ` + nul},
	} {
		rt, err := ingroute.LoadText(c.opts, []byte(shop))
		if rt != nil {
			rt.Close()
		}
		wantRefused(t, "LoadText", err, c.msg)
	}
	_, err := ingroute.Load(ingroute.Options{}, examplesDir(t), "missing\x00.yaml")
	wantRefused(t, "Load", err, `ingroute: Load paths[1] is "missing\x00.yaml": `+nul)

	rs, err := ingroute.NewRuleset(ingroute.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if _, err := rs.LoadBuffer("shop.yaml", []byte(shop)); err != nil {
		t.Fatal(err)
	}
	g := rs.Generation()
	_, err = rs.LoadBuffer("b.yaml\x00", []byte(ops))
	wantRefused(t, "LoadBuffer", err, `ingroute: LoadBuffer name is "b.yaml\x00": `+nul)
	_, err = rs.ReloadBuffer("b.yaml\x00", []byte(ops))
	wantRefused(t, "ReloadBuffer", err, `ingroute: ReloadBuffer name is "b.yaml\x00": `+nul)
	_, err = rs.LoadPath(examplesDir(t) + "\x00x")
	wantRefused(t, "LoadPath", err, `ingroute: LoadPath path is "`+examplesDir(t)+`\x00x": `+nul)
	_, err = rs.ReloadPaths(examplesDir(t), "a\x00b")
	wantRefused(t, "ReloadPaths", err, `ingroute: ReloadPaths paths[1] is "a\x00b": `+nul)
	// Cut short, these keys named shop/web and removed it.
	err = rs.Remove("shop", "web\x00other")
	wantRefused(t, "Remove name", err, `ingroute: Remove name is "web\x00other": `+nul)
	err = rs.Remove("shop\x00other", "web")
	wantRefused(t, "Remove namespace", err, `ingroute: Remove namespace is "shop\x00other": `+nul)
	err = rs.Delete(ingroute.KindIngress, "shop", "web\x00other")
	wantRefused(t, "Delete name", err, `ingroute: Delete name is "web\x00other": `+nul)
	err = rs.Delete(ingroute.KindIngress, "shop\x00other", "web")
	wantRefused(t, "Delete namespace", err, `ingroute: Delete namespace is "shop\x00other": `+nul)
	err = rs.Delete("Ingress\x00Class", "shop", "web")
	wantRefused(t, "Delete kind", err, `ingroute: Delete kind is "Ingress\x00Class": `+nul)
	// Find has no error to return: no Ingress is named with a NUL (names
	// are DNS names), so there is none to find, not shop/web.
	if i, ok := rs.Find("shop", "web\x00other"); ok {
		t.Errorf("Find with a NUL found %+v", i)
	}
	if i, ok := rs.Find("shop\x00other", "web"); ok {
		t.Errorf("Find with a NUL in the namespace found %+v", i)
	}
	_, err = rs.CompileWith(ingroute.CompileOptions{Set: ingroute.CompileDefaultBackend,
		DefaultBackend: "ops/fallback:80\x00x"})
	wantRefused(t, "CompileWith", err,
		`ingroute: CompileOptions.DefaultBackend is "ops/fallback:80\x00x": `+nul)
	if _, ok := rs.Find("shop", "web"); !ok || rs.Len() != 1 || rs.Generation() != g {
		t.Fatalf("a refused call changed the ruleset: len %d, generation %d (was %d)", rs.Len(), rs.Generation(), g)
	}
}

// wantOptionRefused checks that err is the library's refusal of options:
// ErrInvalidArgument, an *Error (not an *ArgumentError: C was asked) whose
// Diagnostics are one DiagOption error per field, and a message that
// names each as Go spells it, with the library's reason.
func wantOptionRefused(t *testing.T, what string, err error, op string, names, fields []string, msg string) {
	t.Helper()
	if !wantInvalid(t, what, err, false) {
		return
	}
	var e *ingroute.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: %T, want *Error", what, err)
		return
	}
	if e.Op != op || e.Status != ingroute.ErrInvalidArgument || len(e.Diagnostics) != len(fields) {
		t.Errorf("%s: %+v", what, e)
		return
	}
	var parts []string
	for i, d := range e.Diagnostics {
		if d.Severity != ingroute.SeverityError || d.Code != ingroute.DiagOption || d.Field != fields[i] ||
			d.File != "" || d.Line != 0 || d.Text != "error: "+d.Field+": "+d.Message {
			t.Errorf("%s: diagnostic %d: %+v", what, i, d)
		}
		parts = append(parts, names[i]+": "+d.Message)
	}
	if got := err.Error(); got != "ingroute: "+strings.Join(parts, "; ") || !strings.HasPrefix(got, msg) {
		t.Errorf("%s:\n got  %s\n want %s...", what, got, msg)
	}
}

// A malformed option used to be a bare "ingroute: options: invalid
// argument"; the library now says which and why.
func TestOptionsRefusedWithTheLibraryReason(t *testing.T) {
	const label = "a lowercase RFC 1123 label must consist of"
	const port = "must be between 1 and 65535, inclusive"
	for _, c := range []struct{ backend, problem string }{
		{"web:80", "must be NAMESPACE/SERVICE:PORT (no '/')"},
		{"shop/web", "must be NAMESPACE/SERVICE:PORT (no ':PORT')"},
		{"/web:80", "namespace: " + label},
		{"Shop/web:80", "namespace: " + label},
		{"shop/:80", "service: " + label},
		{"shop/Web:80", "service: " + label},
		{"shop/web.x:80", "service: must not contain dots"},
		{"shop/web:0", "port: " + port},
		{"shop/web:65536", "port: " + port},
		{"shop/web:99999999999999999999", "port: " + port},
		{"shop/web:", "port: "},
		{"shop/web:http_x", "port: must contain only alpha-numeric characters"},
	} {
		opts := ingroute.Options{DefaultBackend: c.backend}
		reason := `Invalid value: "` + c.backend + `": ` + c.problem
		names, fields := []string{"Options.DefaultBackend"}, []string{"default_backend"}
		msg := "ingroute: Options.DefaultBackend: " + reason
		rs, err := ingroute.NewRuleset(opts)
		if rs != nil {
			rs.Close()
		}
		wantOptionRefused(t, "NewRuleset "+c.backend, err, "options", names, fields, msg)
		_, err = ingroute.LoadText(opts, []byte(shop))
		wantOptionRefused(t, "LoadText "+c.backend, err, "options", names, fields, msg)
		_, err = ingroute.Load(opts, examplesDir(t))
		wantOptionRefused(t, "Load "+c.backend, err, "options", names, fields, msg)
	}
	for _, c := range []struct {
		opts        ingroute.Options
		name, field string
		reason      string
	}{
		{ingroute.Options{Namespace: "Team_A"}, "Options.Namespace", "default_namespace", `Invalid value: "Team_A": ` + label},
		{ingroute.Options{Namespace: "a.b"}, "Options.Namespace", "default_namespace", `Invalid value: "a.b": must not contain dots`},
		{ingroute.Options{ImplSpecific: 7}, "Options.ImplSpecific", "impl_specific",
			"Invalid value: 7: must be 0 (INGROUTE_IMPL_PREFIX), 1 (INGROUTE_IMPL_EXACT) or 2 (INGROUTE_IMPL_STRING_PREFIX)"},
		{ingroute.Options{ImplSpecific: -1}, "Options.ImplSpecific", "impl_specific", "Invalid value: -1: must be 0"},
	} {
		_, err := ingroute.LoadText(c.opts, []byte(shop))
		wantOptionRefused(t, c.name, err, "options", []string{c.name}, []string{c.field},
			"ingroute: "+c.name+": "+c.reason)
	}
	// Every refused option is named, in the order of the C struct.
	_, err := ingroute.NewRuleset(ingroute.Options{Namespace: "NS", ImplSpecific: 9, DefaultBackend: "x", Strict: true})
	wantOptionRefused(t, "three at once", err, "options",
		[]string{"Options.Namespace", "Options.ImplSpecific", "Options.DefaultBackend"},
		[]string{"default_namespace", "impl_specific", "default_backend"},
		`ingroute: Options.Namespace: Invalid value: "NS": `)

	// Go's zero values are the library's defaults: "" for Class and
	// Namespace reaches C as NULL, so an empty class is never refused.
	for _, opts := range []ingroute.Options{
		{DefaultBackend: "shop/web:8080"},
		{DefaultBackend: "shop/web:http"},
		{DefaultBackend: "shop/web:8080-http"},
		{DefaultBackend: "shop/web-2:65535", Namespace: "team-a", Class: "", ImplSpecific: ingroute.ImplStringPrefix},
	} {
		rt, err := ingroute.LoadText(opts, []byte(shop))
		if err != nil {
			t.Errorf("%+v: %v", opts, err)
			continue
		}
		if m := mustMatch(t, rt, "other.example.com", "/"); m.Backend.String() != opts.DefaultBackend {
			t.Errorf("%+v: %v", opts, m)
		}
		rt.Close()
	}

	// The package's own checks come first: an *ArgumentError, even beside
	// an option the library would refuse.
	_, err = ingroute.NewRuleset(ingroute.Options{Namespace: "NS", DefaultBackend: "shop/web\x00:80"})
	wantRefused(t, "NUL beside a bad namespace", err,
		`ingroute: Options.DefaultBackend is "shop/web\x00:80": must not contain a NUL byte`)
	_, err = ingroute.NewRuleset(ingroute.Options{DefaultBackend: "shop/web", MaxDepth: -1})
	wantRefused(t, "negative limit beside a bad backend", err,
		"ingroute: Options.MaxDepth is -1: must not be negative")
}

func TestCompileOptionsRefusedWithTheLibraryReason(t *testing.T) {
	rs, err := ingroute.NewRuleset(ingroute.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if _, err := rs.LoadBuffer("shop.yaml", []byte(shop)); err != nil {
		t.Fatal(err)
	}
	_, err = rs.CompileWith(ingroute.CompileOptions{Set: ingroute.CompileDefaultBackend, DefaultBackend: "web:80"})
	wantOptionRefused(t, "CompileWith DefaultBackend", err, "compile",
		[]string{"CompileOptions.DefaultBackend"}, []string{"default_backend"},
		`ingroute: CompileOptions.DefaultBackend: Invalid value: "web:80": must be NAMESPACE/SERVICE:PORT (no '/')`)
	_, err = rs.CompileWith(ingroute.CompileOptions{Set: ingroute.CompileImplSpecific | ingroute.CompileDefaultBackend,
		ImplSpecific: 3, DefaultBackend: "shop/web:0"})
	wantOptionRefused(t, "CompileWith both", err, "compile",
		[]string{"CompileOptions.ImplSpecific", "CompileOptions.DefaultBackend"},
		[]string{"impl_specific", "default_backend"},
		"ingroute: CompileOptions.ImplSpecific: Invalid value: 3: must be 0 (INGROUTE_IMPL_PREFIX)")
	// Settings not in Set are not the compile's: not checked, not used.
	rt, err := rs.CompileWith(ingroute.CompileOptions{ImplSpecific: 3, DefaultBackend: "web:80"})
	if err != nil {
		t.Fatalf("settings outside Set: %v", err)
	}
	rt.Close()
	// An unknown bit of Set is the library's bare refusal, as before.
	_, err = rs.CompileWith(ingroute.CompileOptions{Set: 1 << 9})
	if !errors.Is(err, ingroute.ErrInvalidArgument) || err.Error() != "ingroute: compile: invalid argument" {
		t.Errorf("unknown Set bit: %v", err)
	}
	if ingroute.DiagOption != 16 {
		t.Errorf("DiagOption is %d", ingroute.DiagOption)
	}
}
