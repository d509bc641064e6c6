package ingroute_test

import (
	"errors"
	"strings"
	"testing"

	"ingroute.dev/ingroute"
)

// wantRefused checks that err is the package's refusal of an argument:
// ErrInvalidArgument, with a message that names the argument.
func wantRefused(t *testing.T, what string, err error, msg string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: accepted", what)
		return
	}
	if !errors.Is(err, ingroute.ErrInvalidArgument) {
		t.Errorf("%s: %v, want ErrInvalidArgument", what, err)
	}
	var ae *ingroute.ArgumentError
	if !errors.As(err, &ae) {
		t.Errorf("%s: %T, want *ArgumentError", what, err)
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
