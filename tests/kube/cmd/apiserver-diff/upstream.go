// The inputs of the Kubernetes release's validation tests for Ingress and
// IngressClass (pkg/apis/networking/validation/validation_test.go), one
// v1 manifest per test case; of the update tests, only the new objects.
// Case names are "upstream-<test>-<slug of the test case's name>".

package main

import (
	"regexp"
	"strconv"
	"strings"
)

// upstreamSet collects cases under unique names.
type upstreamSet struct {
	cases []kcase
	seen  map[string]int
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func (u *upstreamSet) add(test, name string, base func() tree, edits ...edit) {
	n := "upstream-" + test + "-" + strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(name), "-"), "-")
	u.seen[n]++
	if k := u.seen[n]; k > 1 {
		n += "-" + strconv.Itoa(k)
	}
	u.cases = append(u.cases, mutate(n, base, edits...))
}

// ingressPath is an element of a rule's http.paths; an empty path or
// pathType leaves the key out.
func ingressPath(path, pathType string, backend tree) tree {
	p := tree{"backend": backend}
	if path != "" {
		p["path"] = path
	}
	if pathType != "" {
		p["pathType"] = pathType
	}
	return p
}

// ingressRule is a rule with http paths; an empty host leaves the key out.
func ingressRule(host string, paths ...tree) tree {
	l := []any{}
	for _, p := range paths {
		l = append(l, p)
	}
	r := tree{"http": tree{"paths": l}}
	if host != "" {
		r["host"] = host
	}
	return r
}

// setRules replaces spec.rules.
func setRules(rules ...tree) edit {
	l := []any{}
	for _, r := range rules {
		l = append(l, r)
	}
	return set(l, "spec", "rules")
}

// resourceRef is the typed reference used as a resource backend.
func resourceRef() tree {
	return tree{"apiGroup": "example.com", "kind": "foo", "name": "bar"}
}

// resourceBackend is a backend naming a resource only.
func resourceBackend() tree { return tree{"resource": resourceRef()} }

// withResource adds a resource to a backend.
func withResource(b tree) tree {
	b["resource"] = resourceRef()
	return b
}

// firstPath is the path of a key of spec.rules[0].http.paths[0].
func firstPath(keys ...any) []any {
	return append([]any{"spec", "rules", 0, "http", "paths", 0}, keys...)
}

// tlsHosts is a spec.tls entry with hosts only.
func tlsHosts(hosts ...string) tree {
	l := []any{}
	for _, h := range hosts {
		l = append(l, h)
	}
	return tree{"hosts": l}
}

// classParams is an IngressClass parameters reference; a nil apiGroup,
// scope or namespace leaves the key out.
func classParams(apiGroup any, kind, name string, scope, namespace any) tree {
	p := tree{"kind": kind, "name": name}
	for k, v := range map[string]any{"apiGroup": apiGroup, "scope": scope, "namespace": namespace} {
		if v != nil {
			p[k] = v
		}
	}
	return p
}

// ingressCreateBase is the base of the create and update tests: other
// name and namespace, a default backend and no rules.
func ingressCreateBase() tree {
	t := baseIngress()
	set("test123", "metadata", "name")(t)
	set("test123", "metadata", "namespace")(t)
	del("spec", "rules")(t)
	return t
}

// ingressRuleValueBase holds only a rule value: no host, no default
// backend.
func ingressRuleValueBase() tree {
	t := baseIngress()
	del("spec", "defaultBackend")(t)
	setRules(ingressRule("",
		ingressPath("/foo", "ImplementationSpecific", svc("defaultbackend", 80))))(t)
	return t
}

// emptyTLSBase is the base of TestValidateEmptyIngressTLS: no default
// backend, a path with no path value to a backend on port 443.
func emptyTLSBase() tree {
	t := baseIngress()
	del("spec", "defaultBackend")(t)
	setRules(ingressRule("foo.bar.com",
		ingressPath("", "ImplementationSpecific", svc("defaultbackend", 443))))(t)
	return t
}

// relaxedBase is an Ingress with an empty spec; the relaxed service name
// cases add rules (one path each, no host, path or pathType) and a
// default backend.
func relaxedBase() tree {
	t := baseIngress()
	set(tree{}, "spec")(t)
	return t
}

func relaxedRules(names ...string) edit {
	var rules []tree
	for _, n := range names {
		rules = append(rules, ingressRule("", ingressPath("", "", svc(n, 80))))
	}
	return setRules(rules...)
}

// classBase is an IngressClass without parameters.
func classBase() tree {
	t := baseClass()
	del("spec", "parameters")(t)
	return t
}

