// Command apiserver-diff is the differential test of ingroute's
// validation against the Kubernetes API server's own code, at the
// release pinned in ../../go.mod: it runs every manifest of a corpus it
// generates through the server's create path, in process, and through
// `ingroute check --json`, and compares what each accepts, the field
// paths of the errors and their messages (docs/validation.md).
//
//	apiserver-diff -ingroute build/tools/ingroute [-keep DIR] [-v]
//
// The server side is what `kubectl create -f FILE` and the API server
// do with the file: kubectl splits the stream (YAML documents or JSON
// objects) and converts each to JSON, maps its kind and version to a
// served resource, and sends it; the server decodes it (unknown fields
// are warnings: field validation "Warn"), applies defaults, converts it
// to the internal type, fills the system fields, generates a name from
// generateName, and runs rest.BeforeCreate with the resource's strategy
// (PrepareForCreate, Validate, the declarative validation, the common
// metadata checks, WarningsOnCreate).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/apis/networking"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	"k8s.io/kubernetes/pkg/registry/networking/ingress"
	"k8s.io/kubernetes/pkg/registry/networking/ingressclass"
)

// outcome is what one side made of one file.
type outcome struct {
	rejected bool
	// errors as "FIELD: MESSAGE" ("MESSAGE" when there is no field),
	// sorted; fields the same errors' field paths.
	errors []string
	fields []string
	// warnings about the objects (unknown fields, deprecated usage),
	// sorted.
	warnings []string
	// exact is false when the server stopped before validation (a
	// decoding error): then only accepting or rejecting is compared, as
	// ingroute reports every mistyped field in its own words.
	exact bool
}

// served is what the API server of the pinned release serves of the
// kinds ingroute reads: networking.k8s.io/v1 only (extensions/v1beta1
// and networking.k8s.io/v1beta1 Ingress stopped being served in 1.22).
var served = map[string]bool{
	"networking.k8s.io/v1/Ingress":      true,
	"networking.k8s.io/v1/IngressClass": true,
}

// inScope: the objects ingroute reads at all; any other kind (a Service
// of a Helm chart) passes by both sides untouched.
func inScope(kind string) bool {
	k := strings.ToLower(kind)
	return k == "ingress" || k == "ingressclass"
}

type recorder struct{ w []string }

func (r *recorder) AddWarning(_, text string) { r.w = append(r.w, text) }

// server runs the create path of the pinned release on one file.
func server(text string) outcome {
	out := outcome{exact: true}
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(text), 4096)
	for {
		var ext runtime.RawExtension
		if err := dec.Decode(&ext); err != nil {
			if err != io.EOF {
				out.rejected, out.exact = true, false
			}
			break
		}
		doc := bytes.TrimSpace(ext.Raw)
		if len(doc) == 0 || bytes.Equal(doc, []byte("null")) {
			continue
		}
		object(doc, &out)
	}
	sort.Strings(out.errors)
	sort.Strings(out.fields)
	sort.Strings(out.warnings)
	return out
}

