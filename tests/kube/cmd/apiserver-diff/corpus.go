package main

import (
	"fmt"
	"strings"
)

// corpus is every manifest the test runs: the cases of the release's
// validation tests (upstream.go), systematic mutations of the valid
// base objects, typing cases written by hand, and files shaped like the
// ones people have (kubectl exports, Helm output, JSON streams).
func corpus() []kcase {
	var cs []kcase
	cs = append(cs, upstreamCases()...)
	cs = append(cs, mutations()...)
	cs = append(cs, typing()...)
	cs = append(cs, streams()...)
	return cs
}

// names are values for the fields holding names of some kind, each a
// trap for one rule of DNS labels, subdomains or path segments.
var names = []string{
	"", "a", "A", "abc", "a-b", "-a", "a-", "a.b", "a..b", ".a", "a.", "1a",
	"1web", "123", "a_b", "a b", "a/b", "a%b", "..", ".", "a:80", "xn--a",
	"*.a.b", "*", "a.*.b", "1.2.3.4", "::1", "ä", "shop\u00a0example.com",
	"a\tb", "a\"b", strings.Repeat("a", 63), strings.Repeat("a", 64),
	subdomain(253), subdomain(254),
}

// subdomain is a valid DNS subdomain of n bytes: labels of 63.
func subdomain(n int) string {
	b := []byte(strings.Repeat(strings.Repeat("b", 63)+".", n/64+1))[:n]
	if b[n-1] == '.' {
		b[n-1] = 'c'
	}
	return string(b)
}

var paths = []string{
	"", "/", "foo", "/foo", "/foo/", "//", "/a//b", "/a/./b", "/a/../b", "/a/..",
	"/a/.", "/..", "/.", "/%2f", "/a%2Fb", "/%2e%2e/", "/ä", "/a b", "/a?b",
	"/a#b", "/.well-known", "/..a", "/a/...", "/a\\b", "/(.*)", "/foo/(?<x>.*)",
	"*", "/*", "/a;b", "/~x", "/a%20b",
}

var pathTypes = []any{"Exact", "Prefix", "ImplementationSpecific", "exact", "", "Foo", nil}

func slug(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteString("U" + string(r+'a'-'A'))
		default:
			fmt.Fprintf(&b, "_%x", r)
		}
	}
	if len(s) > 40 {
		return fmt.Sprintf("len%d-%s", len(s), b.String()[:16])
	}
	if s == "" {
		return "empty"
	}
	return b.String()
}

var (
	rule0   = []any{"spec", "rules", 0}
	path0   = []any{"spec", "rules", 0, "http", "paths", 0}
	back0   = []any{"spec", "rules", 0, "http", "paths", 0, "backend"}
	defBack = []any{"spec", "defaultBackend"}
)

func at(base []any, more ...any) []any {
	return append(append([]any{}, base...), more...)
}

