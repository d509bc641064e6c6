package main

import (
	"fmt"
	"strings"
)

// ingressYAML is the base Ingress as text, with one value of each kind
// left as a %s to fill in: the port number, the service name, the path.
const ingressYAML = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: typed
  namespace: default
spec:
  rules:
  - host: foo.bar.com
    http:
      paths:
      - path: %s
        pathType: Prefix
        backend:
          service:
            name: %s
            port:
              number: %s
`

// typing is how YAML scalars meet the API's types: kubectl turns YAML
// into JSON with YAML 1.1 rules before the server decodes it.
func typing() []kcase {
	var cs []kcase
	doc := func(name, path, svc, port string) {
		cs = append(cs, raw("type-"+name, fmt.Sprintf(ingressYAML, path, svc, port)))
	}
	for i, v := range []string{`"80"`, `'80'`, "80.0", "80.5", "8e1", "0x50", "0o120", "0120",
		"+80", "true", "null", "~", "", "2147483648", "-2147483649", "99999999999999999999",
		"!!str 80", "!!int 80", "!!float 80", "[80]", "{a: 1}", "80 # comment", "1_0", ".inf", "&a 80"} {
		doc(fmt.Sprintf("port-%02d-%s", i, slug(v)), "/", "web", v)
	}
	for i, v := range []string{"yes", "no", "on", "off", "true", "y", "n", "null", "~", "80",
		"1e3", "0x1f", `"yes"`, "!!str yes", "web # c", "'web'", "[web]", "{a: b}", "|\n              web",
		">-\n              web"} {
		doc(fmt.Sprintf("name-%02d-%s", i, slug(v)), "/", v, "80")
	}
	for i, v := range []string{"/", `"/a"`, "'/a b'", "/a: b", "/a#b", "/a #b", "~", "null",
		"123", "!!binary L2E=", "[/a]"} {
		doc(fmt.Sprintf("path-%02d-%s", i, slug(v)), v, "web", "80")
	}

	base := baseIngressText()
	swap := func(name, old, new string) {
		if !strings.Contains(base, old) {
			panic("typing: " + old + " not in the base Ingress")
		}
		cs = append(cs, raw("type-"+name, strings.Replace(base, old, new, 1)))
	}
	swap("rules-map", "  rules:\n  - host", "  rules:\n    host")
	swap("rules-string", "  rules:\n  - host: foo.bar.com", "  rules: foo\n  x:\n  - host: foo.bar.com")
	swap("spec-list", "spec:\n", "spec: []\nx:\n")
	swap("metadata-string", "metadata:\n  name: foo\n  namespace: default\n", "metadata: foo\n")
	swap("labels-list", "  name: foo\n", "  name: foo\n  labels: [a, b]\n")
	swap("label-value-number", "  name: foo\n", "  name: foo\n  labels:\n    a: 1\n")
	swap("label-value-bool", "  name: foo\n", "  name: foo\n  labels:\n    a: yes\n")
	swap("label-value-null", "  name: foo\n", "  name: foo\n  labels:\n    a: null\n")
	swap("annotation-value-number", "  name: foo\n", "  name: foo\n  annotations:\n    a: 10\n")
	swap("annotation-value-map", "  name: foo\n", "  name: foo\n  annotations:\n    a: {b: c}\n")
	swap("name-number", "  name: foo\n", "  name: 123\n")
	swap("name-list", "  name: foo\n", "  name: [foo]\n")
	swap("finalizers-string", "  name: foo\n", "  name: foo\n  finalizers: example.com/a\n")
	swap("owner-map", "  name: foo\n", "  name: foo\n  ownerReferences: {apiVersion: v1}\n")
	swap("owner-controller-string", "  name: foo\n", "  name: foo\n  ownerReferences:\n  - {apiVersion: v1, kind: ConfigMap, name: a, uid: u, controller: \"true\"}\n")
	swap("generation-string", "  name: foo\n", "  name: foo\n  generation: \"1\"\n")
	swap("timestamp-bad", "  name: foo\n", "  name: foo\n  creationTimestamp: yesterday\n")
	swap("dup-key-name", "  name: foo\n", "  name: Bad_Name\n  name: foo\n")
	swap("dup-key-name-last-bad", "  name: foo\n", "  name: foo\n  name: Bad_Name\n")
	swap("dup-key-host", "  - host: foo.bar.com\n", "  - host: foo.bar.com\n    host: Foo\n")
	swap("dup-key-spec", "spec:\n", "spec:\n  rules: []\nspec:\n")
	swap("dup-key-kind", "kind: Ingress\n", "kind: Ingress\nkind: Ingress\n")
	swap("dup-label", "  name: foo\n", "  name: foo\n  labels:\n    a: x\n    a: \"-\"\n")
	swap("merge-key", "  name: foo\n", "  name: foo\n  labels: &l {a: b}\n  annotations:\n    <<: *l\n")
	return cs
}

// baseIngressText is baseIngress as kubectl would print it.
func baseIngressText() string { return yamlOf(baseIngress()) }