func object(doc []byte, out *outcome) {
	var tm metav1.TypeMeta
	if err := json.Unmarshal(doc, &tm); err != nil {
		out.rejected, out.exact = true, false
		return
	}
	if !inScope(tm.Kind) && tm.Kind != "" {
		return
	}
	if tm.Kind == "" || tm.APIVersion == "" {
		// kubectl: "Object 'Kind' is missing in ..."; its wording is
		// about the JSON it made, so only rejecting is compared.
		out.rejected, out.exact = true, false
		return
	}
	if !served[tm.APIVersion+"/"+tm.Kind] {
		out.rejected = true
		out.errors = append(out.errors, fmt.Sprintf(
			"no matches for kind %q in version %q", tm.Kind, tm.APIVersion))
		return
	}

	scheme := legacyscheme.Scheme
	ser := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
		kjson.SerializerOptions{Strict: true})
	obj, _, err := ser.Decode(doc, nil, nil)
	if err != nil {
		if !runtime.IsStrictDecodingError(err) {
			out.rejected, out.exact = true, false
			return
		}
		sde, _ := runtime.AsStrictDecodingError(err)
		for _, e := range sde.Errors() {
			out.warnings = append(out.warnings, e.Error())
		}
	}
	scheme.Default(obj)
	internal, err := scheme.ConvertToVersion(obj, networking.SchemeGroupVersion)
	if err != nil {
		panic(fmt.Sprintf("converting %s: %v", tm.Kind, err))
	}

	om, err := meta.Accessor(internal)
	if err != nil {
		panic(err)
	}
	var strategy rest.RESTCreateStrategy
	resource, ns := "ingresses", om.GetNamespace()
	if tm.Kind == "Ingress" {
		strategy = ingress.Strategy
		if ns == "" {
			ns = metav1.NamespaceDefault // kubectl's context namespace
			om.SetNamespace(ns)
		}
	} else {
		strategy = ingressclass.Strategy
		resource, ns = "ingressclasses", ""
		om.SetNamespace("") // kubectl drops it for a cluster-scoped kind
	}
	rest.FillObjectMetaSystemFields(om)
	generated := false
	if om.GetGenerateName() != "" && om.GetName() == "" {
		om.SetName(strategy.GenerateName(om.GetGenerateName()))
		generated = true
	}

	rec := &recorder{}
	ctx := genericapirequest.WithNamespace(context.Background(), ns)
	ctx = genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true, Verb: "create", APIGroup: "networking.k8s.io",
		APIVersion: "v1", Resource: resource, Namespace: ns, Name: om.GetName(),
	})
	ctx = warning.WithWarningRecorder(ctx, rec)
	err = rest.BeforeCreate(strategy, ctx, internal)
	out.warnings = append(out.warnings, rec.w...)
	if err == nil {
		return
	}
	out.rejected = true
	status, ok := err.(apierrors.APIStatus)
	if !ok || status.Status().Details == nil {
		out.errors = append(out.errors, err.Error())
		return
	}
	for _, c := range status.Status().Details.Causes {
		// A generated name holds five random characters, and its
		// errors repeat those of generateName (docs/validation.md).
		if generated && c.Field == "metadata.name" {
			continue
		}
		out.errors = append(out.errors, c.Field+": "+c.Message)
		out.fields = append(out.fields, c.Field)
	}
}

// diag is one diagnostic of `ingroute check --json`.
type diag struct {
	Severity string `json:"severity"`
	Code     int    `json:"code"`
	Field    string `json:"field"`
	Message  string `json:"message"`
}

// Codes of the diagnostics compared as warnings: an unknown field, a
// deprecation the server warns about on create, and a duplicate key of a
// JSON file (of a YAML file the server never learns: kubectl turns it
// into JSON, keeping the last value).
const (
	codeDuplicate  = 5
	codeUnknown    = 7
	codeDeprecated = 18
	sevError       = "error"
	sevWarning     = "warning"
)