func upstreamCases() []kcase {
	u := &upstreamSet{seen: map[string]int{}}

	// TestValidateIngress
	const ing = "ingress"
	u.add(ing, "empty path (implementation specific)", baseIngress,
		set("", firstPath("path")...))
	u.add(ing, "valid path", baseIngress,
		set("/valid", firstPath("path")...))
	u.add(ing, "backend with no service", baseIngress,
		set("", "spec", "defaultBackend", "service", "name"))
	u.add(ing, "invalid path type", baseIngress,
		set("foo", firstPath("pathType")...))
	u.add(ing, "empty path (prefix)", baseIngress,
		set("", firstPath("path")...),
		set("Prefix", firstPath("pathType")...))
	u.add(ing, "no paths", baseIngress,
		set([]any{}, "spec", "rules", 0, "http", "paths"))
	u.add(ing, "no rules", baseIngress,
		del("spec", "rules"))
	u.add(ing, "no defaultBackend", baseIngress,
		del("spec", "defaultBackend"))
	u.add(ing, "no defaultBackend or rules specified", baseIngress,
		del("spec", "defaultBackend"),
		set([]any{}, "spec", "rules"))
	for _, c := range []struct{ name, host string }{
		{"invalid host (foobar:80)", "foobar:80"},
		{"invalid host (127.0.0.1)", "127.0.0.1"},
		{"valid wildcard host", "*.bar.com"},
		{"invalid wildcard host (foo.*.bar.com)", "foo.*.bar.com"},
		{"invalid wildcard host (*)", "*"},
	} {
		u.add(ing, c.name, baseIngress, set(c.host, "spec", "rules", 0, "host"))
	}
	u.add(ing, "path resource backend and service name are not allowed together", baseIngress,
		setRules(ingressRule("foo.bar.com", ingressPath("/foo", "ImplementationSpecific",
			withResource(svc("defaultbackend", "http"))))))
	u.add(ing, "path resource backend and service port are not allowed together", baseIngress,
		setRules(ingressRule("foo.bar.com", ingressPath("/foo", "ImplementationSpecific",
			withResource(svc("defaultbackend", 80))))))
	u.add(ing, "spec.backend resource and service name are not allowed together", baseIngress,
		set(withResource(svc("defaultbackend", "http")), "spec", "defaultBackend"))
	u.add(ing, "spec.backend resource and service port are not allowed together", baseIngress,
		set(withResource(svc("defaultbackend", 80)), "spec", "defaultBackend"))

	// TestValidateIngressRuleValue
	for _, c := range []struct{ name, pathType, path string }{
		{"implementation specific: no leading slash", "ImplementationSpecific", "foo"},
		{"implementation specific: leading slash", "ImplementationSpecific", "/foo"},
		{"implementation specific: many slashes", "ImplementationSpecific", "/foo/bar/foo"},
		{"implementation specific: repeating slashes", "ImplementationSpecific", "/foo//bar/foo"},
		{"prefix: no leading slash", "Prefix", "foo"},
		{"prefix: leading slash", "Prefix", "/foo"},
		{"prefix: many slashes", "Prefix", "/foo/bar/foo"},
		{"prefix: repeating slashes", "Prefix", "/foo//bar/foo"},
		{"exact: no leading slash", "Exact", "foo"},
		{"exact: leading slash", "Exact", "/foo"},
		{"exact: many slashes", "Exact", "/foo/bar/foo"},
		{"exact: repeating slashes", "Exact", "/foo//bar/foo"},
		{"prefix: with /./", "Prefix", "/foo/./foo"},
		{"exact: with /../", "Exact", "/foo/../foo"},
		{"prefix: with %2f", "Prefix", "/foo/%2f/foo"},
		{"exact: with %2F", "Exact", "/foo/%2F/foo"},
	} {
		u.add("ingress-rule-value", c.name, ingressRuleValueBase,
			set(c.path, firstPath("path")...),
			set(c.pathType, firstPath("pathType")...))
	}

	// TestValidateIngressCreate
	const cr = "ingress-create"
	className := func(v string) edit { return set(v, "spec", "ingressClassName") }
	classAnnotation := func(v string) edit {
		return set(v, "metadata", "annotations", "kubernetes.io/ingress.class")
	}
	onePath := func(host, path, pathType string, backend tree) edit {
		return setRules(ingressRule(host, ingressPath(path, pathType, backend)))
	}
	defaultSvc := func() tree { return svc("defaultbackend", 80) }
	u.add(cr, "class field set", ingressCreateBase, className("bar"))
	u.add(cr, "class annotation set", ingressCreateBase, classAnnotation("foo"))
	u.add(cr, "class field and annotation set with same value", ingressCreateBase,
		className("foo"), classAnnotation("foo"))
	u.add(cr, "class field and annotation set with different value", ingressCreateBase,
		className("bar"), classAnnotation("foo"))
	u.add(cr, "valid regex path", ingressCreateBase,
		onePath("foo.bar.com", "/([a-z0-9]*)", "ImplementationSpecific", defaultSvc()))
	u.add(cr, "invalid regex path allowed (v1)", ingressCreateBase,
		onePath("foo.bar.com", "/([a-z0-9]*)[", "ImplementationSpecific", defaultSvc()))
	u.add(cr, "Spec.Backend.Resource field allowed on create", ingressCreateBase,
		set(resourceBackend(), "spec", "defaultBackend"))
	u.add(cr, "Paths.Backend.Resource field allowed on create", ingressCreateBase,
		onePath("foo.bar.com", "/([a-z0-9]*)", "ImplementationSpecific", resourceBackend()))
	u.add(cr, "valid secret", ingressCreateBase,
		set([]any{tree{"secretName": "valid"}}, "spec", "tls"))
	u.add(cr, "invalid secret", ingressCreateBase,
		set([]any{tree{"secretName": "invalid name"}}, "spec", "tls"))
	u.add(cr, "valid rules with wildcard host", ingressCreateBase,
		set([]any{tlsHosts("*.bar.com")}, "spec", "tls"),
		onePath("*.foo.com", "/foo", "Exact", defaultSvc()))
	u.add(cr, "invalid rules with wildcard host", ingressCreateBase,
		set([]any{tlsHosts("*.bar.com")}, "spec", "tls"),
		onePath("*.foo.com", "foo", "Exact", defaultSvc()))
	u.add(cr, "create service name with RelaxedServiceNameValidation feature gate enabled", ingressCreateBase,
		onePath("", "/foo", "Exact", svc("1test-service", 80)))
	u.add(cr, "create default service name with RelaxedServiceNameValidation feature gate enabled", ingressCreateBase,
		set(svc("1-test-service", 80), "spec", "defaultBackend"))
	u.add(cr, "create service name with RelaxedServiceNameValidation feature gate disabled", ingressCreateBase,
		onePath("", "/foo", "Exact", svc("1-test-service", 80)))
	u.add(cr, "create default service name with RelaxedServiceNameValidation feature gate disabled", ingressCreateBase,
		set(svc("1-test-default-backend", 80), "spec", "defaultBackend"))

	// TestValidateIngressUpdate: the new objects not already above.
	const up = "ingress-update"
	u.add(up, "valid regex path -> valid regex path", ingressCreateBase,
		onePath("foo.bar.com", "/([a-z0-9%]*)", "ImplementationSpecific", defaultSvc()))
	u.add(up, "valid regex path -> invalid regex path", ingressCreateBase,
		onePath("foo.bar.com", "/bar[", "ImplementationSpecific", defaultSvc()))
	u.add(up, "changing spec.backend from resource -> no resource", ingressCreateBase)
	u.add(up, "changing path backend from resource -> resource", ingressCreateBase,
		onePath("foo.bar.com", "/bar[", "ImplementationSpecific", resourceBackend()))
	u.add(up, "change invalid secret -> invalid secret", ingressCreateBase,
		set([]any{tree{"secretName": "invalid name 2"}}, "spec", "tls"))
	u.add(up, "change invalid rules with wildcard host -> invalid rules", ingressCreateBase,
		set([]any{tlsHosts("*.bar.com")}, "spec", "tls"),
		onePath("*.foo.com", "bar", "Exact", defaultSvc()))
	u.add(up, "update service to conform to relaxed service name - RelaxedServiceNameValidation disabled", ingressCreateBase,
		onePath("foo.bar.com", "/foo", "ImplementationSpecific", svc("1-test-service", 80)))
	u.add(up, "updating an already existing relaxed validation service name with RelaxedServiceNameValidation disabled", ingressCreateBase,
		onePath("foo.bar.com", "/", "ImplementationSpecific", svc("2-test-service", 80)))
	u.add(up, "updating an already existing relaxed validation defaultBackend service name with RelaxedServiceNameValidation disabled", ingressCreateBase,
		set(svc("2-test-service", 80), "spec", "defaultBackend"))
	u.add(up, "updating an already existing relaxed validation service name to a non-relaxed name with RelaxedServiceNameValidation disabled", ingressCreateBase,
		onePath("foo.bar.com", "/", "ImplementationSpecific", svc("test-service", 80)))
	u.add(up, "updating an already existing relaxed validation defaultBackend service name to a non-relaxed name with RelaxedServiceNameValidation disabled", ingressCreateBase,
		set(svc("test-service", 80), "spec", "defaultBackend"))

	// TestValidateIngressClass
	const cl = "ingress-class"
	class := func(name, controller string) []edit {
		return []edit{set(name, "metadata", "name"), set(controller, "spec", "controller")}
	}
	params := func(p tree) edit { return set(p, "spec", "parameters") }
	u.add(cl, "valid name, valid controller", classBase, class("test123", "foo.co/bar")...)
	u.add(cl, "invalid name, valid controller", classBase, class("test*123", "foo.co/bar")...)
	u.add(cl, "valid name, empty controller", classBase, class("test123", "")...)
	u.add(cl, "valid name, controller max length", classBase,
		class("test123", "foo.co/"+strings.Repeat("a", 243))...)
	u.add(cl, "valid name, controller too long", classBase,
		class("test123", "foo.co/"+strings.Repeat("a", 244))...)
	for _, c := range []struct {
		name string
		p    tree
	}{
		{"valid name, valid controller, valid params", classParams("example.com", "foo", "bar", "Cluster", nil)},
		{"valid name, valid controller, invalid params (no kind)", classParams("example.com", "", "bar", "Cluster", nil)},
		{"valid name, valid controller, invalid params (no name)", classParams("example.com", "foo", "", "Cluster", nil)},
		{"valid name, valid controller, invalid params (bad kind)", classParams(nil, "foo/", "bar", "Cluster", nil)},
		{"valid name, valid controller, invalid params (bad scope)", classParams(nil, "foo", "bar", "bad-scope", nil)},
		{"valid name, valid controller, valid Namespace scope", classParams(nil, "foo", "bar", "Namespace", "foo-ns")},
		{"valid name, valid controller, valid scope, invalid namespace", classParams(nil, "foo", "bar", "Namespace", "foo_ns")},
		{"valid name, valid controller, valid Cluster scope", classParams(nil, "foo", "bar", "Cluster", nil)},
		{"valid name, valid controller, invalid scope", classParams(nil, "foo", "bar", nil, "foo_ns")},
		{"namespace not set when scope is Namespace", classParams(nil, "foo", "bar", "Namespace", nil)},
		{"namespace is forbidden when scope is Cluster", classParams(nil, "foo", "bar", "Cluster", "foo-ns")},
		{"empty namespace is forbidden when scope is Cluster", classParams(nil, "foo", "bar", "Cluster", "")},
	} {
		u.add(cl, c.name, classBase, append(class("test123", "foo.co/bar"), params(c.p))...)
	}

	// TestValidateIngressClassUpdate: the new object not already above.
	u.add("ingress-class-update", "parameters change", classBase,
		append(class("test123", "foo.co/bar"),
			params(classParams("v1", "ConfigMap", "foo", "Namespace", "bar")))...)

	// TestValidateIngressTLS
	u.add("ingress-tls", "spec.tls[0].hosts[0]: Invalid value: 'foo.*.bar.com'", baseIngress,
		set("*.foo.bar.com", "spec", "rules", 0, "host"),
		set([]any{tlsHosts("foo.*.bar.com")}, "spec", "tls"))
	u.add("ingress-tls", "spec.tls[0].hosts: Valid value: '*.bar.com'", baseIngress,
		set("*.bar.com", "spec", "rules", 0, "host"),
		set([]any{tlsHosts("*.bar.com")}, "spec", "tls"))

	// TestValidateEmptyIngressTLS: both cases print as the same name.
	u.add("empty-ingress-tls", "spec.tls[0]: Valid value: {[] }", emptyTLSBase,
		set([]any{tree{}}, "spec", "tls"))
	u.add("empty-ingress-tls", "spec.tls[0]: Valid value: {[] }", emptyTLSBase,
		set([]any{tlsHosts()}, "spec", "tls"))

	// TestAllowRelaxedServiceNameValidation (not "nil ingress").
	const rx = "allow-relaxed-service-name-validation"
	u.add(rx, "no rules", relaxedBase)
	u.add(rx, "service name is valid DNS1035 and DNS1123", relaxedBase,
		relaxedRules("validname"))
	u.add(rx, "service name is valid DNS1123 but not DNS1035 (contains dash, starts with digit)", relaxedBase,
		relaxedRules("1abc-def"))
	u.add(rx, "multiple rules, one triggers relaxed validation", relaxedBase,
		relaxedRules("validname", "1abc-def"))
	u.add(rx, "defaultBackend with valid DNS1035 name", relaxedBase,
		set(svc("validname", 80), "spec", "defaultBackend"))
	u.add(rx, "defaultBackend with DNS1123 valid but DNS1035 invalid name (starts with digit)", relaxedBase,
		set(svc("1-default-service", 80), "spec", "defaultBackend"))
	u.add(rx, "defaultBackend relaxed name with valid rules", relaxedBase,
		set(svc("1-default", 80), "spec", "defaultBackend"),
		relaxedRules("valid-rule-service"))
	u.add(rx, "only rules have relaxed name, defaultBackend is valid", relaxedBase,
		set(svc("valid-default", 80), "spec", "defaultBackend"),
		relaxedRules("1-rule-service"))

	return u.cases
}
