//go:build unix

package kube

// The corpus of TestE2EGatewayValidation: valid GatewayClasses,
// Gateways, HTTPRoutes and ReferenceGrants, and mutations of them, one
// field at a time, meant to reach every constraint of the OpenAPI
// schema and every x-kubernetes-validations rule of the standard CRDs
// (and the list-map and list-set uniqueness the apiextensions server
// checks), with valid values at the edges (the longest string, the most
// items) so that too strict a check shows as well as too lax a one.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

type gwCase struct {
	name string
	obj  map[string]any
	// acceptOnly, when set, says why only accept/reject is compared.
	acceptOnly string
}

// obj reads a YAML object.
func yamlObj(s string) map[string]any {
	j, err := utilyaml.ToJSON([]byte(s))
	if err != nil {
		panic(err)
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		panic(err)
	}
	return m
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// deleted, as a value, removes the field.
type deletedT struct{}

var deleted = deletedT{}

// edit sets (or deletes) the value at a path: "spec.listeners[0].name".
// Missing maps are made; an index one past the end appends.
type edit struct {
	path string
	val  any
}

func set(path string, v any) edit { return edit{path, v} }
func del(path string) edit        { return edit{path, deleted} }

type pathStep struct {
	key   string
	index int // -1: a key
}

func parsePath(p string) []pathStep {
	var steps []pathStep
	for _, part := range strings.Split(p, ".") {
		key := part
		var idx []int
		if i := strings.IndexByte(part, '['); i >= 0 {
			key = part[:i]
			for _, s := range strings.Split(part[i+1:len(part)-1], "][") {
				n, err := strconv.Atoi(s)
				if err != nil {
					panic(p)
				}
				idx = append(idx, n)
			}
		}
		if key != "" {
			steps = append(steps, pathStep{key, -1})
		}
		for _, n := range idx {
			steps = append(steps, pathStep{"", n})
		}
	}
	return steps
}

func apply(root map[string]any, e edit) {
	setPath(root, parsePath(e.path), e.val)
}

// setPath returns cur with v at steps: maps are made where missing, an
// index one past the end appends, and deleted removes a key or an item.
func setPath(cur any, steps []pathStep, v any) any {
	if len(steps) == 0 {
		return v
	}
	st, leaf := steps[0], len(steps) == 1
	if st.index < 0 {
		m, _ := cur.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		if leaf && v == deleted {
			delete(m, st.key)
		} else {
			m[st.key] = setPath(m[st.key], steps[1:], v)
		}
		return m
	}
	l, _ := cur.([]any)
	if leaf && v == deleted {
		return append(l[:st.index:st.index], l[st.index+1:]...)
	}
	if st.index == len(l) {
		l = append(l, nil)
	}
	l[st.index] = setPath(l[st.index], steps[1:], v)
	return l
}

type corpusBuilder struct {
	cases []gwCase
	seen  map[string]bool
}

// add records a mutation of base under name.
func (c *corpusBuilder) add(name string, base map[string]any, edits ...edit) *gwCase {
	if c.seen[name] {
		panic("duplicate case name " + name)
	}
	c.seen[name] = true
	o := deepCopy(base).(map[string]any)
	for _, e := range edits {
		apply(o, e)
	}
	c.cases = append(c.cases, gwCase{name: name, obj: o})
	return &c.cases[len(c.cases)-1]
}

// ---- values

// dnsName is a valid DNS-1123 subdomain of n bytes.
func dnsName(n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		l := min(63, n-b.Len())
		if l == 1 && b.Len() > 0 {
			// never end with a dot: make the last label longer instead
			s := b.String()
			b.Reset()
			b.WriteString(s[:len(s)-2])
			b.WriteString("a.a")
			continue
		}
		b.WriteString(strings.Repeat("a", l))
	}
	return b.String()
}

func rep(s string, n int) string { return strings.Repeat(s, n) }

type sv struct {
	label string
	val   any
}

// strs are the values tried on a string field of each kind.
func strs(kind string) []sv {
	switch kind {
	case "hostname": // ^(\*\.)?subdomain$, 1..253
		return []sv{{"empty", ""}, {"one", "a"}, {"upper", "Example.com"}, {"star", "*"},
			{"wild", "*.example.com"}, {"wild2", "**.example.com"}, {"wildmid", "foo.*.com"},
			{"underscore", "a_b.com"}, {"dash", "-a.com"}, {"dashend", "a-.com"},
			{"dots", "a..com"}, {"ip", "1.2.3.4"}, {"dotend", "a.com."}, {"space", "a b"},
			{"max", dnsName(253)}, {"long", dnsName(254)}, {"wildmax", "*." + dnsName(251)},
			{"label64", rep("a", 64) + ".com"}, {"unicode", "ünï.com"}}
	case "subdomain": // ^subdomain$, 1..253
		return []sv{{"empty", ""}, {"one", "a"}, {"upper", "Http"}, {"dots", "a.b"},
			{"underscore", "a_b"}, {"dash", "-a"}, {"dashend", "a-"}, {"dots2", "a..b"},
			{"wild", "*.a"}, {"max", dnsName(253)}, {"long", dnsName(254)}}
	case "group": // ^$|^subdomain$, 0..253
		return []sv{{"empty", ""}, {"core", "core"}, {"dotted", "example.com"},
			{"upper", "Example.com"}, {"underscore", "a_b"}, {"dash", "-a"},
			{"max", dnsName(253)}, {"long", dnsName(254)}}
	case "kind": // ^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$, 1..63
		return []sv{{"empty", ""}, {"one", "K"}, {"digit", "1Kind"}, {"dashend", "Kind-"},
			{"underscore", "Ki_nd"}, {"dashmid", "Kind-1"}, {"dot", "Ki.nd"},
			{"max", "K" + rep("x", 62)}, {"long", "K" + rep("x", 63)}}
	case "namespace": // ^label$, 1..63
		return []sv{{"empty", ""}, {"ok", "ns"}, {"upper", "Ns"}, {"dot", "a.b"},
			{"dash", "-a"}, {"max", rep("a", 63)}, {"long", rep("a", 64)}}
	case "name": // 1..253
		return []sv{{"empty", ""}, {"one", "x"}, {"odd", "Any_Thing.!"},
			{"max", rep("a", 253)}, {"long", rep("a", 254)}}
	case "header": // token, 1..256
		return []sv{{"empty", ""}, {"ok", "X-Foo"}, {"space", "x foo"}, {"colon", "a:b"},
			{"quote", "a\"b"}, {"punct", "!#$%&'*+-.^_`|~"}, {"max", rep("h", 256)},
			{"long", rep("h", 257)}}
	}
	panic(kind)
}

// strCases adds one case per value of kind at path.
func (c *corpusBuilder) strCases(prefix string, base map[string]any, path, kind string,
	extra ...edit) {
	for _, v := range strs(kind) {
		c.add(prefix+"-"+v.label, base, append(append([]edit{}, extra...),
			set(path, v.val))...)
	}
}

// ports are tried on every port field.
var ports = []sv{{"zero", 0}, {"one", 1}, {"max", 65535}, {"over", 65536}, {"neg", -1}}

func (c *corpusBuilder) intCases(prefix string, base map[string]any, path string,
	vals []sv, extra ...edit) {
	for _, v := range vals {
		c.add(prefix+"-"+v.label, base, append(append([]edit{}, extra...),
			set(path, v.val))...)
	}
}

// list makes n items with item(i).
func list(n int, item func(i int) any) []any {
	l := make([]any, n)
	for i := range l {
		l[i] = item(i)
	}
	return l
}

// ---- the bases

const gcBase = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc}
spec:
  controllerName: example.net/gateway-controller
`

const gcFull = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc-full}
spec:
  controllerName: example.net/gateway-controller
  description: the public gateways
  parametersRef: {group: example.net, kind: Config, name: public, namespace: infra}
`

const gwBase = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: public
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces: {from: Selector, selector: {matchLabels: {team: shop}, matchExpressions: [{key: env, operator: In, values: [prod]}]}}
      kinds: [{group: gateway.networking.k8s.io, kind: HTTPRoute}]
  - name: https
    port: 443
    protocol: HTTPS
    hostname: "*.example.com"
    tls:
      mode: Terminate
      certificateRefs: [{name: wildcard-cert}]
    allowedRoutes: {namespaces: {from: All}}
  - name: tls
    port: 8443
    protocol: TLS
    hostname: tls.example.com
    tls: {mode: Passthrough}
  - name: tcp
    port: 9000
    protocol: TCP
`

const gwFull = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw-full, namespace: infra}
spec:
  gatewayClassName: public
  addresses:
  - {type: IPAddress, value: 192.0.2.1}
  - {type: Hostname, value: lb.example.com}
  - {type: NamedAddress, value: my-address}
  infrastructure:
    labels: {team: shop}
    annotations: {example.com/owner: shop}
    parametersRef: {group: example.net, kind: Config, name: infra}
  allowedListeners:
    namespaces: {from: Same}
  tls:
    frontend:
      default:
        validation:
          caCertificateRefs: [{group: "", kind: ConfigMap, name: ca}]
          mode: AllowValidOnly
      perPort:
      - port: 443
        tls:
          validation:
            caCertificateRefs: [{group: "", kind: ConfigMap, name: ca-443}]
    backend:
      clientCertificateRef: {name: client-cert}
  listeners:
  - {name: http, port: 80, protocol: HTTP}
  - name: https
    port: 443
    protocol: HTTPS
    tls:
      certificateRefs: [{group: "", kind: Secret, name: cert, namespace: certs}]
      options: {example.com/cipher: modern}
`

const rtBase = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: rt, namespace: shop}
spec:
  parentRefs:
  - {name: gw, namespace: infra, sectionName: http}
  hostnames: [shop.example.com, "*.shop.example.com"]
  rules:
  - name: main
    matches:
    - path: {type: PathPrefix, value: /cart}
      headers: [{name: X-Env, value: prod}]
      queryParams: [{name: debug, value: "1"}]
      method: GET
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set: [{name: X-Set, value: a}]
        add: [{name: X-Add, value: b}]
        remove: [X-Remove]
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set: [{name: X-Resp, value: c}]
    - type: RequestMirror
      requestMirror:
        backendRef: {name: mirror, port: 8080}
        percent: 50
    - type: URLRewrite
      urlRewrite:
        hostname: internal.example.com
        path: {type: ReplacePrefixMatch, replacePrefixMatch: /basket}
    - type: CORS
      cors:
        allowOrigins: ["https://www.example.com"]
        allowMethods: [GET, POST]
        allowHeaders: [X-Requested-With]
        exposeHeaders: [X-Total]
        allowCredentials: true
        maxAge: 600
    backendRefs:
    - name: cart
      port: 8080
      weight: 90
      filters:
      - type: RequestHeaderModifier
        requestHeaderModifier: {set: [{name: X-Backend, value: cart}]}
    - {name: cart-canary, port: 8080, weight: 10}
    timeouts: {request: 10s, backendRequest: 5s}
  - name: redirect
    matches:
    - path: {type: PathPrefix, value: /old}
    filters:
    - type: RequestRedirect
      requestRedirect:
        scheme: https
        hostname: www.example.com
        path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}
        port: 443
        statusCode: 301
  - name: ext
    matches:
    - path: {type: Exact, value: /ext}
    - path: {type: RegularExpression, value: "/re/[0-9]+"}
    filters:
    - type: ExtensionRef
      extensionRef: {group: example.net, kind: Plugin, name: auth}
    backendRefs:
    - {group: example.net, kind: Bucket, name: assets}
