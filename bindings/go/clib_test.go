package ingroute_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The package compiles the library from the checkout (clib.go): one
// clib_NAME.c per source of lib/meson.build, each including exactly that
// source, and nothing else, so the two builds cannot drift apart.
func TestEmbeddedSourcesAreTheLibrarys(t *testing.T) {
	meson, err := os.ReadFile(filepath.Join("..", "..", "lib", "meson.build"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)lib_sources = files\((.*?)\)`).FindSubmatch(meson)
	if block == nil {
		t.Fatal("no lib_sources in lib/meson.build")
	}
	var want []string
	for _, m := range regexp.MustCompile(`'([^']+\.c)'`).FindAllSubmatch(block[1], -1) {
		want = append(want, string(m[1]))
	}
	wrappers, err := filepath.Glob("clib_*.c")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	include := regexp.MustCompile(`(?m)^#include "\.\./\.\./lib/([^"]+)"$`)
	for _, w := range wrappers {
		text, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		incs := include.FindAllSubmatch(text, -1)
		if len(incs) != 1 || strings.Count(string(text), "#include") != 1 {
			t.Errorf("%s: includes %d sources of lib/, want one", w, len(incs))
			continue
		}
		src := string(incs[0][1])
		if w != "clib_"+strings.ReplaceAll(strings.TrimSuffix(src, ".c"), "-", "_")+".c" {
			t.Errorf("%s includes lib/%s", w, src)
		}
		got = append(got, src)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("clib_*.c compile %v\nlib/meson.build has %v", got, want)
	}
}
