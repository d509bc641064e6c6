//go:build unix

package testcluster

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

func ingress(name, path string) *networkingv1.Ingress {
	prefix := networkingv1.PathTypePrefix
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: networkingv1.IngressSpec{
			Rules: []networkingv1.IngressRule{{
				Host: "shop.example.test",
				IngressRuleValue: networkingv1.IngressRuleValue{
					HTTP: &networkingv1.HTTPIngressRuleValue{
						Paths: []networkingv1.HTTPIngressPath{{
							Path:     path,
							PathType: &prefix,
							Backend: networkingv1.IngressBackend{
								Service: &networkingv1.IngressServiceBackend{
									Name: "cart",
									Port: networkingv1.ServiceBackendPort{Number: 8080},
								},
							},
						}},
					},
				},
			}},
		},
	}
}

const kubectlIngress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: from-kubectl
  namespace: default
spec:
  rules:
  - host: api.example.test
    http:
      paths:
      - path: /v1
        pathType: Exact
        backend:
          service:
            name: api
            port:
              number: 80
`

// TestCluster exercises everything the end-to-end tests rely on: the
// server validates Ingresses as a real cluster does, client-go and kubectl
// both reach it, objects outlive an API server restart, and Close leaves
// no process or file behind.
func TestCluster(t *testing.T) {
	c := New(t, Options{})
	ctx := t.Context()
	client, err := kubernetes.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	ingresses := client.NetworkingV1().Ingresses("default")

	if _, err := ingresses.Create(ctx, ingress("from-client-go", "/cart"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating a valid Ingress: %v", err)
	}

	_, err = ingresses.Create(ctx, ingress("relative-path", "foo"), metav1.CreateOptions{})
	var status apierrors.APIStatus
	switch {
	case err == nil:
		t.Fatal("an Ingress with the relative Prefix path \"foo\" was accepted")
	case !errors.As(err, &status):
		t.Fatalf("creating an invalid Ingress: not an API status error: %v", err)
	case status.Status().Code != http.StatusUnprocessableEntity:
		t.Fatalf("creating an invalid Ingress: HTTP %d, want 422: %v", status.Status().Code, err)
	case !strings.Contains(err.Error(), "must be an absolute path"):
		t.Fatalf("creating an invalid Ingress: %v; want a message saying the path must be absolute", err)
	}

	out, _, err := c.Kubectl(ctx, strings.NewReader(kubectlIngress), "apply", "-f", "-")
	if err != nil {
		t.Fatal(err)
	}
	if want := "ingress.networking.k8s.io/from-kubectl created"; !strings.Contains(string(out), want) {
		t.Fatalf("kubectl apply printed %q, want it to contain %q", out, want)
	}
	want := []string{"from-client-go", "from-kubectl"}
	checkKubectlList(ctx, t, c, want)

	// A watch open across a restart must end, as it does for a real
	// controller, instead of hanging on a dead connection.
	w, err := ingresses.Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := c.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	waitWatchEnd(t, w.ResultChan())
	if _, err := ingresses.List(ctx, metav1.ListOptions{}); err == nil {
		t.Fatal("listing with the API server stopped succeeded")
	}
	if err := c.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	checkClientList(ctx, t, client, want)
	checkKubectlList(ctx, t, c, want)

	if err := c.KillAPIServer(); err != nil {
		t.Fatal(err)
	}
	if err := c.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	checkClientList(ctx, t, client, want)

	pids := []int{c.etcd.cmd.Process.Pid, c.apiserver.cmd.Process.Pid}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		// Close reaped them, so the pid is free unless something reused it.
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("process %d still exists after Close (kill 0: %v)", pid, err)
		}
	}
	if _, err := os.Stat(c.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cluster directory %s still there after Close (%v)", c.dir, err)
	}
	if _, _, err := c.Kubectl(ctx, nil, "version"); !errors.Is(err, errClosed) {
		t.Errorf("Kubectl after Close: %v, want %v", err, errClosed)
	}
}

func checkClientList(ctx context.Context, t *testing.T, client kubernetes.Interface, want []string) {
	t.Helper()
	list, err := client.NetworkingV1().Ingresses(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkNames(t, "client-go", list, want)
}

func checkKubectlList(ctx context.Context, t *testing.T, c *Cluster, want []string) {
	t.Helper()
	out, _, err := c.Kubectl(ctx, nil, "get", "ingress", "-A", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var list networkingv1.IngressList
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("kubectl get ingress -o json: %v\n%s", err, out)
	}
	checkNames(t, "kubectl", &list, want)
}

func checkNames(t *testing.T, by string, list *networkingv1.IngressList, want []string) {
	t.Helper()
	var names []string
	for _, ing := range list.Items {
		names = append(names, ing.Namespace+"/"+ing.Name)
	}
	slices.Sort(names)
	var wantNames []string
	for _, name := range want {
		wantNames = append(wantNames, "default/"+name)
	}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("%s lists Ingresses %q, want %q", by, names, wantNames)
	}
}

func waitWatchEnd[E any](t *testing.T, events <-chan E) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case _, ok := <-events:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("a watch stayed open after the API server stopped")
		}
	}
}

// TestStartFailure checks that a server that cannot start is reported
// with its own words and that nothing of the attempt is left behind.
func TestStartFailure(t *testing.T) {
	Require(t)
	tmp := t.TempDir()
	_, err := Start(t.Context(), Options{
		TempDir:       tmp,
		APIServerArgs: []string{"--no-such-flag"},
	})
	if err == nil {
		t.Fatal("Start succeeded with an unknown kube-apiserver flag")
	}
	if msg := err.Error(); !strings.Contains(msg, "kube-apiserver: exited before it was ready") ||
		!strings.Contains(msg, "unknown flag: --no-such-flag") {
		t.Fatalf("Start: %v; want the exit and the log line that explains it", err)
	}
	if entries, err := os.ReadDir(tmp); err != nil || len(entries) != 0 {
		t.Errorf("after a failed Start, %s holds %d entries (%v); want none", tmp, len(entries), err)
	}
}

// TestRemoveStale checks that the directory of a test binary that died
// is swept, and that the directories of live or unknown owners are not.
func TestRemoveStale(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("directories are swept only on Linux")
	}
	parent := t.TempDir()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{
		"ingroute-kube-dead":    strconv.Itoa(gone.Process.Pid),
		"ingroute-kube-live":    strconv.Itoa(os.Getpid()),
		"ingroute-kube-unowned": "",
		"something-else":        strconv.Itoa(gone.Process.Pid),
	}
	for name, pid := range owners {
		if err := os.Mkdir(filepath.Join(parent, name), 0o700); err != nil {
			t.Fatal(err)
		}
		if pid != "" {
			if err := os.WriteFile(filepath.Join(parent, name, ownerFile), []byte(pid+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	removeStale(parent)
	for name := range owners {
		_, err := os.Stat(filepath.Join(parent, name))
		if exists, want := err == nil, name != "ingroute-kube-dead"; exists != want {
			t.Errorf("%s: exists = %v after the sweep, want %v", name, exists, want)
		}
	}
}

// TestAvailable needs no binaries: it checks that a missing one is named.
func TestAvailable(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvKubeBin, dir)
	reason, ok := Available()
	if ok || !strings.Contains(reason, filepath.Join(dir, "kube-apiserver")) {
		t.Errorf("Available() with an empty %s = %q, %v; want the missing kube-apiserver named", EnvKubeBin, reason, ok)
	}

	t.Setenv(EnvKubeBin, "")
	if reason, ok := Available(); ok || !strings.Contains(reason, EnvKubeBin) {
		t.Errorf("Available() with %s unset = %q, %v; want the variable named", EnvKubeBin, reason, ok)
	}

	for _, name := range []string{"kube-apiserver", "kubectl"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(EnvKubeBin, dir)
	t.Setenv(EnvEtcd, filepath.Join(dir, "no-etcd"))
	if reason, ok := Available(); ok || !strings.Contains(reason, EnvEtcd) {
		t.Errorf("Available() with a missing %s = %q, %v; want the variable named", EnvEtcd, reason, ok)
	}
}
