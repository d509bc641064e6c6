package ingroute_test

import (
	"errors"
	"fmt"
	"sync/atomic"

	"ingroute.dev/ingroute"
)

const v1 = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web-v1, port: {number: 80}}}}
`

const v2 = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web-v2, port: {number: 80}}}}
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {name: http}}}}
`

func Example() {
	rt, err := ingroute.LoadText(ingroute.Options{SourceName: "shop.yaml"}, []byte(v2))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close()
	for _, target := range [][2]string{
		{"Shop.Example.com:443", "/cart/../cart/42?x=1"},
		{"shop.example.com", "/"},
		{"other.example.com", "/"},
	} {
		m, _ := rt.Match(target[0], target[1])
		fmt.Printf("%s -> %s (%s)\n", target[1], m.Backend, m)
	}
	// Output:
	// /cart/../cart/42?x=1 -> shop/cart:http (path shop/cart:http via shop/web shop.example.com Prefix /cart)
	// / -> shop/web-v2:80 (path shop/web-v2:80 via shop/web shop.example.com Prefix /)
	// / -> none (none)
}

// A proxy keeps the current Router in an atomic.Pointer: request handlers
// Load it and Match without locks; a reload compiles a new Router, swaps it
// in, and closes the old one. Close waits for lookups still running on the
// old router; a handler that loaded the old pointer just before the swap
// and calls Match after Close gets ErrClosed and simply loads the pointer
// again. (examples/go-proxy also keeps the old router open until the
// requests routed by it have finished.)
func Example_hotSwap() {
	var current atomic.Pointer[ingroute.Router]

	route := func(host, path string) string {
		for {
			m, err := current.Load().Match(host, path)
			if err == ingroute.ErrClosed {
				continue // swapped under us: use the new router
			}
			if err != nil {
				return err.Error()
			}
			return m.Backend.String()
		}
	}
	reload := func(manifest string) error {
		next, err := ingroute.LoadText(ingroute.Options{}, []byte(manifest))
		if err != nil {
			return err // keep serving the old configuration
		}
		if old := current.Swap(next); old != nil {
			old.Close()
		}
		return nil
	}

	if err := reload(v1); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(route("shop.example.com", "/cart/1"))
	if err := reload("kind: ["); err != nil {
		fmt.Println("reload failed:", err)
	}
	fmt.Println(route("shop.example.com", "/cart/1"))
	if err := reload(v2); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(route("shop.example.com", "/cart/1"))
	current.Load().Close()
	// Output:
	// shop/web-v1:80
	// reload failed: ingroute: load <text>: malformed YAML or JSON: <input>:2:1: error: did not find expected node content (while parsing a flow node at line 2, column 1)
	// shop/web-v1:80
	// shop/cart:http
}

// Options the library refuses are an *Error naming each field, with the
// library's reason and its DiagOption diagnostics.
func ExampleNewRuleset_refusedOption() {
	_, err := ingroute.NewRuleset(ingroute.Options{DefaultBackend: "shop/web"})
	fmt.Println(errors.Is(err, ingroute.ErrInvalidArgument))
	fmt.Println(err)
	var e *ingroute.Error
	if errors.As(err, &e) {
		d := e.Diagnostics[0]
		fmt.Println(d.Code == ingroute.DiagOption, d.Field)
	}
	// Output:
	// true
	// ingroute: Options.DefaultBackend: Invalid value: "shop/web": must be NAMESPACE/SERVICE:PORT (no ':PORT')
	// true default_backend
}
