package main

// The load limit flags: parsed into ingroute.Options, refused when
// negative or malformed, and applied to every load of the files.

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"ingroute.dev/ingroute"
)

func TestLimitFlagsParse(t *testing.T) {
	dir := t.TempDir()
	cfg, err := parseFlags([]string{"-f", dir,
		"-max-input-bytes", "2G", "-max-depth", "100", "-max-nodes", "10000000",
		"-max-alias-nodes", "200000", "-max-alias-bytes", "64M",
		"-max-scalar-bytes", "512k", "-max-diagnostics", "50"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Options
	want := ingroute.Options{MaxInputBytes: 2 << 30, MaxDepth: 100, MaxNodes: 10000000,
		MaxAliasNodes: 200000, MaxAliasBytes: 64 << 20, MaxScalarBytes: 512 << 10, MaxDiagnostics: 50}
	if got.MaxInputBytes != want.MaxInputBytes || got.MaxDepth != want.MaxDepth ||
		got.MaxNodes != want.MaxNodes || got.MaxAliasNodes != want.MaxAliasNodes ||
		got.MaxAliasBytes != want.MaxAliasBytes || got.MaxScalarBytes != want.MaxScalarBytes ||
		got.MaxDiagnostics != want.MaxDiagnostics {
		t.Errorf("limits: got %+v, want %+v", got, want)
	}
	// Plain counts for the byte limits too; and a cluster's ruleset gets
	// the same Options.
	cfg, err = parseFlags([]string{"-kubeconfig", "k", "-max-input-bytes", "1000", "-max-nodes", "7"}, io.Discard)
	if err != nil || cfg.Options.MaxInputBytes != 1000 || cfg.Options.MaxNodes != 7 {
		t.Errorf("-kubeconfig with limits: %+v %v", cfg.Options, err)
	}
	// Unset, every limit is 0: the library's default.
	cfg, err = parseFlags([]string{"-f", dir}, io.Discard)
	if err != nil || cfg.Options != (ingroute.Options{}) {
		t.Errorf("defaults: %+v %v", cfg.Options, err)
	}

	for _, c := range []struct{ flag, value, problem string }{
		{"-max-nodes", "-5", "must not be negative"},
		{"-max-input-bytes", "-1K", "must not be negative"},
		{"-max-depth", "-99999999999999999999", "must not be negative"},
		{"-max-alias-nodes", "1K", "not a count"},
		{"-max-diagnostics", "x", "not a count"},
		{"-max-scalar-bytes", "2T", "not a count of bytes"},
		{"-max-alias-bytes", "1.5M", "not a count of bytes"},
		{"-max-input-bytes", "99999999999999999999", "too large"},
		{"-max-input-bytes", "9999999999999G", "too large"},
	} {
		_, err := parseFlags([]string{"-f", dir, c.flag, c.value}, io.Discard)
		want := "invalid value \"" + c.value + "\" for flag " + c.flag + ": " + c.problem
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s %s: got %v, want %q", c.flag, c.value, err, want)
		}
	}
}

// The first load fails with the library's diagnostic when a limit is set
// below the manifests.
func TestLimitFlagFailsTheFirstLoad(t *testing.T) {
	f := newFixture(t)
	err := run(context.Background(), []string{"-f", f.dir, "-listen", "127.0.0.1:0", "-watch=false",
		"-max-nodes", "20"}, f.logs, nil)
	if !errors.Is(err, ingroute.ErrLimit) {
		t.Errorf("run with -max-nodes 20: %v, want ErrLimit", err)
	}
	if !strings.Contains(f.logs.String(), "error: input exceeds the limit of 20 nodes in a document") {
		t.Errorf("no limit diagnostic in the log:\n%s", f.logs)
	}
}

// Reloads use the limits too: an edit past -max-input-bytes is refused and
// the routes stay; one within it is served.
func TestLimitFlagAppliesToReloads(t *testing.T) {
	f := newFixture(t)
	proxy := startProxy(t, f, "-max-input-bytes", "1K", "-watch-debounce", "20ms")
	if a := f.get(t, proxy, "shop.example.com", "/api/v1"); a.backend != "api" {
		t.Fatalf("before: %+v", a)
	}
	// manifestV1 is about 800 bytes; this is past 1 KiB.
	f.write(t, manifestV2+"# "+strings.Repeat("x", 1024)+"\n")
	waitFor(t, "the reload over the limit", func() bool {
		return strings.Contains(f.logs.String(), "exceeds the limit of 1024 bytes")
	})
	if a := f.get(t, proxy, "shop.example.com", "/api/v1"); a.backend != "api" {
		t.Errorf("after the refused reload: %+v", a)
	}
	f.write(t, manifestV2)
	waitFor(t, "the edit within the limit served", func() bool {
		return f.get(t, proxy, "shop.example.com", "/api/v1").backend == "web2"
	})
}