`

// rtMin is a route with one rule and one backend, for edits that replace
// whole lists.
const rtMin = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: rt-min, namespace: shop}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  rules:
  - backendRefs: [{name: web, port: 80}]
`

const rgBase = `
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: rg, namespace: backends}
spec:
  from:
  - {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}
  to:
  - {group: "", kind: Service}
  - {group: "", kind: Secret, name: cert}
`

func gatewayValidationCorpus() []gwCase {
	c := &corpusBuilder{seen: map[string]bool{}}
	gatewayClassCases(c)
	gatewayCases(c)
	httpRouteCases(c)
	referenceGrantCases(c)
	edgeCases(c)
	typingCases(c)
	specTableCases(c)
	return c.cases
}

// specTableCases are the Gateway API documents of the spec tables
// (tests/data/validation), which the C tests check without a cluster:
// here they meet the server, so that the tables say what it says.
func specTableCases(c *corpusBuilder) {
	dir := filepath.Join("..", "..", "..", "tests", "data", "validation")
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		panic(fmt.Sprintf("the spec tables in %s: %v", dir, err))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
			if !strings.Contains(doc, "apiVersion: gateway.networking.k8s.io/") {
				continue
			}
			o := yamlObj(doc)
			if o == nil {
				continue
			}
			c.add(fmt.Sprintf("table-%s-%d", strings.TrimSuffix(filepath.Base(f), ".yaml"), i), o)
		}
	}
}

func gatewayClassCases(c *corpusBuilder) {
	gc, full := yamlObj(gcBase), yamlObj(gcFull)
	c.add("gc-valid", gc)
	c.add("gc-full-valid", full)
	c.add("gc-v1beta1", gc, set("apiVersion", "gateway.networking.k8s.io/v1beta1"))
	c.add("gc-no-spec", gc, del("spec"))
	c.add("gc-empty-spec", gc, set("spec", map[string]any{}))
	for _, v := range []sv{{"empty", ""}, {"nopath", "example.net"}, {"slashend", "example.net/"},
		{"upper", "Example.net/x"}, {"space", "example.net/a b"}, {"chars", "example.net/a/b-c._~%!$&'()*+,;=:"},
		{"hash", "example.net/a#b"}, {"nohost", "/x"}, {"max", dnsName(251) + "/x"},
		{"long", dnsName(252) + "/x"}} {
		c.add("gc-controller-"+v.label, gc, set("spec.controllerName", v.val))
	}
	c.add("gc-description-max", gc, set("spec.description", rep("d", 64)))
	c.add("gc-description-long", gc, set("spec.description", rep("d", 65)))
	c.add("gc-description-empty", gc, set("spec.description", ""))
	c.strCases("gc-params-group", full, "spec.parametersRef.group", "group")
	c.strCases("gc-params-kind", full, "spec.parametersRef.kind", "kind")
	c.strCases("gc-params-name", full, "spec.parametersRef.name", "name")
	c.strCases("gc-params-namespace", full, "spec.parametersRef.namespace", "namespace")
	c.add("gc-params-no-group", full, del("spec.parametersRef.group"))
	c.add("gc-params-no-kind", full, del("spec.parametersRef.kind"))
	c.add("gc-params-no-name", full, del("spec.parametersRef.name"))
	c.add("gc-params-empty", full, set("spec.parametersRef", map[string]any{}))
	c.add("gc-name-invalid", gc, set("metadata.name", "Bad_Name"))
	c.add("gc-two-errors", gc, set("spec.controllerName", "x"),
		set("spec.description", rep("d", 65)))
}

func listener(i int) any {
	return map[string]any{"name": fmt.Sprintf("l%d", i), "port": 1000 + i, "protocol": "HTTP"}
}

