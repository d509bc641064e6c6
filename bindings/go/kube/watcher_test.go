package kube

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"ingroute.dev/ingroute"
)

// These tests drive the Watcher with client-go's fake clientset: fast,
// and able to store what a real API server refuses (an invalid edit), to
// show the Watcher keeps the last good version whatever it is fed. The
// same behaviour against a real kube-apiserver is in e2e_test.go.

func ingress(ns, name, host, path, svc string) *networkingv1.Ingress {
	pt := networkingv1.PathTypePrefix
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{
			Host: host,
			IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
				Paths: []networkingv1.HTTPIngressPath{{
					Path: path, PathType: &pt,
					Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
						Name: svc, Port: networkingv1.ServiceBackendPort{Number: 80},
					}},
				}},
			}},
		}}},
	}
}

// routeOf answers where host+path goes now: "ns/svc:80" or "none".
func routeOf(t testing.TB, w *Watcher, host, path string) string {
	t.Helper()
	s := w.Acquire()
	if s == nil {
		return "no router"
	}
	defer s.Release()
	m, err := s.Router.Match(host, path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Decision == ingroute.DecisionNone {
		return "none"
	}
	return m.Backend.String()
}

// eventually polls cond for up to 5 s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWatcherFollowsChanges(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreTopFunction("k8s.io/klog/v2.(*flushDaemon).run.func1"))
	client := fake.NewClientset(ingress("shop", "web", "shop.io", "/", "web"))
	var mu sync.Mutex
	var swaps []Swap
	var refused [][]ingroute.Diagnostic
	w, err := newWatcher(Options{
		Interval: 10 * time.Millisecond,
		OnSwap: func(s Swap) {
			mu.Lock()
			swaps = append(swaps, s)
			mu.Unlock()
		},
		OnDiagnostics: func(d []ingroute.Diagnostic) {
			mu.Lock()
			refused = append(refused, d)
			mu.Unlock()
		},
		KeepManifests: true,
	}, client)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Acquire() != nil || w.Ready() {
		t.Fatal("a router before Run")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	if err := w.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if got := routeOf(t, w, "shop.io", "/x"); got != "shop/web:80" {
		t.Fatalf("initial route: %s", got)
	}
	ings := client.NetworkingV1().Ingresses("shop")

	// An edit is routed the new way.
	edited := ingress("shop", "web", "shop.io", "/v2", "web2")
	edited.ResourceVersion = "2"
	if _, err := ings.Update(ctx, edited, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the edit", func() bool { return routeOf(t, w, "shop.io", "/v2") == "shop/web2:80" })
	gen := w.Generation()

	// An invalid edit (the fake stores it; a real API server refuses it)
	// changes nothing served, and is reported.
	bad := ingress("shop", "web", "shop.io", "no-slash", "web3")
	bad.ResourceVersion = "3"
	if _, err := ings.Update(ctx, bad, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the refusal", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, ds := range refused {
			for _, d := range ds {
				if d.Code == ingroute.DiagKept && strings.HasPrefix(d.File, "apiserver:ingresses/shop/web") {
					return true
				}
			}
		}
		return false
	})
	if got := routeOf(t, w, "shop.io", "/v2"); got != "shop/web2:80" || w.Generation() != gen {
		t.Fatalf("after an invalid edit: %s, generation %d (was %d)", got, w.Generation(), gen)
	}
	// The file consumers get the last good version too.
	var out strings.Builder
	if err := w.WriteManifests(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"path":"/v2"`) || strings.Contains(out.String(), "no-slash") {
		t.Fatalf("manifests hold the wrong version:\n%s", out.String())
	}

	// A second Ingress and a delete.
	if _, err := client.NetworkingV1().Ingresses("ops").Create(ctx, ingress("ops", "tools", "ops.io", "/", "tools"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the create", func() bool { return routeOf(t, w, "ops.io", "/") == "ops/tools:80" })
	if err := ings.Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the delete", func() bool { return routeOf(t, w, "shop.io", "/v2") == "none" })

	// A held Snapshot outlives swaps and Close.
	held := w.Acquire()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
	w.Close()
	if m, err := held.Router.Match("ops.io", "/"); err != nil || m.Backend.String() != "ops/tools:80" {
		t.Fatalf("held router after Close: %v %v", m, err)
	}
	held.Release()
	if _, err := held.Router.Match("ops.io", "/"); !errors.Is(err, ingroute.ErrClosed) {
		t.Fatalf("router still open after the last release: %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(swaps); i++ {
		if swaps[i].Generation <= swaps[i-1].Generation {
			t.Fatalf("swap generations not increasing: %+v", swaps)
		}
	}
	if len(swaps) < 4 || swaps[0].Stats.IngressesServed != 1 {
		t.Fatalf("swaps: %+v", swaps)
	}
}

// A burst of changes makes few compiles: at most one per interval.
func TestWatcherCoalesces(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreTopFunction("k8s.io/klog/v2.(*flushDaemon).run.func1"))
	client := fake.NewClientset()
	var mu sync.Mutex
	compiles := 0
	w, err := newWatcher(Options{
		Interval: 200 * time.Millisecond,
		OnSwap: func(Swap) {
			mu.Lock()
			compiles++
			mu.Unlock()
		},
	}, client)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	if err := w.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < 200; i++ {
		name := "i" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
		if _, err := client.NetworkingV1().Ingresses("ns").Create(ctx, ingress("ns", name, name+".io", "/", "s"), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "all 200", func() bool {
		s := w.Acquire()
		if s == nil {
			return false
		}
		defer s.Release()
		st, _ := s.Router.Stats()
		return st.IngressesServed == 200
	})
	elapsed := time.Since(start)
	mu.Lock()
	n := compiles
	mu.Unlock()
	// The empty first router, then one per started interval at most.
	if limit := 2 + int(elapsed/(200*time.Millisecond)); n > limit {
		t.Fatalf("%d compiles in %v; at most %d expected", n, elapsed, limit)
	}
	cancel()
	<-done
}

func TestNewChecksOptions(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("no Config accepted")
	}
}
