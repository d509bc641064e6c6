//go:build unix

package kube

// The Gateway API's validation, proven against the real thing: the
// standard-channel CustomResourceDefinitions of one Gateway API release
// are installed on a real kube-apiserver, whose apiextensions server
// applies their OpenAPI schema and CEL rules, and every manifest of a
// generated corpus (e2e_gateway_corpus_test.go) goes both to the server,
// as a dry-run create, and to an ingroute Ruleset. Both must accept or
// refuse it alike and, when they refuse, give the same errors: the same
// set of (field path, message) pairs. Warnings are not compared.
//
// The CRDs are read at test time from the Go module of that release,
// which `go mod download` fetches (or finds in the module cache); they
// are not copied into this repository.
//
// INGROUTE_GW_CORPUS_DIR=DIR writes the corpus there, one file per
// manifest; INGROUTE_GW_VERBOSE=1 (with -v) logs every case that agrees
// too. docs/validation.md has how to run it.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"ingroute.dev/ingroute"
	"ingroute.dev/ingroute/kube/internal/testcluster"
)

// gatewayAPIVersion is the release whose CRDs ingroute's validation
// follows (docs/validation.md, docs/semantics.md §9.2).
const gatewayAPIVersion = "v1.6.1"

// gatewayCRDFiles are the kinds ingroute reads, in the release's
// config/crd/standard.
var gatewayCRDFiles = []string{
	"gateway.networking.k8s.io_gatewayclasses.yaml",
	"gateway.networking.k8s.io_gateways.yaml",
	"gateway.networking.k8s.io_httproutes.yaml",
	"gateway.networking.k8s.io_referencegrants.yaml",
}

// gatewayAPIModuleDir downloads sigs.k8s.io/gateway-api at
// gatewayAPIVersion into the module cache and returns its directory. It
// runs in an empty directory, so that no go.mod or go.sum of the
// repository is touched.
func gatewayAPIModuleDir(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err == nil {
		cmd := exec.CommandContext(t.Context(), goBin, "mod", "download", "-json",
			"sigs.k8s.io/gateway-api@"+gatewayAPIVersion)
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GO111MODULE=on")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err = cmd.Run(); err == nil {
			var info struct{ Dir, Error string }
			if err = json.Unmarshal(out.Bytes(), &info); err == nil && info.Error != "" {
				err = errors.New(info.Error)
			}
			if err == nil && info.Dir != "" {
				return info.Dir
			}
		}
		if err != nil {
			err = fmt.Errorf("%w: %s%s", err, out.String(), errOut.String())
		}
	}
	msg := fmt.Sprintf("sigs.k8s.io/gateway-api@%s: go mod download: %v", gatewayAPIVersion, err)
	if os.Getenv(testcluster.EnvRequired) == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// installGatewayCRDs creates the release's CRDs and waits until the