func gatewayCases(c *corpusBuilder) {
	gw, full := yamlObj(gwBase), yamlObj(gwFull)
	c.add("gw-valid", gw)
	c.add("gw-full-valid", full)
	c.add("gw-v1beta1", gw, set("apiVersion", "gateway.networking.k8s.io/v1beta1"))
	c.add("gw-no-spec", gw, del("spec"))
	c.add("gw-empty-spec", gw, set("spec", map[string]any{}))
	for _, v := range strs("name") {
		c.add("gw-class-"+v.label, gw, set("spec.gatewayClassName", v.val))
	}
	c.add("gw-no-class", gw, del("spec.gatewayClassName"))
	c.add("gw-no-listeners", gw, del("spec.listeners"))
	c.add("gw-listeners-empty", gw, set("spec.listeners", []any{}))
	c.add("gw-listeners-64", gw, set("spec.listeners", list(64, listener)))
	c.add("gw-listeners-65", gw, set("spec.listeners", list(65, listener)))

	// a listener's fields
	c.strCases("gw-listener-name", gw, "spec.listeners[0].name", "subdomain")
	c.add("gw-listener-no-name", gw, del("spec.listeners[0].name"))
	c.strCases("gw-listener-hostname", gw, "spec.listeners[0].hostname", "hostname")
	c.intCases("gw-listener-port", gw, "spec.listeners[0].port", ports)
	c.add("gw-listener-no-port", gw, del("spec.listeners[0].port"))
	for _, v := range []sv{{"empty", ""}, {"lower", "http"}, {"custom", "example.com/proto"},
		{"custom-upper", "Example.com/proto"}, {"custom-dash", "example.com/pro-to"},
		{"dashend", "HTTP-"}, {"dashmid", "HT-TP"}, {"slash2", "a/b/c"}, {"underscore", "HT_TP"},
		{"max", rep("P", 255)}, {"long", rep("P", 256)}} {
		c.add("gw-listener-protocol-"+v.label, gw, set("spec.listeners[0].protocol", v.val))
	}
	c.add("gw-listener-no-protocol", gw, del("spec.listeners[0].protocol"))
	c.add("gw-listener-empty", gw, set("spec.listeners[0]", map[string]any{}))

	// the listeners' CEL rules
	c.add("gw-dup-name", gw, set("spec.listeners[1].name", "http"))
	c.add("gw-dup-name-3", gw, set("spec.listeners[1].name", "http"), set("spec.listeners[2].name", "http"))
	c.add("gw-dup-combo", gw, set("spec.listeners[3].port", 80), set("spec.listeners[3].protocol", "HTTP"))
	c.add("gw-dup-combo-hostname", gw, set("spec.listeners[4]", map[string]any{
		"name": "https2", "port": 443, "protocol": "HTTPS", "hostname": "*.example.com",
		"tls": map[string]any{"certificateRefs": []any{map[string]any{"name": "c"}}}}))
	c.add("gw-combo-other-hostname", gw, set("spec.listeners[4]", map[string]any{
		"name": "https2", "port": 443, "protocol": "HTTPS", "hostname": "shop.example.com",
		"tls": map[string]any{"certificateRefs": []any{map[string]any{"name": "c"}}}}))
	c.add("gw-combo-one-hostname", gw, set("spec.listeners[4]", map[string]any{
		"name": "http2", "port": 80, "protocol": "HTTP", "hostname": "shop.example.com"}))
	c.add("gw-tls-on-http", gw, set("spec.listeners[0].tls", map[string]any{"mode": "Passthrough"}))
	c.add("gw-tls-on-tcp", gw, set("spec.listeners[3].tls", map[string]any{"mode": "Passthrough"}))
	c.add("gw-tls-on-udp", gw, set("spec.listeners[3].protocol", "UDP"),
		set("spec.listeners[3].tls", map[string]any{"mode": "Passthrough"}))
	c.add("gw-tls-empty-on-http", gw, set("spec.listeners[0].tls", map[string]any{}))
	c.add("gw-hostname-on-tcp", gw, set("spec.listeners[3].hostname", "tcp.example.com"))
	c.add("gw-hostname-on-udp", gw, set("spec.listeners[3].protocol", "UDP"),
		set("spec.listeners[3].hostname", "udp.example.com"))
	c.add("gw-hostname-empty-on-tcp", gw, set("spec.listeners[3].hostname", ""))
	c.add("gw-https-passthrough", gw, set("spec.listeners[1].tls.mode", "Passthrough"))
	c.add("gw-https-no-tls", gw, del("spec.listeners[1].tls"))
	c.add("gw-https-tls-mode-only", gw, set("spec.listeners[1].tls", map[string]any{"mode": "Terminate"}))
	c.add("gw-https-tls-empty", gw, set("spec.listeners[1].tls", map[string]any{}))
	c.add("gw-https-tls-options-only", gw, set("spec.listeners[1].tls",
		map[string]any{"options": map[string]any{"a": "b"}}))
	c.add("gw-https-tls-refs-empty", gw, set("spec.listeners[1].tls.certificateRefs", []any{}))
	c.add("gw-https-tls-refs-empty-options", gw, set("spec.listeners[1].tls.certificateRefs", []any{}),
		set("spec.listeners[1].tls.options", map[string]any{"a": "b"}))
	c.add("gw-https-tls-options-empty", gw, set("spec.listeners[1].tls.certificateRefs", []any{}),
		set("spec.listeners[1].tls.options", map[string]any{}))
	c.add("gw-tls-no-tls", gw, del("spec.listeners[2].tls"))
	c.add("gw-tls-terminate", gw, set("spec.listeners[2].tls", map[string]any{
		"mode": "Terminate", "certificateRefs": []any{map[string]any{"name": "c"}}}))
	c.add("gw-tls-mode-empty", gw, set("spec.listeners[2].tls", map[string]any{}))
	c.add("gw-tls-mode-bad", gw, set("spec.listeners[2].tls.mode", "Reencrypt"))
	c.add("gw-tls-mode-blank", gw, set("spec.listeners[2].tls.mode", ""))
	c.add("gw-custom-protocol-tls", gw, set("spec.listeners[3].protocol", "example.com/quic"),
		set("spec.listeners[3].tls", map[string]any{"mode": "Passthrough"}))

	// tls.certificateRefs and options
	ref := "spec.listeners[1].tls.certificateRefs[0]"
	c.strCases("gw-cert-group", gw, ref+".group", "group")
	c.strCases("gw-cert-kind", gw, ref+".kind", "kind")
	c.strCases("gw-cert-name", gw, ref+".name", "name")
	c.strCases("gw-cert-namespace", gw, ref+".namespace", "namespace")
	c.add("gw-cert-no-name", gw, set(ref, map[string]any{"kind": "Secret"}))
	c.add("gw-certs-64", gw, set("spec.listeners[1].tls.certificateRefs",
		list(64, func(i int) any { return map[string]any{"name": fmt.Sprintf("c%d", i)} })))
	c.add("gw-certs-65", gw, set("spec.listeners[1].tls.certificateRefs",
		list(65, func(i int) any { return map[string]any{"name": fmt.Sprintf("c%d", i)} })))
	opts := func(n, vlen int) map[string]any {
		m := map[string]any{}
		for i := range n {
			m[fmt.Sprintf("example.com/o%d", i)] = rep("v", vlen)
		}
		return m
	}
	c.add("gw-options-16", gw, set("spec.listeners[1].tls.options", opts(16, 1)))
	c.add("gw-options-17", gw, set("spec.listeners[1].tls.options", opts(17, 1)))
	c.add("gw-options-value-max", gw, set("spec.listeners[1].tls.options", opts(1, 4096)))
	c.add("gw-options-value-long", gw, set("spec.listeners[1].tls.options", opts(1, 4097)))
	c.add("gw-options-value-empty", gw, set("spec.listeners[1].tls.options", opts(1, 0)))

	// allowedRoutes
	for _, v := range []string{"All", "Same", "Selector", "None", "all", ""} {
		c.add("gw-from-"+lbl(v), gw,
			set("spec.listeners[1].allowedRoutes.namespaces.from", v))
	}
	c.add("gw-from-selector-no-selector", gw, set("spec.listeners[1].allowedRoutes.namespaces.from", "Selector"))
	c.add("gw-selector-empty", gw, set("spec.listeners[0].allowedRoutes.namespaces.selector", map[string]any{}))
	c.add("gw-selector-expr-no-key", gw, del("spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].key"))
	c.add("gw-selector-expr-no-op", gw, del("spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].operator"))
	c.add("gw-selector-expr-odd-op", gw, set("spec.listeners[0].allowedRoutes.namespaces.selector.matchExpressions[0].operator", "Sometimes"))
	c.add("gw-selector-label-odd", gw, set("spec.listeners[0].allowedRoutes.namespaces.selector.matchLabels", map[string]any{"Not A Key!": "?"}))
	c.add("gw-allowed-routes-empty", gw, set("spec.listeners[0].allowedRoutes", map[string]any{}))
	c.add("gw-namespaces-empty", gw, set("spec.listeners[0].allowedRoutes.namespaces", map[string]any{}))
	c.strCases("gw-kinds-group", gw, "spec.listeners[0].allowedRoutes.kinds[0].group", "group")
	c.strCases("gw-kinds-kind", gw, "spec.listeners[0].allowedRoutes.kinds[0].kind", "kind")
	c.add("gw-kinds-no-kind", gw, del("spec.listeners[0].allowedRoutes.kinds[0].kind"))
	c.add("gw-kinds-empty", gw, set("spec.listeners[0].allowedRoutes.kinds", []any{}))
	kinds := func(n int) []any {
		return list(n, func(i int) any { return map[string]any{"kind": fmt.Sprintf("K%d", i)} })
	}
	c.add("gw-kinds-8", gw, set("spec.listeners[0].allowedRoutes.kinds", kinds(8)))
	c.add("gw-kinds-9", gw, set("spec.listeners[0].allowedRoutes.kinds", kinds(9)))

	// addresses
	addr := func(t, v string) map[string]any {
		m := map[string]any{"value": v}
		if t != "-" {
			m["type"] = t
		}
		return m
	}
	for _, a := range []struct{ label, typ, val string }{
		{"ipv4", "IPAddress", "192.0.2.7"}, {"ipv6", "IPAddress", "2001:db8::1"},
		{"ipv4-bad", "IPAddress", "192.0.2.256"}, {"ipv4-short", "IPAddress", "192.0.2"},
		{"ip-name", "IPAddress", "lb.example.com"}, {"ip-empty", "IPAddress", ""},
		{"ip-cidr", "IPAddress", "192.0.2.0/24"}, {"ip-zone", "IPAddress", "fe80::1%eth0"},
		{"ip-mapped", "IPAddress", "::ffff:192.0.2.1"}, {"ip-leading-zero", "IPAddress", "192.0.2.01"},
		{"default-type", "-", "192.0.2.9"}, {"default-type-name", "-", "lb.example.com"},
		{"hostname", "Hostname", "lb.example.com"}, {"hostname-upper", "Hostname", "LB.example.com"},
		{"hostname-wild", "Hostname", "*.example.com"}, {"hostname-empty", "Hostname", ""},
		{"hostname-ip", "Hostname", "192.0.2.1"}, {"hostname-max", "Hostname", dnsName(253)},
		{"hostname-long", "Hostname", dnsName(254)}, {"named", "NamedAddress", "Anything at all"},
		{"custom", "example.com/custom", "x"}, {"custom-upper", "Example.com/custom", "x"},
		{"type-bad", "Some Type", "x"}, {"type-empty", "", "x"}, {"type-lower", "hostname", "x"},
		{"type-prefix", "Hostnames", "x"}, {"type-suffix", "MyIPAddress", "x"},
		{"type-long", dnsName(250) + "/abc", "x"}, {"named-long", "NamedAddress", rep("n", 254)},
	} {
		c.add("gw-addr-"+a.label, full, set("spec.addresses", []any{addr(a.typ, a.val)}))
	}
	c.add("gw-addr-no-value", full, set("spec.addresses", []any{map[string]any{"type": "IPAddress"}}))
	c.add("gw-addr-hostname-no-value", full, set("spec.addresses", []any{map[string]any{"type": "Hostname"}}))
	c.add("gw-addr-empty", full, set("spec.addresses", []any{map[string]any{}}))
	c.add("gw-addr-dup-ip", full, set("spec.addresses[1]", addr("IPAddress", "192.0.2.1")))
	c.add("gw-addr-dup-hostname", full, set("spec.addresses[0]", addr("Hostname", "lb.example.com")))
	c.add("gw-addr-dup-named", full, set("spec.addresses[0]", addr("NamedAddress", "my-address")))
	c.add("gw-addr-dup-ip-3", full, set("spec.addresses", []any{addr("IPAddress", "192.0.2.1"),
		addr("-", "192.0.2.1"), addr("IPAddress", "192.0.2.1")}))
	c.add("gw-addr-same-value-types", full, set("spec.addresses", []any{addr("IPAddress", "192.0.2.1"),
		addr("NamedAddress", "192.0.2.1")}))
	addrs := func(n int) []any {
		return list(n, func(i int) any { return addr("IPAddress", fmt.Sprintf("192.0.2.%d", i+1)) })
	}
	c.add("gw-addr-16", full, set("spec.addresses", addrs(16)))
	c.add("gw-addr-17", full, set("spec.addresses", addrs(17)))
	c.add("gw-addr-17-dup", full, set("spec.addresses", append(addrs(16), addr("IPAddress", "192.0.2.1"))))

	// infrastructure
	labels := func(n int) map[string]any {
		m := map[string]any{}
		for i := range n {
			m[fmt.Sprintf("l%d", i)] = "v"
		}
		return m
	}
	c.add("gw-infra-labels-8", full, set("spec.infrastructure.labels", labels(8)))
	c.add("gw-infra-labels-9", full, set("spec.infrastructure.labels", labels(9)))
	for _, v := range []sv{{"empty", ""}, {"ok", "v-1.2_3"}, {"dash", "-v"}, {"space", "a b"},
		{"max", rep("v", 63)}, {"long", rep("v", 64)}, {"slash", "a/b"}} {
		c.add("gw-infra-label-value-"+v.label, full, set("spec.infrastructure.labels",
			map[string]any{"k": v.val}))
	}
	for _, v := range []sv{{"prefixed", "example.com/k"}, {"upper", "K"}, {"dash", "-k"},
		{"slash2", "a/b/c"}, {"prefix-upper", "Example.com/k"}, {"name-max", rep("k", 63)},
		{"name-long", rep("k", 64)}, {"prefix-max", dnsName(252) + "/k"},
		{"prefix-long", dnsName(253) + "/k"}, {"empty-prefix", "/k"}, {"space", "a b"}} {
		c.add("gw-infra-label-key-"+v.label, full, set("spec.infrastructure.labels",
			map[string]any{v.val.(string): "v"}))
		c.add("gw-infra-annotation-key-"+v.label, full, set("spec.infrastructure.annotations",
			map[string]any{v.val.(string): "v"}))
	}
	annotations := func(n, vlen int) map[string]any {
		m := map[string]any{}
		for i := range n {
			m[fmt.Sprintf("a%d", i)] = rep("v", vlen)
		}
		return m
	}
	c.add("gw-infra-annotations-16", full, set("spec.infrastructure.annotations", annotations(16, 1)))
	c.add("gw-infra-annotations-17", full, set("spec.infrastructure.annotations", annotations(17, 1)))
	c.add("gw-infra-annotation-max", full, set("spec.infrastructure.annotations", annotations(1, 4096)))
	c.add("gw-infra-annotation-long", full, set("spec.infrastructure.annotations", annotations(1, 4097)))
	c.add("gw-infra-annotation-empty", full, set("spec.infrastructure.annotations", annotations(1, 0)))
	c.strCases("gw-infra-params-group", full, "spec.infrastructure.parametersRef.group", "group")
	c.strCases("gw-infra-params-kind", full, "spec.infrastructure.parametersRef.kind", "kind")
	c.add("gw-infra-params-name-empty", full, set("spec.infrastructure.parametersRef.name", ""))
	c.add("gw-infra-params-name-long", full, set("spec.infrastructure.parametersRef.name", rep("a", 254)))
	c.add("gw-infra-params-empty", full, set("spec.infrastructure.parametersRef", map[string]any{}))

	// allowedListeners
	for _, v := range []string{"All", "Same", "Selector", "None", "Other"} {
		c.add("gw-allowed-listeners-"+strings.ToLower(v), full,
			set("spec.allowedListeners.namespaces.from", v))
	}
	c.add("gw-allowed-listeners-with-selector", full, set("spec.allowedListeners.namespaces",
		map[string]any{"from": "Selector", "selector": map[string]any{"matchLabels": map[string]any{"a": "b"}}}))
	c.add("gw-allowed-listeners-expr-no-key", full, set("spec.allowedListeners.namespaces",
		map[string]any{"from": "Selector", "selector": map[string]any{"matchExpressions": []any{
			map[string]any{"operator": "Exists"}}}}))

	// spec.tls
	ca := "spec.tls.frontend.default.validation.caCertificateRefs"
	c.add("gw-tls-ca-empty", full, set(ca, []any{}))
	c.add("gw-tls-no-ca", full, del(ca))
	c.add("gw-tls-ca-no-group", full, del(ca+"[0].group"))
	c.add("gw-tls-ca-no-kind", full, del(ca+"[0].kind"))
	c.add("gw-tls-ca-no-name", full, del(ca+"[0].name"))
	c.strCases("gw-tls-ca-group", full, ca+"[0].group", "group")
	c.strCases("gw-tls-ca-kind", full, ca+"[0].kind", "kind")
	c.strCases("gw-tls-ca-namespace", full, ca+"[0].namespace", "namespace")
	cas := func(n int) []any {
		return list(n, func(i int) any {
			return map[string]any{"group": "", "kind": "ConfigMap", "name": fmt.Sprintf("ca%d", i)}
		})
	}
	c.add("gw-tls-ca-16", full, set(ca, cas(16)))
	c.add("gw-tls-ca-17", full, set(ca, cas(17)))
	c.add("gw-tls-validation-mode-fallback", full, set("spec.tls.frontend.default.validation.mode", "AllowInsecureFallback"))
	c.add("gw-tls-validation-mode-bad", full, set("spec.tls.frontend.default.validation.mode", "Strict"))
	c.add("gw-tls-frontend-no-default", full, del("spec.tls.frontend.default"))
	c.add("gw-tls-frontend-default-empty", full, set("spec.tls.frontend.default", map[string]any{}))
	pp := "spec.tls.frontend.perPort"
	c.add("gw-tls-perport-dup", full, set(pp+"[1]", deepCopy(full["spec"].(map[string]any)["tls"].(map[string]any)["frontend"].(map[string]any)["perPort"].([]any)[0])))
	c.intCases("gw-tls-perport-port", full, pp+"[0].port", ports)
	c.add("gw-tls-perport-no-port", full, del(pp+"[0].port"))
	c.add("gw-tls-perport-no-tls", full, del(pp+"[0].tls"))
	c.add("gw-tls-perport-ca-empty", full, set(pp+"[0].tls.validation.caCertificateRefs", []any{}))
	c.add("gw-tls-perport-mode-bad", full, set(pp+"[0].tls.validation.mode", "Strict"))
	perPort := func(n int) []any {
		return list(n, func(i int) any {
			return map[string]any{"port": 1000 + i, "tls": map[string]any{"validation": map[string]any{
				"caCertificateRefs": cas(1)}}}
		})
	}
	c.add("gw-tls-perport-64", full, set(pp, perPort(64)))
	c.add("gw-tls-perport-65", full, set(pp, perPort(65)))
	cc := "spec.tls.backend.clientCertificateRef"
	c.add("gw-tls-client-no-name", full, del(cc+".name"))
	c.strCases("gw-tls-client-group", full, cc+".group", "group")
	c.strCases("gw-tls-client-kind", full, cc+".kind", "kind")
	c.strCases("gw-tls-client-namespace", full, cc+".namespace", "namespace")
	c.add("gw-tls-client-name-long", full, set(cc+".name", rep("a", 254)))

	// list-map keys: listeners by name
	c.add("gw-listener-no-names", gw, del("spec.listeners[0].name"), del("spec.listeners[1].name"))
	// several errors at once, of both passes
	c.add("gw-blocking-and-cel", gw, set("spec.listeners[0].tls", map[string]any{"mode": "Passthrough"}),
		set("spec.listeners[1].port", 70000), set("spec.listeners[2].name", ""))
	c.add("gw-invalid-and-cel", gw, set("spec.listeners[0].tls", map[string]any{"mode": "Passthrough"}),
		set("spec.listeners[1].port", 0), set("spec.listeners[2].hostname", "A"))
}