// mutations change one field of a valid object at a time (two where
// the rule is about a pair).
func mutations() []kcase {
	var cs []kcase
	ing := func(name string, e ...edit) { cs = append(cs, mutate("mut-"+name, baseIngress, e...)) }
	cls := func(name string, e ...edit) { cs = append(cs, mutate("mut-class-"+name, baseClass, e...)) }

	for _, v := range names {
		s := slug(v)
		ing("name-"+s, set(v, "metadata", "name"))
		ing("namespace-"+s, set(v, "metadata", "namespace"))
		ing("host-"+s, set(v, at(rule0, "host")...))
		ing("tls-host-"+s, set([]any{v}, "spec", "tls", 0, "hosts"))
		ing("secret-"+s, set(v, "spec", "tls", 0, "secretName"))
		ing("ingressclassname-"+s, set(v, "spec", "ingressClassName"))
		ing("service-"+s, set(v, at(back0, "service", "name")...))
		ing("default-service-"+s, set(v, at(defBack, "service", "name")...))
		ing("port-name-"+s, set(tree{"name": v}, at(back0, "service", "port")...))
		ing("resource-kind-"+s, del("spec", "defaultBackend"),
			set(tree{"apiGroup": "example.com", "kind": v, "name": "a"}, at(back0, "resource")...),
			del(at(back0, "service")...))
		ing("resource-name-"+s, del("spec", "defaultBackend"),
			set(tree{"kind": "Bucket", "name": v}, at(back0, "resource")...),
			del(at(back0, "service")...))
		ing("resource-group-"+s, del("spec", "defaultBackend"),
			set(tree{"apiGroup": v, "kind": "Bucket", "name": "a"}, at(back0, "resource")...),
			del(at(back0, "service")...))
		ing("label-key-"+s, set("x", "metadata", "labels", v))
		ing("label-key-prefixed-"+s, set("x", "metadata", "labels", v+"/x"))
		ing("label-key-name-"+s, set("x", "metadata", "labels", "example.com/"+v))
		ing("label-value-"+s, set(v, "metadata", "labels", "app"))
		ing("annotation-key-"+s, set("x", "metadata", "annotations", v))
		ing("annotation-key-name-"+s, set("x", "metadata", "annotations", "example.com/"+v))
		ing("generate-name-"+s, del("metadata", "name"), set(v, "metadata", "generateName"))
		ing("generate-name-and-name-"+s, set(v, "metadata", "generateName"))
		ing("finalizer-"+s, set([]any{v}, "metadata", "finalizers"))
		ing("finalizer-prefixed-"+s, set([]any{"example.com/" + v}, "metadata", "finalizers"))
		ing("owner-name-"+s, set([]any{tree{"apiVersion": "v1", "kind": "ConfigMap", "name": v, "uid": "u1"}}, "metadata", "ownerReferences"))
		ing("owner-version-"+s, set([]any{tree{"apiVersion": v, "kind": "ConfigMap", "name": "a", "uid": "u1"}}, "metadata", "ownerReferences"))
		ing("owner-kind-"+s, set([]any{tree{"apiVersion": "v1", "kind": v, "name": "a", "uid": "u1"}}, "metadata", "ownerReferences"))
		ing("owner-uid-"+s, set([]any{tree{"apiVersion": "v1", "kind": "ConfigMap", "name": "a", "uid": v}}, "metadata", "ownerReferences"))
		cls("name-"+s, set(v, "metadata", "name"))
		cls("controller-"+s, set(v, "spec", "controller"))
		cls("controller-path-"+s, set("example.com/"+v, "spec", "controller"))
		cls("controller-domain-"+s, set(v+"/x", "spec", "controller"))
		cls("params-group-"+s, set(v, "spec", "parameters", "apiGroup"))
		cls("params-kind-"+s, set(v, "spec", "parameters", "kind"))
		cls("params-name-"+s, set(v, "spec", "parameters", "name"))
		cls("params-scope-"+s, set(v, "spec", "parameters", "scope"))
		cls("params-namespace-"+s, set("Namespace", "spec", "parameters", "scope"),
			set(v, "spec", "parameters", "namespace"))
		cls("label-key-"+s, set("x", "metadata", "labels", v))
		cls("generate-name-"+s, del("metadata", "name"), set(v, "metadata", "generateName"))
	}

	for _, p := range paths {
		for _, pt := range pathTypes {
			name := fmt.Sprintf("path-%v-%s", pt, slug(p))
			e := []edit{set(p, at(path0, "path")...)}
			if pt == nil {
				name = "path-none-" + slug(p)
				e = append(e, del(at(path0, "pathType")...))
			} else {
				e = append(e, set(pt, at(path0, "pathType")...))
			}
			if pt == "" {
				name = "path-emptytype-" + slug(p)
			}
			ing(name, e...)
			ing("wildcard-"+name, append(e, set("*.bar.com", at(rule0, "host")...))...)
		}
		ing("path-absent-type-"+slug(p)+"-only", set(p, at(path0, "path")...))
	}

	for _, n := range []any{0, 1, 80, 65535, 65536, -1, 2147483647} {
		ing(fmt.Sprintf("port-number-%v", n), set(tree{"number": n}, at(back0, "service", "port")...))
		ing(fmt.Sprintf("default-port-number-%v", n), set(tree{"number": n}, at(defBack, "service", "port")...))
	}
	for _, v := range []string{"http", "HTTP", "h_t", "abcdefghijklmno", "abcdefghijklmnop", "-http", "http-", "ht--tp", "1234", "h1"} {
		ing("port-name2-"+slug(v), set(tree{"name": v}, at(back0, "service", "port")...))
	}

	// Shapes of a backend.
	ing("backend-both-port", set(tree{"name": "http", "number": 80}, at(back0, "service", "port")...))
	ing("backend-no-port", del(at(back0, "service", "port")...))
	ing("backend-empty-port", set(tree{}, at(back0, "service", "port")...))
	ing("backend-empty", set(tree{}, back0...))
	ing("backend-null", set(nil, back0...))
	ing("backend-both", set(tree{"kind": "Bucket", "name": "a"}, at(back0, "resource")...))
	ing("backend-both-default", set(tree{"kind": "Bucket", "name": "a"}, at(defBack, "resource")...))
	ing("backend-resource-no-kind", del(at(back0, "service")...), set(tree{"name": "a"}, at(back0, "resource")...))
	ing("backend-resource-no-name", del(at(back0, "service")...), set(tree{"kind": "Bucket"}, at(back0, "resource")...))
	ing("backend-resource-empty", del(at(back0, "service")...), set(tree{}, at(back0, "resource")...))
	ing("backend-service-empty", set(tree{}, at(back0, "service")...))
	ing("backend-service-null", set(nil, at(back0, "service")...))
	ing("default-backend-empty", set(tree{}, defBack...))
	ing("default-backend-null", set(nil, defBack...))

	// Shapes of the spec.
	ing("spec-empty", set(tree{}, "spec"))
	ing("spec-null", set(nil, "spec"))
	ing("spec-absent", del("spec"))
	ing("rules-empty-no-default", set([]any{}, "spec", "rules"), del("spec", "defaultBackend"))
	ing("rules-null-no-default", set(nil, "spec", "rules"), del("spec", "defaultBackend"))
	ing("rules-empty", set([]any{}, "spec", "rules"))
	ing("rule-empty", set([]any{tree{}}, "spec", "rules"))
	ing("rule-host-only", set([]any{tree{"host": "a.b"}}, "spec", "rules"))
	ing("rule-http-empty", set(tree{}, at(rule0, "http")...))
	ing("rule-http-null", set(nil, at(rule0, "http")...))
	ing("rule-paths-empty", set([]any{}, at(rule0, "http", "paths")...))
	ing("rule-paths-null", set(nil, at(rule0, "http", "paths")...))
	ing("rule-path-empty", set([]any{tree{}}, at(rule0, "http", "paths")...))
	ing("rule-null", set([]any{nil}, "spec", "rules"))
	ing("path-null", set([]any{nil}, at(rule0, "http", "paths")...))
	ing("tls-empty", set([]any{tree{}}, "spec", "tls"))
	ing("tls-null-item", set([]any{nil}, "spec", "tls"))
	ing("tls-hosts-empty", set([]any{tree{"hosts": []any{}}}, "spec", "tls"))
	ing("tls-host-wildcard-only", set([]any{"*.a.b", "*"}, "spec", "tls", 0, "hosts"))
	ing("two-rules-same-host", set(clone(baseIngress()["spec"].(tree)["rules"].([]any)[0]), "spec", "rules", 1))

	// Class naming, both ways.
	ing("classname-both-agree", set("nginx", "spec", "ingressClassName"),
		set("nginx", "metadata", "annotations", "kubernetes.io/ingress.class"))
	ing("classname-both-differ", set("nginx", "spec", "ingressClassName"),
		set("traefik", "metadata", "annotations", "kubernetes.io/ingress.class"))
	ing("classname-annotation-only", set("nginx", "metadata", "annotations", "kubernetes.io/ingress.class"))
	ing("classname-annotation-empty", set("", "metadata", "annotations", "kubernetes.io/ingress.class"))
	ing("classname-annotation-invalid", set("Not A Class", "metadata", "annotations", "kubernetes.io/ingress.class"))

	// Metadata beyond names.
	ing("annotations-size-max", set(strings.Repeat("x", 262144-len("big")), "metadata", "annotations", "big"))
	ing("annotations-size-over", set(strings.Repeat("x", 262144-len("big")+1), "metadata", "annotations", "big"))
	ing("annotations-size-two", set(strings.Repeat("x", 200000), "metadata", "annotations", "a"),
		set(strings.Repeat("y", 70000), "metadata", "annotations", "b"))
	ing("label-value-63", set(strings.Repeat("v", 63), "metadata", "labels", "a"))
	ing("label-value-64", set(strings.Repeat("v", 64), "metadata", "labels", "a"))
	ing("label-key-prefix-253", set("x", "metadata", "labels", subdomain(253)+"/a"))
	ing("label-key-prefix-254", set("x", "metadata", "labels", subdomain(254)+"/a"))
	ing("labels-null", set(nil, "metadata", "labels"))
	ing("annotations-null", set(nil, "metadata", "annotations"))
	ing("finalizers-standard", set([]any{"kubernetes", "orphan", "foregroundDeletion"}, "metadata", "finalizers"))
	ing("finalizers-twice", set([]any{"example.com/a", "example.com/a"}, "metadata", "finalizers"))
	ing("finalizers-orphan-and-foreground", set([]any{"orphan", "foregroundDeletion"}, "metadata", "finalizers"))
	ing("finalizers-deletion-dependents", set([]any{"foregroundDeletion", "kubernetes.io/foo"}, "metadata", "finalizers"))
	ing("finalizers-empty-list", set([]any{}, "metadata", "finalizers"))
	own := func(m tree) []any { return []any{m} }
	ownerOK := func() tree { return tree{"apiVersion": "v1", "kind": "ConfigMap", "name": "a", "uid": "u1"} }
	ing("owner-valid", set(own(ownerOK()), "metadata", "ownerReferences"))
	for _, f := range []string{"apiVersion", "kind", "name", "uid"} {
		o := ownerOK()
		delete(o, f)
		ing("owner-no-"+strings.ToLower(f), set(own(o), "metadata", "ownerReferences"))
	}
	two := func(c1, c2 bool) []any {
		a, b := ownerOK(), ownerOK()
		b["uid"], b["name"] = "u2", "b"
		a["controller"], b["controller"] = c1, c2
		return []any{a, b}
	}
	ing("owner-two-controllers", set(two(true, true), "metadata", "ownerReferences"))
	ing("owner-one-controller", set(two(true, false), "metadata", "ownerReferences"))
	ing("owner-group-version", set(own(tree{"apiVersion": "apps/v1", "kind": "Deployment", "name": "a", "uid": "u1"}), "metadata", "ownerReferences"))
	ing("owner-bad-version", set(own(tree{"apiVersion": "apps/v1/x", "kind": "Deployment", "name": "a", "uid": "u1"}), "metadata", "ownerReferences"))
	ing("owner-empty", set(own(tree{}), "metadata", "ownerReferences"))
	ing("generate-name-valid", del("metadata", "name"), set("web-", "metadata", "generateName"))
	ing("no-name", del("metadata", "name"))
	ing("name-empty-generate-name", set("", "metadata", "name"), set("web-", "metadata", "generateName"))
	ing("no-namespace", del("metadata", "namespace"))
	ing("system-fields", set("123", "metadata", "resourceVersion"), set("u-1", "metadata", "uid"),
		set(int64(7), "metadata", "generation"), set("2024-01-02T03:04:05Z", "metadata", "creationTimestamp"),
		set("/apis/x", "metadata", "selfLink"))
	ing("generation-negative", set(-1, "metadata", "generation"))
	ing("deletion-timestamp", set("2024-01-02T03:04:05Z", "metadata", "deletionTimestamp"))
	ing("deletion-grace", set(30, "metadata", "deletionGracePeriodSeconds"))
	ing("status", set(tree{"loadBalancer": tree{"ingress": []any{tree{"ip": "not-an-ip"}}}}, "status"))
	cls("namespace-set", set("default", "metadata", "namespace"))
	cls("params-absent", del("spec", "parameters"))
	cls("params-null", set(nil, "spec", "parameters"))
	cls("params-empty", set(tree{}, "spec", "parameters"))
	cls("params-no-scope", del("spec", "parameters", "scope"))
	cls("params-no-kind", del("spec", "parameters", "kind"))
	cls("params-no-name", del("spec", "parameters", "name"))
	cls("params-no-group", del("spec", "parameters", "apiGroup"))
	cls("params-cluster-namespace", set("x", "spec", "parameters", "namespace"))
	cls("params-namespace-no-namespace", set("Namespace", "spec", "parameters", "scope"))
	cls("params-namespace-valid", set("Namespace", "spec", "parameters", "scope"), set("ns", "spec", "parameters", "namespace"))
	cls("params-namespace-value-empty", set("Namespace", "spec", "parameters", "scope"), set("", "spec", "parameters", "namespace"))
	cls("controller-long-250", set("a.b/"+strings.Repeat("x", 246), "spec", "controller"))
	cls("controller-long-251", set("a.b/"+strings.Repeat("x", 247), "spec", "controller"))
	cls("no-controller", del("spec", "controller"))
	cls("spec-empty", set(tree{}, "spec"))
	cls("spec-absent", del("spec"))
	cls("default-annotation", set("true", "metadata", "annotations", "ingressclass.kubernetes.io/is-default-class"))
	cls("bogus-field", set(1, "spec", "bogus"))
	cls("bogus-params-field", set(1, "spec", "parameters", "bogus"))
	cls("bogus-top", set(1, "bogus"))

	// Unknown fields everywhere the server warns.
	ing("bogus-top", set(1, "bogus"))
	ing("bogus-meta", set(1, "metadata", "bogus"))
	ing("bogus-spec", set(1, "spec", "bogus"))
	ing("bogus-rule", set(1, at(rule0, "bogus")...))
	ing("bogus-path", set(1, at(path0, "bogus")...))
	ing("bogus-backend", set(1, at(back0, "bogus")...))
	ing("bogus-port", set(1, at(back0, "service", "port", "bogus")...))
	ing("bogus-tls", set([]any{tree{"bogus": 1}}, "spec", "tls"))
	ing("bogus-case", set("Exact", at(path0, "pathtype")...))
	ing("bogus-owner", set(own(tree{"apiVersion": "v1", "kind": "ConfigMap", "name": "a", "uid": "u1", "bogus": 1}), "metadata", "ownerReferences"))
	ing("bogus-status", set(tree{"bogus": 1}, "status"))

	// Kinds and versions.
	ing("version-v1beta1", set("networking.k8s.io/v1beta1", "apiVersion"))
	ing("version-extensions", set("extensions/v1beta1", "apiVersion"))
	ing("version-v2", set("networking.k8s.io/v2", "apiVersion"))
	ing("version-core", set("v1", "apiVersion"))
	ing("version-none", del("apiVersion"))
	ing("kind-lower", set("ingress", "kind"))
	ing("kind-none", del("kind"))
	cls("version-v1beta1", set("networking.k8s.io/v1beta1", "apiVersion"))
	cls("kind-lower", set("ingressclass", "kind"))
	return cs
}