// server serves them. `kubectl create`, not apply: the HTTPRoute CRD is
// larger than the last-applied annotation may be.
func installGatewayCRDs(t *testing.T, c *testcluster.Cluster, moduleDir string) {
	t.Helper()
	var all strings.Builder
	var names []string
	for _, f := range gatewayCRDFiles {
		b, err := os.ReadFile(filepath.Join(moduleDir, "config", "crd", "standard", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte("gateway.networking.k8s.io/bundle-version: "+gatewayAPIVersion)) {
			t.Fatalf("%s is not of release %s", f, gatewayAPIVersion)
		}
		all.WriteString("---\n")
		all.Write(b)
		names = append(names, "crd/"+strings.TrimSuffix(strings.TrimPrefix(f,
			"gateway.networking.k8s.io_"), ".yaml")+".gateway.networking.k8s.io")
	}
	if out, err := kubectl(t, c, all.String(), "create", "-f", "-"); err != nil {
		t.Fatalf("the CRDs: %v\n%s", err, out)
	}
	args := append([]string{"wait", "--for=condition=Established", "--timeout=60s"}, names...)
	if out, err := kubectl(t, c, "", args...); err != nil {
		t.Fatalf("the CRDs are not established: %v\n%s", err, out)
	}
}

var gatewayResources = map[string]string{
	"GatewayClass":   "gatewayclasses",
	"Gateway":        "gateways",
	"HTTPRoute":      "httproutes",
	"ReferenceGrant": "referencegrants",
}

// fieldError is one error as (field path, message).
type fieldError struct{ Field, Message string }

func (e fieldError) String() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func sortErrors(errs []fieldError) []fieldError {
	sort.Slice(errs, func(i, j int) bool {
		if errs[i].Field != errs[j].Field {
			return errs[i].Field < errs[j].Field
		}
		return errs[i].Message < errs[j].Message
	})
	return errs
}

// verdict is one side's answer for one manifest.
type verdict struct {
	accepted bool
	errors   []fieldError
	other    string // a refusal that is not a field validation error
}

func (v verdict) String() string {
	if v.accepted {
		return "accepted"
	}
	if v.other != "" {
		return "refused: " + v.other
	}
	var b strings.Builder
	b.WriteString("refused:")
	for _, e := range v.errors {
		b.WriteString("\n        ")
		b.WriteString(e.String())
	}
	return b.String()
}

// serverVerdict dry-runs the creation of obj.
func serverVerdict(ctx context.Context, dc dynamic.Interface, obj map[string]any) (verdict, error) {
	u := &unstructured.Unstructured{Object: obj}
	gv, err := schema.ParseGroupVersion(u.GetAPIVersion())
	if err != nil {
		return verdict{}, err
	}
	gvr := gv.WithResource(gatewayResources[u.GetKind()])
	var ri dynamic.ResourceInterface = dc.Resource(gvr)
	if ns := u.GetNamespace(); ns != "" {
		ri = dc.Resource(gvr).Namespace(ns)
	}
	_, err = ri.Create(ctx, u, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err == nil {
		return verdict{accepted: true}, nil
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return verdict{}, err
	}
	st := status.Status()
	if st.Reason != metav1.StatusReasonInvalid || st.Details == nil {
		return verdict{other: st.Message}, nil
	}
	var v verdict
	for _, c := range st.Details.Causes {
		f := c.Field
		// The one error with no field (field.Invalid(nil, ...), the
		// line about CEL rules not run) reads "<nil>" as a path.
		if f == "<nil>" {
			f = ""
		}
		v.errors = append(v.errors, fieldError{f, c.Message})
	}
	sortErrors(v.errors)
	return v, nil
}

// ingrouteVerdict loads the manifest alone into a Ruleset.
func ingrouteVerdict(name string, data []byte) (verdict, error) {
	rs, err := ingroute.NewRuleset(ingroute.Options{})
	if err != nil {
		return verdict{}, err
	}
	defer rs.Close()
	diags, err := rs.LoadBuffer(name+".json", data)
	if err != nil && !errors.Is(err, ingroute.ErrInvalid) {
		return verdict{}, err
	}
	v := verdict{accepted: true}
	for _, d := range diags {
		if d.Severity != ingroute.SeverityError {
			continue
		}
		v.accepted = false
		v.errors = append(v.errors, fieldError{d.Field, d.Message})
	}
	sortErrors(v.errors)
	return v, nil
}

func sameErrors(a, b []fieldError) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// keepGatewayCorpus writes each manifest to dir as NNNN-NAME.json, to
// replay one with `ingroute check -f FILE`.
func keepGatewayCorpus(t *testing.T, dir string, corpus []gwCase) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	unsafe := regexp.MustCompile(`[^A-Za-z0-9._-]`)
	for i, k := range corpus {
		data, err := json.Marshal(k.obj)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%04d-%s.json", i, unsafe.ReplaceAllString(k.name, "_"))
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestE2EGatewayValidation(t *testing.T) {
	moduleDir := gatewayAPIModuleDir(t)
	corpus := gatewayValidationCorpus()
	if dir := os.Getenv("INGROUTE_GW_CORPUS_DIR"); dir != "" {
		keepGatewayCorpus(t, dir, corpus)
	}
	c := testcluster.New(t, testcluster.Options{})
	installGatewayCRDs(t, c, moduleDir)
	namespaces := map[string]bool{}
	for _, k := range corpus {
		if ns, _ := k.obj["metadata"].(map[string]any)["namespace"].(string); ns != "" {
			namespaces[ns] = true
		}
	}
	for ns := range namespaces {
		if out, err := kubectl(t, c, "", "create", "namespace", ns); err != nil {
			t.Fatalf("namespace %s: %v\n%s", ns, err, out)
		}
	}
	dc, err := dynamic.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}

	type result struct {
		server, ingroute verdict
		err              error
	}
	results := make([]result, len(corpus))
	// A CRD just established may answer 404 for a moment, until its
	// handler is in place: the first case is retried until it is not.
	ctx := t.Context()
	deadline := time.Now().Add(30 * time.Second)
	for {
		v, err := serverVerdict(ctx, dc, corpus[0].obj)
		if err == nil && strings.Contains(v.other, "could not find the requested resource") &&
			time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		results[0].server, results[0].err = v, err
		break
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i].server, results[i].err = serverVerdict(ctx, dc, corpus[i].obj)
			}
		}()
	}
	for i := 1; i < len(corpus); i++ {
		next <- i
	}
	close(next)
	wg.Wait()

	agree, acceptOnly := 0, 0
	for i, k := range corpus {
		r := &results[i]
		if r.err != nil {
			t.Fatalf("%s: the server: %v", k.name, r.err)
		}
		data, err := json.Marshal(k.obj)
		if err != nil {
			t.Fatal(err)
		}
		if r.ingroute, err = ingrouteVerdict(k.name, data); err != nil {
			t.Fatalf("%s: ingroute: %v", k.name, err)
		}
		ok := r.server.accepted == r.ingroute.accepted && r.server.other == ""
		if ok && k.acceptOnly == "" {
			ok = sameErrors(r.server.errors, r.ingroute.errors)
		}
		if k.acceptOnly != "" {
			acceptOnly++
		}
		if ok {
			agree++
			if testing.Verbose() && os.Getenv("INGROUTE_GW_VERBOSE") != "" {
				t.Logf("ok %s: %s", k.name, r.server)
			}
			continue
		}
		t.Errorf("%s differs\n    manifest: %s\n    server:   %s\n    ingroute: %s",
			k.name, data, r.server, r.ingroute)
	}
	t.Logf("gateway validation: %d of %d agree (%d compared on accept/reject alone); "+
		"CRDs of sigs.k8s.io/gateway-api %s", agree, len(corpus), acceptOnly, gatewayAPIVersion)
	fmt.Printf("gateway validation: %d of %d agree\n", agree, len(corpus))
	report(t, "gateway_validation_agree", fmt.Sprintf("%d/%d", agree, len(corpus)))
}