func httpRouteCases(c *corpusBuilder) {
	rt, min := yamlObj(rtBase), yamlObj(rtMin)
	c.add("rt-valid", rt)
	c.add("rt-min-valid", min)
	c.add("rt-v1beta1", rt, set("apiVersion", "gateway.networking.k8s.io/v1beta1"))
	c.add("rt-no-spec", rt, del("spec"))
	c.add("rt-empty-spec", rt, set("spec", map[string]any{}))
	c.add("rt-rules-empty", rt, set("spec.rules", []any{}))
	c.add("rt-rule-empty", rt, set("spec.rules", []any{map[string]any{}}))

	// parentRefs
	pr := "spec.parentRefs[0]"
	c.strCases("rt-parent-group", rt, pr+".group", "group")
	c.strCases("rt-parent-kind", rt, pr+".kind", "kind")
	c.strCases("rt-parent-name", rt, pr+".name", "name")
	c.strCases("rt-parent-namespace", rt, pr+".namespace", "namespace")
	c.strCases("rt-parent-section", rt, pr+".sectionName", "subdomain")
	c.intCases("rt-parent-port", rt, pr+".port", ports)
	c.add("rt-parent-no-name", rt, del(pr+".name"))
	c.add("rt-parents-empty", rt, set("spec.parentRefs", []any{}))
	parents := func(n int) []any {
		return list(n, func(i int) any { return map[string]any{"name": fmt.Sprintf("gw%d", i)} })
	}
	c.add("rt-parents-32", rt, set("spec.parentRefs", parents(32)))
	c.add("rt-parents-33", rt, set("spec.parentRefs", parents(33)))
	p := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	for _, pc := range []struct {
		label string
		refs  []any
	}{
		{"same-twice", []any{p("name", "gw"), p("name", "gw")}},
		{"same-sections", []any{p("name", "gw", "sectionName", "a"), p("name", "gw", "sectionName", "a")}},
		{"other-sections", []any{p("name", "gw", "sectionName", "a"), p("name", "gw", "sectionName", "b")}},
		{"one-section", []any{p("name", "gw"), p("name", "gw", "sectionName", "b")}},
		{"ports-only", []any{p("name", "gw", "port", 80), p("name", "gw", "port", 443)}},
		{"same-ports", []any{p("name", "gw", "port", 80), p("name", "gw", "port", 80)}},
		{"port-and-section", []any{p("name", "gw", "sectionName", "a", "port", 80), p("name", "gw", "sectionName", "a", "port", 443)}},
		{"default-group", []any{p("name", "gw"), p("name", "gw", "group", "gateway.networking.k8s.io")}},
		{"default-kind", []any{p("name", "gw"), p("name", "gw", "kind", "Gateway")}},
		{"other-kind", []any{p("name", "gw"), p("name", "gw", "kind", "ListenerSet")}},
		{"other-ns", []any{p("name", "gw"), p("name", "gw", "namespace", "infra")}},
		{"same-ns", []any{p("name", "gw", "namespace", "infra"), p("name", "gw", "namespace", "infra")}},
		{"empty-section", []any{p("name", "gw", "sectionName", ""), p("name", "gw")}},
		{"three", []any{p("name", "gw"), p("name", "gw"), p("name", "gw", "sectionName", "a")}},
		{"three-sections", []any{p("name", "gw", "sectionName", "a"), p("name", "gw", "sectionName", "b"), p("name", "gw", "sectionName", "a")}},
		{"different", []any{p("name", "gw"), p("name", "gw2")}},
	} {
		c.add("rt-parents-"+pc.label, rt, set("spec.parentRefs", pc.refs))
	}

	// hostnames
	c.strCases("rt-hostname", rt, "spec.hostnames[0]", "hostname")
	hosts := func(n int) []any {
		return list(n, func(i int) any { return fmt.Sprintf("h%d.example.com", i) })
	}
	c.add("rt-hostnames-16", rt, set("spec.hostnames", hosts(16)))
	c.add("rt-hostnames-17", rt, set("spec.hostnames", hosts(17)))
	c.add("rt-hostnames-dup", rt, set("spec.hostnames", []any{"a.example.com", "a.example.com"}))

	// rules
	c.strCases("rt-rule-name", rt, "spec.rules[0].name", "subdomain")
	c.add("rt-rule-names-dup", rt, set("spec.rules[1].name", "main"))
	c.add("rt-rule-names-dup-3", rt, set("spec.rules[1].name", "main"), set("spec.rules[2].name", "main"))
	c.add("rt-rule-names-one", rt, del("spec.rules[1].name"), del("spec.rules[2].name"))
	rules := func(n, matches int) []any {
		return list(n, func(i int) any {
			return map[string]any{"matches": list(matches, func(j int) any {
				return map[string]any{"path": map[string]any{"value": fmt.Sprintf("/r%d/m%d", i, j)}}
			}), "backendRefs": []any{map[string]any{"name": "web", "port": 80}}}
		})
	}
	c.add("rt-rules-16", min, set("spec.rules", rules(16, 1)))
	c.add("rt-rules-17", min, set("spec.rules", rules(17, 1)))
	c.add("rt-matches-64", min, set("spec.rules", rules(1, 64)))
	c.add("rt-matches-65", min, set("spec.rules", rules(1, 65)))
	c.add("rt-matches-total-128", min, set("spec.rules", rules(2, 64)))
	c.add("rt-matches-total-129", min, set("spec.rules", append(rules(2, 64), rules(1, 1)...)))
	c.add("rt-matches-total-1024", min, set("spec.rules", rules(16, 64)))
	c.add("rt-matches-empty", min, set("spec.rules[0].matches", []any{}))
	c.add("rt-match-empty", min, set("spec.rules[0].matches", []any{map[string]any{}}))

	// path matches
	m := "spec.rules[0].matches[0]"
	for _, typ := range []string{"Exact", "PathPrefix", "RegularExpression"} {
		for _, v := range []sv{{"root", "/"}, {"ok", "/a/b-c_d.e~f"}, {"relative", "foo"},
			{"empty", ""}, {"dslash", "/a//b"}, {"dot", "/a/./b"}, {"dotdot", "/a/../b"},
			{"pct2f", "/a%2fb"}, {"pct2F", "/a%2Fb"}, {"hash", "/a#b"}, {"enddotdot", "/a/.."},
			{"enddot", "/a/."}, {"space", "/a b"}, {"unicode", "/ü"}, {"pct-bad", "/a%zz"},
			{"pct-ok", "/a%41"}, {"query", "/a?b"}, {"params", "/a;b=c,d:e@f!$&'()*+"},
			{"pct-short", "/a%4"}, {"brackets", "/a[b]"}, {"regex", "/re/[0-9]+"},
			{"max", "/" + rep("p", 1023)}, {"long", "/" + rep("p", 1024)},
			{"many", "//./../%2f"}} {
			c.add(fmt.Sprintf("rt-path-%s-%s", strings.ToLower(typ), v.label), rt,
				set(m+".path", map[string]any{"type": typ, "value": v.val}))
		}
	}
	c.add("rt-path-type-bad", rt, set(m+".path.type", "Prefix"))
	c.add("rt-path-type-empty", rt, set(m+".path.type", ""))
	c.add("rt-path-no-type", rt, del(m+".path.type"))
	c.add("rt-path-no-type-relative", rt, del(m+".path.type"), set(m+".path.value", "cart"))
	c.add("rt-path-no-value", rt, del(m+".path.value"))
	c.add("rt-path-no-value-exact", rt, set(m+".path", map[string]any{"type": "Exact"}))
	c.add("rt-path-empty", rt, set(m+".path", map[string]any{}))
	c.add("rt-path-type-bad-relative", rt, set(m+".path", map[string]any{"type": "Glob", "value": "x"}))
	c.add("rt-path-type-bad-long", rt, set(m+".path", map[string]any{"type": "Glob", "value": "/" + rep("p", 1024)}))

	// header and query param matches
	for _, list := range []string{"headers", "queryParams"} {
		f := m + "." + list + "[0]"
		pre := "rt-" + strings.ToLower(list)
		c.strCases(pre+"-name", rt, f+".name", "header")
		c.add(pre+"-no-name", rt, del(f+".name"))
		c.add(pre+"-no-value", rt, del(f+".value"))
		c.add(pre+"-value-empty", rt, set(f+".value", ""))
		c.add(pre+"-value-1024", rt, set(f+".value", rep("v", 1024)))
		c.add(pre+"-value-1025", rt, set(f+".value", rep("v", 1025)))
		c.add(pre+"-value-4096", rt, set(f+".value", rep("v", 4096)))
		c.add(pre+"-value-4097", rt, set(f+".value", rep("v", 4097)))
		c.add(pre+"-type-exact", rt, set(f+".type", "Exact"))
		c.add(pre+"-type-regex", rt, set(f+".type", "RegularExpression"), set(f+".value", "^a.*$"))
		c.add(pre+"-type-bad", rt, set(f+".type", "Prefix"))
		c.add(pre+"-type-empty", rt, set(f+".type", ""))
		item := func(i int) any { return map[string]any{"name": fmt.Sprintf("x-%d", i), "value": "v"} }
		c.add(pre+"-16", rt, set(m+"."+list, listN(16, item)))
		c.add(pre+"-17", rt, set(m+"."+list, listN(17, item)))
		c.add(pre+"-dup", rt, set(m+"."+list, []any{item(0), item(0)}))
		c.add(pre+"-dup-3", rt, set(m+"."+list, []any{item(0), item(0), item(0), item(1), item(1)}))
		c.add(pre+"-dup-case", rt, set(m+"."+list, []any{item(0),
			map[string]any{"name": "X-0", "value": "v"}}))
		c.add(pre+"-dup-no-name", rt, set(m+"."+list, []any{map[string]any{"value": "a"},
			map[string]any{"value": "b"}}))
		c.add(pre+"-17-dup", rt, set(m+"."+list, append(listN(16, item), item(0))))
	}
	for _, v := range []string{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "get", "*", "PROPFIND", ""} {
		c.add("rt-method-"+lbl(v), rt, set(m+".method", v))
	}

	// the filters of the first rule: 0 request header, 1 response
	// header, 2 mirror, 3 rewrite, 4 CORS
	f := "spec.rules[0].filters"
	c.add("rt-filter-no-type", rt, del(f+"[0].type"))
	c.add("rt-filter-type-bad", rt, set(f+"[0].type", "Rewrite"))
	c.add("rt-filter-type-empty", rt, set(f+"[0].type", ""))
	c.add("rt-filter-external-auth", rt, set(f+"[0]", map[string]any{"type": "ExternalAuth",
		"externalAuth": map[string]any{"protocol": "HTTP", "backendRef": map[string]any{"name": "auth", "port": 80}}}))
	c.add("rt-filter-type-body-mismatch", rt, set(f+"[0].type", "ResponseHeaderModifier"))
	c.add("rt-filter-no-body", rt, del(f+"[0].requestHeaderModifier"))
	c.add("rt-filter-two-bodies", rt, set(f+"[0].urlRewrite", map[string]any{"hostname": "a.example.com"}))
	for _, typ := range []string{"RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror",
		"RequestRedirect", "URLRewrite", "ExtensionRef", "CORS"} {
		c.add("rt-filter-bare-"+strings.ToLower(typ), min, set("spec.rules[0].filters",
			[]any{map[string]any{"type": typ}}))
	}
	c.add("rt-filter-cors-empty", min, set("spec.rules[0].filters",
		[]any{map[string]any{"type": "CORS", "cors": map[string]any{}}}))
	c.add("rt-filter-rhm-empty", min, set("spec.rules[0].filters",
		[]any{map[string]any{"type": "RequestHeaderModifier", "requestHeaderModifier": map[string]any{}}}))
	c.add("rt-filter-rhm-with-cors", rt, set(f+"[0].cors", map[string]any{"maxAge": 1}))
	filtersN := func(n int) []any {
		return listN(n, func(i int) any {
			return map[string]any{"type": "ExtensionRef", "extensionRef": map[string]any{
				"group": "example.net", "kind": "Plugin", "name": fmt.Sprintf("p%d", i)}}
		})
	}
	c.add("rt-filters-16", min, set("spec.rules[0].filters", filtersN(16)))
	c.add("rt-filters-17", min, set("spec.rules[0].filters", filtersN(17)))
	for i, typ := range []string{"RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "URLRewrite", "CORS"} {
		dup := deepCopy(rt["spec"].(map[string]any)["rules"].([]any)[0].(map[string]any)["filters"].([]any)[i])
		c.add("rt-filter-repeat-"+strings.ToLower(typ), rt, set(f+"[5]", dup))
	}
	c.add("rt-filter-repeat-redirect", rt, set("spec.rules[1].filters[1]",
		map[string]any{"type": "RequestRedirect", "requestRedirect": map[string]any{"port": 8443}}))
	c.add("rt-filter-redirect-and-rewrite", rt, set("spec.rules[1].filters[1]",
		map[string]any{"type": "URLRewrite", "urlRewrite": map[string]any{"hostname": "a.example.com"}}))
	c.add("rt-filter-redirect-with-backends", rt, set("spec.rules[1].backendRefs",
		[]any{map[string]any{"name": "web", "port": 80}}))
	c.add("rt-filter-redirect-with-empty-backends", rt, set("spec.rules[1].backendRefs", []any{}))
	c.add("rt-filter-redirect-with-backends-repeat", rt, set("spec.rules[1].backendRefs",
		[]any{map[string]any{"name": "web", "port": 80}}), set("spec.rules[1].filters[1]",
		map[string]any{"type": "RequestRedirect", "requestRedirect": map[string]any{"port": 8443}}))

	// header modifiers
	hm := f + "[0].requestHeaderModifier"
	for _, op := range []string{"set", "add"} {
		pre := "rt-rhm-" + op
		c.strCases(pre+"-name", rt, hm+"."+op+"[0].name", "header")
		c.add(pre+"-no-name", rt, del(hm+"."+op+"[0].name"))
		c.add(pre+"-no-value", rt, del(hm+"."+op+"[0].value"))
		c.add(pre+"-value-empty", rt, set(hm+"."+op+"[0].value", ""))
		c.add(pre+"-value-max", rt, set(hm+"."+op+"[0].value", rep("v", 4096)))
		c.add(pre+"-value-long", rt, set(hm+"."+op+"[0].value", rep("v", 4097)))
		item := func(i int) any { return map[string]any{"name": fmt.Sprintf("x-%d", i), "value": "v"} }
		c.add(pre+"-16", rt, set(hm+"."+op, listN(16, item)))
		c.add(pre+"-17", rt, set(hm+"."+op, listN(17, item)))
		c.add(pre+"-dup", rt, set(hm+"."+op, []any{item(1), item(2), item(1)}))
		c.add(pre+"-dup-case", rt, set(hm+"."+op, []any{item(1),
			map[string]any{"name": "X-1", "value": "v"}}))
	}
	c.strCases("rt-rhm-remove", rt, hm+".remove[0]", "header")
	c.add("rt-rhm-remove-16", rt, set(hm+".remove", listN(16, func(i int) any { return fmt.Sprintf("x-%d", i) })))
	c.add("rt-rhm-remove-17", rt, set(hm+".remove", listN(17, func(i int) any { return fmt.Sprintf("x-%d", i) })))
	c.add("rt-rhm-remove-dup", rt, set(hm+".remove", []any{"a", "b", "a", "a"}))
	c.add("rt-rhm-set-and-add-same", rt, set(hm+".add[0].name", "X-Set"))
	rh := f + "[1].responseHeaderModifier"
	c.add("rt-resp-set-dup", rt, set(rh+".set[1]", map[string]any{"name": "X-Resp", "value": "d"}))
	c.add("rt-resp-remove-dup", rt, set(rh+".remove", []any{"a", "a"}))
	c.add("rt-resp-add-bad", rt, set(rh+".add", []any{map[string]any{"name": "a b", "value": ""}}))

	// mirror
	mr := f + "[2].requestMirror"
	c.add("rt-mirror-no-backend", rt, del(mr+".backendRef"))
	c.add("rt-mirror-no-port", rt, del(mr+".backendRef.port"))
	c.add("rt-mirror-no-port-kind", rt, del(mr+".backendRef.port"), set(mr+".backendRef.kind", "Bucket"))
	c.add("rt-mirror-no-port-group", rt, del(mr+".backendRef.port"), set(mr+".backendRef.group", "example.net"))
	c.add("rt-mirror-no-port-core", rt, del(mr+".backendRef.port"), set(mr+".backendRef.group", "core"))
	c.add("rt-mirror-no-name", rt, del(mr+".backendRef.name"))
	c.strCases("rt-mirror-group", rt, mr+".backendRef.group", "group")
	c.strCases("rt-mirror-kind", rt, mr+".backendRef.kind", "kind")
	c.strCases("rt-mirror-name", rt, mr+".backendRef.name", "name")
	c.strCases("rt-mirror-namespace", rt, mr+".backendRef.namespace", "namespace")
	c.intCases("rt-mirror-port", rt, mr+".backendRef.port", ports)
	c.intCases("rt-mirror-percent", rt, mr+".percent", []sv{{"neg", -1}, {"zero", 0}, {"max", 100}, {"over", 101}})
	frac := func(kv ...any) edit {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return set(mr+".fraction", m)
	}
	c.add("rt-mirror-fraction", rt, del(mr+".percent"), frac("numerator", 1, "denominator", 3))
	c.add("rt-mirror-fraction-default", rt, del(mr+".percent"), frac("numerator", 100))
	c.add("rt-mirror-fraction-over-default", rt, del(mr+".percent"), frac("numerator", 101))
	c.add("rt-mirror-fraction-over", rt, del(mr+".percent"), frac("numerator", 4, "denominator", 3))
	c.add("rt-mirror-fraction-equal", rt, del(mr+".percent"), frac("numerator", 3, "denominator", 3))
	c.add("rt-mirror-fraction-zero-den", rt, del(mr+".percent"), frac("numerator", 0, "denominator", 0))
	c.add("rt-mirror-fraction-neg", rt, del(mr+".percent"), frac("numerator", -1, "denominator", 3))
	c.add("rt-mirror-fraction-no-num", rt, del(mr+".percent"), frac("denominator", 3))
	c.add("rt-mirror-fraction-and-percent", rt, frac("numerator", 1, "denominator", 3))
	c.add("rt-mirror-fraction-and-percent-over", rt, frac("numerator", 4, "denominator", 3))

	// rewrite (filters[3]) and redirect (rules[1].filters[0])
	rw := f + "[3].urlRewrite"
	rd := "spec.rules[1].filters[0].requestRedirect"
	for _, x := range []struct{ pre, at string }{{"rt-rewrite", rw}, {"rt-redirect", rd}} {
		c.strCases(x.pre+"-hostname", rt, x.at+".hostname", "hostname")
		c.add(x.pre+"-path-no-type", rt, del(x.at+".path.type"))
		c.add(x.pre+"-path-type-bad", rt, set(x.at+".path.type", "ReplaceSuffix"))
		c.add(x.pre+"-path-full", rt, set(x.at+".path", map[string]any{"type": "ReplaceFullPath", "replaceFullPath": "/x"}))
		c.add(x.pre+"-path-full-missing", rt, set(x.at+".path", map[string]any{"type": "ReplaceFullPath"}))
		c.add(x.pre+"-path-prefix-missing", rt, set(x.at+".path", map[string]any{"type": "ReplacePrefixMatch"}))
		c.add(x.pre+"-path-full-wrong-type", rt, set(x.at+".path", map[string]any{"type": "ReplacePrefixMatch", "replaceFullPath": "/x"}))
		c.add(x.pre+"-path-both", rt, set(x.at+".path", map[string]any{"type": "ReplacePrefixMatch",
			"replaceFullPath": "/x", "replacePrefixMatch": "/y"}))
		c.add(x.pre+"-path-full-max", rt, set(x.at+".path", map[string]any{"type": "ReplaceFullPath", "replaceFullPath": "/" + rep("p", 1023)}))
		c.add(x.pre+"-path-full-long", rt, set(x.at+".path", map[string]any{"type": "ReplaceFullPath", "replaceFullPath": "/" + rep("p", 1024)}))
		c.add(x.pre+"-path-prefix-long", rt, set(x.at+".path.replacePrefixMatch", "/"+rep("p", 1024)))
		c.add(x.pre+"-path-prefix-empty", rt, set(x.at+".path.replacePrefixMatch", ""))
		c.add(x.pre+"-path-prefix-relative", rt, set(x.at+".path.replacePrefixMatch", "x"))
		c.add(x.pre+"-path-empty", rt, set(x.at+".path", map[string]any{}))
	}
	c.add("rt-rewrite-empty", rt, set(rw, map[string]any{}))
	c.add("rt-redirect-empty", rt, set(rd, map[string]any{}))
	for _, v := range []string{"http", "https", "HTTP", "ftp", ""} {
		c.add("rt-redirect-scheme-"+lbl(v), rt, set(rd+".scheme", v))
	}
	c.intCases("rt-redirect-port", rt, rd+".port", ports)
	for _, code := range []int{301, 302, 303, 307, 308, 200, 304, 0} {
		c.add("rt-redirect-status-"+strconv.Itoa(code), rt, set(rd+".statusCode", code))
	}
	// ReplacePrefixMatch needs exactly one PathPrefix match
	r1m := "spec.rules[1].matches"
	c.add("rt-redirect-prefix-two-matches", rt, set(r1m+"[1]", map[string]any{"path": map[string]any{"value": "/older"}}))
	c.add("rt-redirect-prefix-exact", rt, set(r1m+"[0].path.type", "Exact"))
	c.add("rt-redirect-prefix-regex", rt, set(r1m+"[0].path.type", "RegularExpression"))
	c.add("rt-redirect-prefix-no-matches", rt, del(r1m))
	c.add("rt-redirect-prefix-matches-empty", rt, set(r1m, []any{}))
	c.add("rt-redirect-prefix-match-no-path", rt, set(r1m, []any{map[string]any{"method": "GET"}}))
	c.add("rt-redirect-prefix-no-value", rt, del(rd+".path.replacePrefixMatch"))
	c.add("rt-redirect-full-two-matches", rt, set(r1m+"[1]", map[string]any{"path": map[string]any{"value": "/older"}}),
		set(rd+".path", map[string]any{"type": "ReplaceFullPath", "replaceFullPath": "/x"}))
	r0m := "spec.rules[0].matches"
	c.add("rt-rewrite-prefix-two-matches", rt, set(r0m+"[1]", map[string]any{"path": map[string]any{"value": "/basket"}}))
	c.add("rt-rewrite-prefix-exact", rt, set(r0m+"[0].path.type", "Exact"))
	c.add("rt-rewrite-prefix-no-matches", rt, del(r0m))
	c.add("rt-rewrite-prefix-matches-empty", rt, set(r0m, []any{}))
	// and within backendRefs
	bf := "spec.rules[0].backendRefs[0].filters"
	c.add("rt-backend-rewrite-prefix", rt, set(bf+"[1]", map[string]any{"type": "URLRewrite",
		"urlRewrite": map[string]any{"path": map[string]any{"type": "ReplacePrefixMatch", "replacePrefixMatch": "/b"}}}))
	c.add("rt-backend-rewrite-prefix-two-matches", rt, set(bf+"[1]", map[string]any{"type": "URLRewrite",
		"urlRewrite": map[string]any{"path": map[string]any{"type": "ReplacePrefixMatch", "replacePrefixMatch": "/b"}}}),
		set(r0m+"[1]", map[string]any{"path": map[string]any{"value": "/basket"}}), del(f+"[3]"))
	c.add("rt-backend-rewrite-prefix-exact", rt, set(bf+"[1]", map[string]any{"type": "URLRewrite",
		"urlRewrite": map[string]any{"path": map[string]any{"type": "ReplacePrefixMatch", "replacePrefixMatch": "/b"}}}),
		set(r0m+"[0].path.type", "Exact"))
	c.add("rt-backend-redirect-prefix-exact", rt, set(bf+"[1]", map[string]any{"type": "RequestRedirect",
		"requestRedirect": map[string]any{"path": map[string]any{"type": "ReplacePrefixMatch", "replacePrefixMatch": "/b"}}}),
		set(r0m+"[0].path.type", "Exact"))
	c.add("rt-backend-redirect", rt, set(bf+"[1]", map[string]any{"type": "RequestRedirect",
		"requestRedirect": map[string]any{"statusCode": 301}}))
	c.add("rt-backend-redirect-and-rewrite", rt, set(bf+"[1]", map[string]any{"type": "RequestRedirect",
		"requestRedirect": map[string]any{"statusCode": 301}}), set(bf+"[2]", map[string]any{"type": "URLRewrite",
		"urlRewrite": map[string]any{"hostname": "a.example.com"}}))
	c.add("rt-backend-rewrite-prefix-both-backends", rt, set(bf+"[1]", map[string]any{"type": "URLRewrite",
		"urlRewrite": map[string]any{"path": map[string]any{"type": "ReplacePrefixMatch", "replacePrefixMatch": "/b"}}}),
		set("spec.rules[0].backendRefs[1].filters", []any{map[string]any{"type": "URLRewrite",
			"urlRewrite": map[string]any{"path": map[string]any{"type": "ReplacePrefixMatch", "replacePrefixMatch": "/b"}}}}),
		set(r0m+"[0].path.type", "Exact"))
	for i, typ := range []string{"RequestHeaderModifier", "CORS", "RequestMirror"} {
		body := map[string]any{}
		switch typ {
		case "RequestHeaderModifier":
			body = map[string]any{"type": typ, "requestHeaderModifier": map[string]any{"add": []any{map[string]any{"name": "a", "value": "b"}}}}
		case "CORS":
			body = map[string]any{"type": typ, "cors": map[string]any{"maxAge": 5}}
		case "RequestMirror":
			body = map[string]any{"type": typ, "requestMirror": map[string]any{"backendRef": map[string]any{"name": "m", "port": 1}}}
		}
		c.add(fmt.Sprintf("rt-backend-filter-repeat-%d", i), rt, set(bf+"[1]", body), set(bf+"[2]", deepCopy(body)))
	}
	c.add("rt-backend-filter-bad", rt, set(bf+"[0]", map[string]any{"type": "RequestHeaderModifier",
		"requestHeaderModifier": map[string]any{"set": []any{map[string]any{"name": "a b", "value": "v"}, map[string]any{"name": "a b", "value": "w"}}}}))
	c.add("rt-backend-filters-17", rt, set(bf, filtersN(17)))

	// extensionRef (rules[2].filters[0])
	er := "spec.rules[2].filters[0].extensionRef"
	c.add("rt-ext-no-group", rt, del(er+".group"))
	c.add("rt-ext-no-kind", rt, del(er+".kind"))
	c.add("rt-ext-no-name", rt, del(er+".name"))
	c.strCases("rt-ext-group", rt, er+".group", "group")
	c.strCases("rt-ext-kind", rt, er+".kind", "kind")
	c.strCases("rt-ext-name", rt, er+".name", "name")

	// CORS (filters[4])
	cors := f + "[4].cors"
	for _, v := range []sv{{"star", "*"}, {"https", "https://www.example.com"}, {"http-port", "http://a.example.com:8080"},
		{"wild", "https://*.example.com"}, {"star-host", "https://*"}, {"ftp", "ftp://a.example.com"},
		{"slash", "https://a.example.com/"}, {"path", "https://a.example.com/x"}, {"no-scheme", "a.example.com"},
		{"upper", "HTTPS://a.example.com"}, {"host-upper", "https://A.Example.com"}, {"underscore", "https://a_b.com"},
		{"port-long", "https://a.com:123456"}, {"empty", ""}, {"wild-mid", "https://a.*.com"},
		{"max", "https://" + rep("a", 245)}, {"long", "https://" + rep("a", 246)}, {"dash", "https://-a-.com"}} {
		c.add("rt-cors-origin-"+v.label, rt, set(cors+".allowOrigins", []any{v.val}))
	}
	c.add("rt-cors-origins-star-and-other", rt, set(cors+".allowOrigins", []any{"*", "https://a.com"}))
	c.add("rt-cors-origins-star-twice", rt, set(cors+".allowOrigins", []any{"*", "*"}))
	c.add("rt-cors-origins-dup", rt, set(cors+".allowOrigins", []any{"https://a.com", "https://a.com"}))
	origins := func(n int) []any {
		return listN(n, func(i int) any { return fmt.Sprintf("https://o%d.example.com", i) })
	}
	c.add("rt-cors-origins-64", rt, set(cors+".allowOrigins", origins(64)))
	c.add("rt-cors-origins-65", rt, set(cors+".allowOrigins", origins(65)))
	c.add("rt-cors-origins-empty", rt, set(cors+".allowOrigins", []any{}))
	for _, v := range []string{"GET", "*", "get", "FOO", ""} {
		c.add("rt-cors-method-"+lbl(v), rt, set(cors+".allowMethods", []any{v}))
	}
	c.add("rt-cors-methods-star-and-other", rt, set(cors+".allowMethods", []any{"GET", "*"}))
	c.add("rt-cors-methods-dup", rt, set(cors+".allowMethods", []any{"GET", "POST", "GET"}))
	c.add("rt-cors-methods-9", rt, set(cors+".allowMethods", []any{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}))
	c.add("rt-cors-methods-10", rt, set(cors+".allowMethods", []any{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*"}))
	for _, lst := range []string{"allowHeaders", "exposeHeaders"} {
		pre := "rt-cors-" + strings.ToLower(lst)
		c.strCases(pre, rt, cors+"."+lst+"[0]", "header")
		c.add(pre+"-star", rt, set(cors+"."+lst, []any{"*"}))
		c.add(pre+"-star-and-other", rt, set(cors+"."+lst, []any{"*", "X-A"}))
		c.add(pre+"-dup", rt, set(cors+"."+lst, []any{"X-A", "X-A"}))
		c.add(pre+"-dup-case", rt, set(cors+"."+lst, []any{"X-A", "x-a"}))
		hdrs := func(n int) []any { return listN(n, func(i int) any { return fmt.Sprintf("X-%d", i) }) }
		c.add(pre+"-64", rt, set(cors+"."+lst, hdrs(64)))
		c.add(pre+"-65", rt, set(cors+"."+lst, hdrs(65)))
	}
	c.intCases("rt-cors-max-age", rt, cors+".maxAge", []sv{{"zero", 0}, {"one", 1}, {"neg", -5}, {"big", 86400 * 365}})
	c.add("rt-cors-credentials-false", rt, set(cors+".allowCredentials", false))

	// backendRefs
	br := "spec.rules[0].backendRefs[0]"
	c.strCases("rt-backend-group", rt, br+".group", "group")
	c.strCases("rt-backend-kind", rt, br+".kind", "kind")
	c.strCases("rt-backend-name", rt, br+".name", "name")
	c.strCases("rt-backend-namespace", rt, br+".namespace", "namespace")
	c.intCases("rt-backend-port", rt, br+".port", ports)
	c.intCases("rt-backend-weight", rt, br+".weight", []sv{{"neg", -1}, {"zero", 0}, {"max", 1000000}, {"over", 1000001}})
	c.add("rt-backend-no-name", rt, del(br+".name"))
	c.add("rt-backend-no-port", rt, del(br+".port"))
	c.add("rt-backend-no-port-service", rt, del(br+".port"), set(br+".kind", "Service"), set(br+".group", ""))
	c.add("rt-backend-no-port-core", rt, del(br+".port"), set(br+".group", "core"))
	c.add("rt-backend-no-port-kind", rt, del(br+".port"), set(br+".kind", "Bucket"))
	c.add("rt-backend-no-port-service-lower", rt, del(br+".port"), set(br+".kind", "service"))
	c.add("rt-backends-empty", rt, set("spec.rules[0].backendRefs", []any{}))
	backends := func(n int) []any {
		return listN(n, func(i int) any { return map[string]any{"name": fmt.Sprintf("b%d", i), "port": 80} })
	}
	c.add("rt-backends-16", min, set("spec.rules[0].backendRefs", backends(16)))
	c.add("rt-backends-17", min, set("spec.rules[0].backendRefs", backends(17)))
	c.add("rt-backends-dup", min, set("spec.rules[0].backendRefs", []any{backends(1)[0], backends(1)[0]}))

	// timeouts
	to := "spec.rules[0].timeouts"
	for _, v := range []sv{{"s", "10s"}, {"ms", "100ms"}, {"h", "1h"}, {"hm", "1h30m"}, {"four", "1h1m1s1ms"},
		{"five", "1h1m1s1ms1s"}, {"bare", "10"}, {"day", "1d"}, {"digits5", "99999s"}, {"digits6", "100000s"},
		{"zero", "0s"}, {"empty", ""}, {"frac", "1.5s"}, {"us", "10us"}, {"neg", "-1s"}, {"space", "1 s"}} {
		c.add("rt-timeout-request-"+v.label, rt, set(to, map[string]any{"request": v.val}))
		c.add("rt-timeout-backend-"+v.label, rt, set(to, map[string]any{"backendRequest": v.val}))
	}
	for _, v := range []struct{ label, req, back string }{
		{"equal", "10s", "10s"}, {"longer", "10s", "11s"}, {"shorter", "10s", "9s"}, {"units", "1m", "61s"},
		{"units-ok", "1m", "60s"}, {"zero-request", "0s", "1h"}, {"zero-backend", "1s", "0s"},
		{"ms", "1s", "1001ms"}, {"sum", "1h1m", "61m"}, {"sum-over", "1h1m", "61m1ms"},
	} {
		c.add("rt-timeout-pair-"+v.label, rt, set(to, map[string]any{"request": v.req, "backendRequest": v.back}))
	}
	c.add("rt-timeout-empty", rt, set(to, map[string]any{}))
	c.add("rt-timeout-bad-and-longer", rt, set(to, map[string]any{"request": "1x", "backendRequest": "2s"}))

	// fields of the experimental channel: unknown here, pruned
	c.add("rt-retry", rt, set("spec.rules[0].retry", map[string]any{"codes": []any{500}, "attempts": 2}))
	c.add("rt-session", rt, set("spec.rules[0].sessionPersistence", map[string]any{"sessionName": "s"}))

	// many errors of each pass at once
	c.add("rt-blocking-and-cel", rt, set(m+".method", "FETCH"), set(m+".path.value", "rel"))
	c.add("rt-invalid-and-cel", rt, set("spec.hostnames[0]", "A"), set(m+".path.value", "rel"))
}

// lbl names a value in a case name.
func lbl(v string) string {
	if v == "" {
		return "blank"
	}
	return v
}

func listN(n int, item func(i int) any) []any { return list(n, item) }

func referenceGrantCases(c *corpusBuilder) {
	rg := yamlObj(rgBase)
	c.add("rg-valid", rg)
	c.add("rg-v1", rg, set("apiVersion", "gateway.networking.k8s.io/v1"))
	c.add("rg-no-spec", rg, del("spec"))
	c.add("rg-empty-spec", rg, set("spec", map[string]any{}))
	c.add("rg-from-empty", rg, set("spec.from", []any{}))
	c.add("rg-to-empty", rg, set("spec.to", []any{}))
	c.add("rg-no-from", rg, del("spec.from"))
	c.add("rg-no-to", rg, del("spec.to"))
	c.strCases("rg-from-group", rg, "spec.from[0].group", "group")
	c.strCases("rg-from-kind", rg, "spec.from[0].kind", "kind")
	c.strCases("rg-from-namespace", rg, "spec.from[0].namespace", "namespace")
	c.add("rg-from-no-group", rg, del("spec.from[0].group"))
	c.add("rg-from-no-kind", rg, del("spec.from[0].kind"))
	c.add("rg-from-no-namespace", rg, del("spec.from[0].namespace"))
	c.add("rg-from-item-empty", rg, set("spec.from[0]", map[string]any{}))
	c.strCases("rg-to-group", rg, "spec.to[0].group", "group")
	c.strCases("rg-to-kind", rg, "spec.to[0].kind", "kind")
	c.strCases("rg-to-name", rg, "spec.to[1].name", "name")
	c.add("rg-to-no-group", rg, del("spec.to[0].group"))
	c.add("rg-to-no-kind", rg, del("spec.to[0].kind"))
	c.add("rg-to-item-empty", rg, set("spec.to[0]", map[string]any{}))
	from := func(n int) []any {
		return list(n, func(i int) any {
			return map[string]any{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": fmt.Sprintf("ns%d", i)}
		})
	}
	c.add("rg-from-16", rg, set("spec.from", from(16)))
	c.add("rg-from-17", rg, set("spec.from", from(17)))
	to := func(n int) []any {
		return list(n, func(i int) any { return map[string]any{"group": "", "kind": "Service", "name": fmt.Sprintf("s%d", i)} })
	}
	c.add("rg-to-16", rg, set("spec.to", to(16)))
	c.add("rg-to-17", rg, set("spec.to", to(17)))
	c.add("rg-from-dup", rg, set("spec.from", append(from(1), from(1)...)))
}

// edgeCases are values at the edges of the hand-written matchers that
// stand in for the schema's patterns, formats and CEL functions.
func edgeCases(c *corpusBuilder) {
	gw, full, rt, min := yamlObj(gwBase), yamlObj(gwFull), yamlObj(rtBase), yamlObj(rtMin)

	// every item is checked, not only those up to maxItems
	c.add("edge-hostnames-17-last-bad", rt, set("spec.hostnames", append(listN(16, func(i int) any {
		return fmt.Sprintf("h%d.example.com", i)
	}), "Bad")))
	c.add("edge-listeners-65-last-bad", gw, set("spec.listeners", append(list(64, listener),
		map[string]any{"name": "Bad", "port": 0, "protocol": "HTTP"})))
	// lengths count characters, not bytes
	for _, n := range []int{253, 254} {
		c.add(fmt.Sprintf("edge-unicode-name-%d", n), rt, set("spec.rules[0].backendRefs[0].name", rep("ü", n)))
	}
	c.add("edge-unicode-header-value", rt, set("spec.rules[0].matches[0].headers[0].value", rep("é", 4096)))
	c.add("edge-unicode-description", yamlObj(gcBase), set("spec.description", rep("ü", 64)))
	c.add("edge-unicode-description-long", yamlObj(gcBase), set("spec.description", rep("ü", 65)))

	// protocols: the second alternative of the pattern is not anchored
	// at the start
	for _, v := range []string{"x/2", "X/2", "a.b/c", "/x", "a/", "a//b", "a-/b", "-a/b", "a/b-c",
		"a/b/c/d", "A/b", "ab", "a", "1", "a.b", "HTTP/2", "h/2", "Ü/x", "ü/x"} {
		c.add("edge-protocol-"+v, gw, set("spec.listeners[0].protocol", v))
	}
	// address types, of four alternatives only the first anchored
	for _, v := range []string{"Hostname-x", "foo/IPAddress", "xNamedAddressx", "a/b c", "a/b",
		"A/b", "x.y/", "a/ü", "ü/a", "HOSTNAME", "IPAddres"} {
		c.add("edge-address-type-"+v, full, set("spec.addresses", []any{map[string]any{"type": v, "value": "x"}}))
	}
	// IP addresses as the formats ipv4 and ipv6 take them
	for _, v := range []string{"::", "1::", "::1", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
		"1::2::3", "::192.0.2.1", "1:2:3:4:5:6:192.0.2.1", "1:2:3:4:5:192.0.2.1", "01.2.3.4", "1.2.3.04",
		"[::1]", "1.2.3.4.5", " 1.2.3.4", "::ffff:01.2.3.4", "1:2:3:4:5:6:7::", "abcde::1", "0.0.0.0",
		"255.255.255.255", "256.1.1.1", "1.2.3", "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:",
		"::1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8", "000000001.2.3.4", "ABCD::ef", "g::1", "1.2.3.4:80",
		"::00001.2.3.4", "00001::1.2.3.4", "::000000001.2.3.4", "00001::1", "::ffff:1.2.3.04", "1:::2",
		"::ffff:256.1.1.1", "fffff::1.2.3.4", "0000fffff::1.2.3.4"} {
		c.add("edge-ip-"+v, full, set("spec.addresses", []any{map[string]any{"type": "IPAddress", "value": v}}))
	}
	// durations, as the pattern and as CEL's duration() read them
	for _, p := range []struct{ req, back string }{
		{"1h", "59m59s"}, {"1h", "3601s"}, {"0ms", "1s"}, {"00000s", "1h"}, {"1ms", "1ms"},
		{"1m1ms", "60001ms"}, {"1m1ms", "60002ms"}, {"99999h", "99999h1ms"}, {"10s", "1"},
	} {
		c.add("edge-duration-"+p.req+"-"+p.back, rt, set("spec.rules[0].timeouts",
			map[string]any{"request": p.req, "backendRequest": p.back}))
	}
	for _, v := range []string{"1hh", "1s1", "1m1m1m1m", "1m1m1m1m1m", "1ms1s", "1sms", "m", "12345ms", "123456ms"} {
		c.add("edge-duration-pattern-"+v, rt, set("spec.rules[0].timeouts", map[string]any{"request": v}))
	}
	// CORS origins
	for _, v := range []string{"http://a.com:0", "https://*.*.com", "https://a.com:", "https://.a.com",
		"https://a..com", "https://*.com", "http://*:8080", "https://a", "https://1.2.3.4:443", "https://a.com:12345",
		"https://[::1]", "https://a.com/*", "http://-", "https://a-.b-"} {
		c.add("edge-origin-"+v, rt, set("spec.rules[0].filters[4].cors.allowOrigins", []any{v}))
	}
	// label and annotation keys, as the CEL rule matches them
	for _, v := range []string{"a.b/c", "a/B", "a_b", "_a", "a_", rep("k", 63), "example.com/", "a/-b",
		"a/b.", "A.b/c", "a-b.c-d/e-f", "1/2", "a./b"} {
		c.add("edge-label-key-"+v, full, set("spec.infrastructure.labels", map[string]any{v: "v"}))
	}
	// parentRefs: namespace "" is no namespace to the CEL rules
	c.add("edge-parents-empty-ns", rt, set("spec.parentRefs", []any{
		map[string]any{"name": "gw", "namespace": ""}, map[string]any{"name": "gw"}}))
	c.add("edge-parents-empty-ns-sections", rt, set("spec.parentRefs", []any{
		map[string]any{"name": "gw", "namespace": "", "sectionName": "a"}, map[string]any{"name": "gw", "sectionName": "a"}}))
	c.add("edge-parents-empty-group", rt, set("spec.parentRefs", []any{
		map[string]any{"name": "gw", "group": ""}, map[string]any{"name": "gw"}}))
	// listeners: an empty hostname is not an absent one
	c.add("edge-listener-empty-hostname", gw, set("spec.listeners[4]", map[string]any{
		"name": "http2", "port": 80, "protocol": "HTTP", "hostname": ""}))
	c.add("edge-listener-empty-hostnames", gw, set("spec.listeners[4]", map[string]any{
		"name": "http2", "port": 80, "protocol": "HTTP", "hostname": ""}), set("spec.listeners[0].hostname", ""))
	// a route's rules without matches count one each
	c.add("edge-matches-total-defaults", min, set("spec.rules", append(listN(2, func(i int) any {
		return map[string]any{"matches": listN(64, func(j int) any {
			return map[string]any{"path": map[string]any{"value": fmt.Sprintf("/r%d/m%d", i, j)}}
		})}
	}), map[string]any{"backendRefs": []any{map[string]any{"name": "w", "port": 80}}})))
	// redirect status codes: an explicit 0 is not the default
	c.add("edge-redirect-status-null", rt, set("spec.rules[1].filters[0].requestRedirect.statusCode", nil))
	// the mirror's percent given as -1 is given
	c.add("edge-mirror-percent-neg-fraction", rt, set("spec.rules[0].filters[2].requestMirror.percent", -1),
		set("spec.rules[0].filters[2].requestMirror.fraction", map[string]any{"numerator": 1}))
	// the CEL rules on a rule: exists_one, not exists
	c.add("edge-two-prefix-rewrites", rt, set("spec.rules[0].filters[5]", map[string]any{"type": "URLRewrite",
		"urlRewrite": map[string]any{"path": map[string]any{"type": "ReplacePrefixMatch", "replacePrefixMatch": "/x"}}}),
		set("spec.rules[0].matches[0].path.type", "Exact"))
	c.add("edge-prefix-rewrite-no-value", rt, del("spec.rules[0].filters[3].urlRewrite.path.replacePrefixMatch"),
		set("spec.rules[0].matches[0].path.type", "Exact"))
	// several rules broken at once
	c.add("edge-everything", rt, set("spec.hostnames[0]", "A"), set("spec.parentRefs[1]", map[string]any{"name": "gw", "namespace": "infra", "sectionName": "http"}),
		set("spec.rules[0].matches[0].path.value", "/a//b#"), set("spec.rules[0].filters[4].cors.allowOrigins", []any{"*", "ftp://x"}),
		set("spec.rules[1].backendRefs", []any{map[string]any{"name": "web"}}), set("spec.rules[0].timeouts.backendRequest", "11s"))
	// the kinds of the core group spelt out
	c.add("edge-core-kinds", gw, set("spec.listeners[0].allowedRoutes.kinds", []any{
		map[string]any{"group": "", "kind": "HTTPRoute"}, map[string]any{"kind": "GRPCRoute"}}))
}

// typingCases: nulls, which the server prunes (or defaults), and values
// of the wrong JSON type.
func typingCases(c *corpusBuilder) {
	gw, full, rt := yamlObj(gwBase), yamlObj(gwFull), yamlObj(rtBase)

	c.add("type-null-hostname", gw, set("spec.listeners[1].hostname", nil))
	c.add("type-null-tls", gw, set("spec.listeners[0].tls", nil))
	c.add("type-null-allowed-routes", gw, set("spec.listeners[0].allowedRoutes", nil))
	c.add("type-null-addresses", full, set("spec.addresses", nil))
	c.add("type-null-matches", rt, set("spec.rules[1].matches", nil), set("spec.rules[1].filters[0].requestRedirect.path.type", "ReplaceFullPath"),
		del("spec.rules[1].filters[0].requestRedirect.path.replacePrefixMatch"), set("spec.rules[1].filters[0].requestRedirect.path.replaceFullPath", "/x"))
	c.add("type-null-path", rt, set("spec.rules[0].matches[0].path", nil))
	c.add("type-null-weight", rt, set("spec.rules[0].backendRefs[0].weight", nil))
	c.add("type-null-cors-body", rt, set("spec.rules[0].filters[4].cors", nil))
	c.add("type-null-rules", rt, set("spec.rules", nil))
	// A value of the wrong JSON type is an error of ingroute's decoder,
	// in its own words ("expected an integer, found a string"), and
	// stops the object before validation, as for an Ingress
	// (docs/validation.md): the server's kube-openapi words it "in body
	// must be of type integer" and goes on validating the rest. Both
	// refuse the object; only that is compared.
	const typeErr = "a type error: ingroute's decoder words it and stops there"
	c.add("type-port-string", gw, set("spec.listeners[0].port", "80")).acceptOnly = typeErr
	c.add("type-hostnames-string", rt, set("spec.hostnames", "a.example.com")).acceptOnly = typeErr
	c.add("type-listeners-map", gw, set("spec.listeners", map[string]any{"name": "x"})).acceptOnly = typeErr
	c.add("type-weight-float", rt, set("spec.rules[0].backendRefs[0].weight", 1.5)).acceptOnly = typeErr
	c.add("type-max-age-string", rt, set("spec.rules[0].filters[4].cors.maxAge", "5")).acceptOnly = typeErr
	c.add("type-credentials-string", rt, set("spec.rules[0].filters[4].cors.allowCredentials", "yes")).acceptOnly = typeErr
	c.add("type-label-number", full, set("spec.infrastructure.labels", map[string]any{"a": 1})).acceptOnly = typeErr
	c.add("type-name-number", rt, set("spec.rules[0].name", 5)).acceptOnly = typeErr
	c.add("type-unknown-fields", rt, set("spec.rules[0].color", "blue"), set("spec.parentRefs[0].colour", "red"))
}
