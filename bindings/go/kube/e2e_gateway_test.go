//go:build unix

package kube

// The Gateway API end to end: CustomResourceDefinitions for its kinds are
// installed on the real API server (minimal ones, which accept any spec:
// ingroute's own validation is what is tested), then the Watcher follows
// GatewayClasses, Gateways, HTTPRoutes and the Services they name, and
// its Routers route through the Gateway as the cluster changes.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ingroute.dev/ingroute"
	"ingroute.dev/ingroute/kube/internal/testcluster"
)

// gatewayCRDs are the Gateway API's kinds as CustomResourceDefinitions
// that store whatever they are given.
func gatewayCRDs() string {
	var b strings.Builder
	for _, k := range []struct{ kind, plural, scope string }{
		{"GatewayClass", "gatewayclasses", "Cluster"},
		{"Gateway", "gateways", "Namespaced"},
		{"HTTPRoute", "httproutes", "Namespaced"},
		{"ReferenceGrant", "referencegrants", "Namespaced"},
	} {
		fmt.Fprintf(&b, `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: %s.gateway.networking.k8s.io
  # a *.k8s.io group must say whether its API was approved
  annotations: {api-approved.kubernetes.io: "unapproved, ingroute's tests"}
spec:
  group: gateway.networking.k8s.io
  scope: %s
  names: {kind: %s, plural: %s, singular: %s, listKind: %sList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`, k.plural, k.scope, k.kind, k.plural, strings.ToLower(k.kind), k.kind)
	}
	return b.String()
}

func httpRoute(path, svc string) string {
	return fmt.Sprintf(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: gw}
spec:
  parentRefs: [{name: public}]
  hostnames: [shop.gw.test]
  rules:
  - matches: [{path: {type: PathPrefix, value: %s}}]
    backendRefs: [{name: %s, port: 80}]
`, path, svc)
}

// routeVia routes a request through Gateway gw/public: "NS/SVC:PORT", or
// "status N".
func routeVia(t *testing.T, w *Watcher, host, path string) string {
	t.Helper()
	s := w.Acquire()
	if s == nil {
		return "no router"
	}
	defer s.Release()
	r, err := s.Router.Route(ingroute.Request{Method: "GET", Host: host, Path: path,
		Gateway: "gw/public"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != 0 {
		return fmt.Sprintf("status %d", r.Status)
	}
	return r.Backend.String()
}

func waitVia(t *testing.T, w *Watcher, host, path, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := routeVia(t, w, host, path)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s%s through gw/public: %q, want %q", host, path, got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestE2EGatewayAPI(t *testing.T) {
	c := testcluster.New(t, testcluster.Options{})
	// One watcher starts before the CRDs exist and finds them by asking
	// again; the other finds them when it starts.
	late := startWatcher(t, c, Options{GatewayAPIPoll: 200 * time.Millisecond})
	if out, err := kubectl(t, c, gatewayCRDs(), "apply", "-f", "-"); err != nil {
		t.Fatalf("the CRDs: %v\n%s", err, out)
	}
	if out, err := kubectl(t, c, "", "wait", "--for=condition=Established", "--timeout=60s",
		"crd/gatewayclasses.gateway.networking.k8s.io", "crd/gateways.gateway.networking.k8s.io",
		"crd/httproutes.gateway.networking.k8s.io", "crd/referencegrants.gateway.networking.k8s.io"); err != nil {
		t.Fatalf("the CRDs are not established: %v\n%s", err, out)
	}
	if out, err := kubectl(t, c, "", "create", "namespace", "gw"); err != nil {
		t.Fatal(out)
	}
	var diags []ingroute.Diagnostic
	diagCh := make(chan []ingroute.Diagnostic, 64)
	w := startWatcher(t, c, Options{OnDiagnostics: func(d []ingroute.Diagnostic) { diagCh <- d }})

	base := `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: ingroute}
spec: {controllerName: example.test/ingroute}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: gw}
spec:
  gatewayClassName: ingroute
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: gw}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: api2, namespace: gw}
spec: {ports: [{port: 80}]}
---
` + httpRoute("/api", "api")
	if out, err := kubectl(t, c, base, "apply", "-f", "-"); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
	waitVia(t, w, "shop.gw.test", "/api/x", "gw/api:80")
	waitVia(t, late, "shop.gw.test", "/api/x", "gw/api:80")
	if got := routeVia(t, w, "shop.gw.test", "/apix"); got != "status 404" {
		t.Fatalf("/apix: %s", got)
	}

	// An edit moves the route.
	if out, err := kubectl(t, c, httpRoute("/v2", "api2"), "apply", "-f", "-"); err != nil {
		t.Fatal(out)
	}
	waitVia(t, w, "shop.gw.test", "/v2/x", "gw/api2:80")
	waitVia(t, w, "shop.gw.test", "/api/x", "status 404")
	waitVia(t, late, "shop.gw.test", "/v2/x", "gw/api2:80")

	// A version ingroute refuses (the API server here stores anything):
	// the served route stays, and the refusal is reported.
	gen := w.Generation()
	if out, err := kubectl(t, c, httpRoute("v3", "api"), "apply", "-f", "-"); err != nil {
		t.Fatal(out)
	}
	deadline := time.After(10 * time.Second)
	for !containsMessage(diags, "value must be an absolute path") {
		select {
		case d := <-diagCh:
			diags = append(diags, d...)
		case <-deadline:
			t.Fatalf("no diagnostic for the refused version: %v", diags)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if w.Generation() != gen || routeVia(t, w, "shop.gw.test", "/v2/x") != "gw/api2:80" {
		t.Fatalf("a refused version changed the routing: generation %d (was %d)", w.Generation(), gen)
	}

	// The Service goes: the rule's backend no longer resolves (500).
	if out, err := kubectl(t, c, httpRoute("/v2", "api2"), "apply", "-f", "-"); err != nil {
		t.Fatal(out)
	}
	if out, err := kubectl(t, c, "", "delete", "service", "-n", "gw", "api2"); err != nil {
		t.Fatal(out)
	}
	waitVia(t, w, "shop.gw.test", "/v2/x", "status 500")

	// The route goes: nothing matches.
	if out, err := kubectl(t, c, "", "delete", "httproute", "-n", "gw", "shop"); err != nil {
		t.Fatal(out)
	}
	waitVia(t, w, "shop.gw.test", "/v2/x", "status 404")
}

func containsMessage(diags []ingroute.Diagnostic, s string) bool {
	for _, d := range diags {
		if strings.Contains(d.Message, s) {
			return true
		}
	}
	return false
}