// ingroute runs `ingroute check --json` on one file.
func ingroute(tool, file string, isJSON bool) (outcome, error) {
	out := outcome{exact: true}
	cmd := exec.Command(tool, "check", "--json", "-f", file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			return out, fmt.Errorf("%s: %v: %s", file, err, stderr.String())
		}
	}
	var report struct {
		Diagnostics []diag `json:"diagnostics"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		return out, fmt.Errorf("%s: output is not JSON: %v", file, err)
	}
	for _, d := range report.Diagnostics {
		switch {
		case d.Severity == sevError:
			out.rejected = true
			if d.Field != "" {
				out.errors = append(out.errors, d.Field+": "+d.Message)
				out.fields = append(out.fields, d.Field)
			} else {
				out.errors = append(out.errors, d.Message)
			}
		case d.Severity == sevWarning && (d.Code == codeUnknown || d.Code == codeDeprecated ||
			(d.Code == codeDuplicate && isJSON)):
			// The server's words, without what ingroute adds.
			m := d.Message
			for _, more := range []string{" (did you mean ", ": the last value is used"} {
				if i := strings.Index(m, more); i >= 0 {
					m = m[:i]
				}
			}
			out.warnings = append(out.warnings, m)
		}
	}
	sort.Strings(out.errors)
	sort.Strings(out.fields)
	sort.Strings(out.warnings)
	return out, nil
}

func main() {
	tool := flag.String("ingroute", "", "the ingroute tool to compare (required)")
	keep := flag.String("keep", "", "write each manifest of the corpus into this directory")
	verbose := flag.Bool("v", false, "print every case, not only the differences")
	flag.Parse()
	if *tool == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: apiserver-diff -ingroute PATH [-keep DIR] [-v]")
		os.Exit(2)
	}
	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "apiserver-diff")
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		fatal(err)
	}

	if err := sameRelease(*tool); err != nil {
		fatal(err)
	}
	cases := corpus()
	seen := map[string]bool{}
	var n, passed, accept, fields, messages, exact, warnings int
	for _, c := range cases {
		if seen[c.name] {
			fatal(fmt.Errorf("two cases named %s", c.name))
		}
		seen[c.name] = true
		ext := ".yaml"
		if strings.HasPrefix(strings.TrimSpace(c.text), "{") {
			ext = ".json"
		}
		file := filepath.Join(dir, c.name+ext)
		if err := os.WriteFile(file, []byte(c.text), 0o644); err != nil {
			fatal(err)
		}
		want := server(c.text)
		got, err := ingroute(*tool, file, ext == ".json")
		if err != nil {
			fatal(err)
		}
		n++
		var why []string
		if want.rejected == got.rejected {
			accept++
		} else {
			why = append(why, fmt.Sprintf("server rejects: %v, ingroute rejects: %v", want.rejected, got.rejected))
		}
		if want.exact {
			exact++
			if same(want.fields, got.fields) {
				fields++
			} else {
				why = append(why, "field paths differ")
			}
			if same(want.errors, got.errors) {
				messages++
			} else {
				why = append(why, "messages differ")
			}
			if same(want.warnings, got.warnings) {
				warnings++
			} else {
				why = append(why, "warnings differ")
			}
		}
		if len(why) == 0 {
			passed++
		}
		if len(why) > 0 || *verbose {
			fmt.Printf("--- %s (%s): %s\n", c.name, file, strings.Join(why, "; "))
			show("server", want)
			show("ingroute", got)
		}
	}
	fmt.Printf("corpus: %d manifests; accept/reject agree on %d, field paths on %d of %d, "+
		"messages on %d of %d, warnings on %d of %d\n",
		n, accept, fields, exact, messages, exact, warnings, exact)
	fmt.Printf("%d passed, %d failed\n", passed, n-passed)
	if passed != n {
		os.Exit(1)
	}
}

// sameRelease checks that the tool names, in its --version line, the
// Kubernetes release this program was built against.
func sameRelease(tool string) error {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Errorf("no build information in this binary")
	}
	pinned := ""
	for _, m := range info.Deps {
		if m.Path == "k8s.io/kubernetes" {
			pinned = m.Version
		}
	}
	out, err := exec.Command(tool, "--version").Output()
	if err != nil {
		return fmt.Errorf("%s --version: %v", tool, err)
	}
	want := "(validation: Kubernetes " + pinned + ")"
	if pinned == "" || !strings.Contains(string(out), want) {
		return fmt.Errorf("%s --version says %q; this test runs k8s.io/kubernetes %s",
			tool, strings.TrimSpace(string(out)), pinned)
	}
	fmt.Printf("Kubernetes %s, as built into this test and named by %s\n", pinned, tool)
	return nil
}

func same(a, b []string) bool {
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

func show(who string, o outcome) {
	fmt.Printf("    %s: rejects %v\n", who, o.rejected)
	for _, e := range o.errors {
		fmt.Printf("      error   %s\n", e)
	}
	for _, w := range o.warnings {
		fmt.Printf("      warning %s\n", w)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "apiserver-diff:", err)
	os.Exit(2)
}
