// Package ingroute routes HTTP requests the way Kubernetes Ingress says,
// through libingroute (a cgo binding of the C library's stable ABI,
// libingroute.so.1, found with pkg-config).
//
// Load manifests into a Router and ask it, per request, which backend:
//
//	rt, err := ingroute.Load(ingroute.Options{Class: "public"}, "manifests/")
//	if err != nil { ... }          // *ingroute.Error, with Diagnostics
//	defer rt.Close()
//	m, _ := rt.Match(r.Host, r.URL.EscapedPath())
//	if m.Decision == ingroute.DecisionNone { 404 }
//	fmt.Println(m.Backend)          // shop/cart:8080
//
// A Router is immutable and safe for concurrent use. Close releases the C
// router; it waits for lookups in progress, and lookups after it return
// ErrClosed. A proxy that reloads keeps the current Router in an
// atomic.Pointer and closes the old one once its requests are done (see
// the hot-swap example and examples/go-proxy). A finalizer-style cleanup
// releases Routers that were never closed.
//
// Lookups pass the host and path strings to C without copying them (the C
// side reads them during the call only) and copy the answer's strings into
// one Go allocation, so a Match stays valid after Close.
package ingroute

/*
#cgo noescape ingroute_go_match
#cgo nocallback ingroute_go_match
#cgo noescape ingroute_go_tls
#cgo nocallback ingroute_go_tls
#cgo nocallback ingroute_version
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ingroute.h>

#if INGROUTE_VERSION_MAJOR != 0 || INGROUTE_VERSION_MINOR < 4
#error "this Go package is written for ingroute.h 0.x, x >= 4 (ABI libingroute.so.1)"
#endif

// One lookup in one cgo call. The answer's strings are copied by C into
// buf (or into the caller's larger buffer `big`, when given) so that Go
// makes one string of them; when they do not fit, only `total` is set and
// the caller asks again with a buffer of that size (the router is
// immutable: the answer is the same). The struct holds no pointers, so
// cgo's pointer check on it is trivial.
enum { GO_NSTR = 10, GO_BUF = 256 };
typedef struct ingroute_go_result {
	int rc;
	int decision;
	int backend_kind;
	int port_number;
	int has_port_name;
	int path_type;
	int vhost_kind;
	int default_source;
	size_t total;
	size_t off[GO_NSTR];
	size_t n[GO_NSTR];
	char buf[GO_BUF];
} ingroute_go_result;

static void ingroute_go_strings(ingroute_go_result *out, const char *const *s,
                                int count, char *big, size_t big_cap)
{
	char *dst = big ? big : out->buf;
	size_t cap = big ? big_cap : sizeof(out->buf), off = 0;
	int i;

	for (i = 0; i < count; i++) {
		out->n[i] = s[i] ? strlen(s[i]) : 0;
		out->off[i] = off;
		off += out->n[i];
	}
	out->total = off;
	if (off > cap)
		return;
	for (i = 0; i < count; i++)
		if (out->n[i])
			memcpy(dst + out->off[i], s[i], out->n[i]);
}

static void ingroute_go_match(const ingroute_router *r, const char *host,
                              size_t host_len, const char *path, size_t path_len,
                              size_t msize, ingroute_go_result *out,
                              char *big, size_t big_cap)
{
	ingroute_match m;
	const char *s[GO_NSTR];

	memset(&m, 0, sizeof(m));
	m.size = msize;
	out->rc = ingroute_router_match(r, host, host_len, path, path_len, &m);
	if (out->rc != 0)
		return;
	out->decision = m.decision;
	out->backend_kind = m.backend_kind;
	out->port_number = m.port_number;
	out->has_port_name = m.port_name != NULL;
	out->path_type = m.path_type;
	out->vhost_kind = m.vhost_kind;
	out->default_source = m.default_source;
	s[0] = m.backend_ns;
	s[1] = m.service;
	s[2] = m.port_name;
	s[3] = m.resource_api_group;
	s[4] = m.resource_kind;
	s[5] = m.resource_name;
	s[6] = m.ingress_ns;
	s[7] = m.ingress_name;
	s[8] = m.rule_host;
	s[9] = m.rule_path;
	ingroute_go_strings(out, s, GO_NSTR, big, big_cap);
}

static void ingroute_go_tls(const ingroute_router *r, const char *sni, size_t len,
                            ingroute_go_result *out, char *big, size_t big_cap)
{
	ingroute_tls_match t;
	const char *s[5];

	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	out->rc = ingroute_router_tls(r, sni, len, &t);
	if (out->rc != 0 || !t.found)
		return;
	out->decision = 1;
	s[0] = t.secret_ns;
	s[1] = t.secret_name;
	s[2] = t.tls_host;
	s[3] = t.ingress_ns;
	s[4] = t.ingress_name;
	ingroute_go_strings(out, s, 5, big, big_cap);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// The header version this package was compiled against.
const (
	HeaderVersionMajor = C.INGROUTE_VERSION_MAJOR
	HeaderVersionMinor = C.INGROUTE_VERSION_MINOR
	HeaderVersionPatch = C.INGROUTE_VERSION_PATCH
)

// Version is the library's version, "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.ingroute_version_string()) }

// KubernetesVersion is the Kubernetes release whose API server
// validation the library reproduces, e.g. "v1.37.2" (docs/validation.md).
func KubernetesVersion() string { return C.GoString(C.ingroute_kubernetes_version()) }

// VersionNumber is the library's version as (major<<16)|(minor<<8)|patch.
// It is also the cheapest possible call into C (see BenchmarkCgoCall).
func VersionNumber() uint32 { return uint32(C.ingroute_version()) }

// MaxPath is the longest request path matched against path rules (longer
// ones get the default backend only).
func MaxPath() int { return int(C.ingroute_max_path()) }

var (
	matchSize = func() C.size_t {
		n := C.size_t(unsafe.Sizeof(C.ingroute_match{}))
		if lib := C.ingroute_match_size(); lib < n {
			return lib // an older library: it fills what it knows
		}
		return n
	}()
	optionsSize = func() C.size_t {
		n := C.size_t(unsafe.Sizeof(C.ingroute_options{}))
		if lib := C.ingroute_options_size(); lib < n {
			return lib
		}
		return n
	}()
	compileOptionsSize = func() C.size_t {
		n := C.size_t(unsafe.Sizeof(C.ingroute_compile_options{}))
		if lib := C.ingroute_compile_options_size(); lib < n {
			return lib
		}
		return n
	}()
	// errLibrary is set when the shared library loaded at run time is not
	// one this package can use (another major version, or older than the
	// header it was compiled against).
	errLibrary = func() error {
		v := uint32(C.ingroute_version())
		if v>>16 != HeaderVersionMajor || (v>>8)&0xff < HeaderVersionMinor {
			return fmt.Errorf("ingroute: library %s is not compatible with header %d.%d",
				Version(), HeaderVersionMajor, HeaderVersionMinor)
		}
		return nil
	}()
)

// ---------------------------------------------------------------- errors

// Status is a library return code (enum ingroute_status). It is an error,
// so errors.Is(err, ingroute.ErrSyntax) works on an *Error.
type Status int

const (
	ErrInvalidArgument Status = C.INGROUTE_EINVAL
	ErrNoMemory        Status = C.INGROUTE_ENOMEM
	ErrIO              Status = C.INGROUTE_EIO
	ErrSyntax          Status = C.INGROUTE_ESYNTAX
	ErrLimit           Status = C.INGROUTE_ELIMIT
	// ErrInvalid: strict mode, and an object failed validation.
	ErrInvalid  Status = C.INGROUTE_EINVALID
	ErrNotFound Status = C.INGROUTE_ENOENT
)

func (s Status) Error() string {
	return "ingroute: " + C.GoString(C.ingroute_strerror(C.int(s)))
}

// ErrClosed is returned by calls on a closed Router or Ruleset.
var ErrClosed = errors.New("ingroute: closed")

// Error is a failed call: the operation, the library's status and every
// diagnostic the call produced.
//
// For Options (NewRuleset, Load, LoadText; Op "options") or
// CompileOptions (CompileWith; Op "compile") that the library refuses,
// Status is ErrInvalidArgument and Diagnostics are the library's
// DiagOption errors, one per refused option, whose Field is the C
// member's name ("default_backend"). The message names each option as Go
// spells it and gives the library's reason:
//
//	ingroute: Options.DefaultBackend: Invalid value: "shop/web": must be NAMESPACE/SERVICE:PORT (no ':PORT')
type Error struct {
	Op          string
	Status      Status
	Diagnostics []Diagnostic
	// Err is the operating system's error behind an ErrIO, when the
	// package could learn it: an *fs.PathError for the file or directory
	// that could not be read, so that errors.Is(err, fs.ErrNotExist) and
	// errors.Is(err, fs.ErrPermission) work. It is nil for other statuses
	// and for an input the library refused without an error of the
	// system (a FIFO, a device). The library reports no errno, so it is
	// learnt by asking the file system again, right after the failure,
	// about the file the DiagIO diagnostic names; a file changed in
	// between can leave it nil.
	Err error

	// options maps the C members the DiagOption errors name to the Go
	// fields that set them, for the message (checkOptions).
	options map[string]string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("ingroute: ")
	if e.options != nil {
		// Refused options: each as Go spells it, with the library's reason.
		n := 0
		for _, d := range e.Diagnostics {
			if d.Severity != SeverityError || d.Code != DiagOption {
				continue
			}
			if n > 0 {
				b.WriteString("; ")
			}
			n++
			name, ok := e.options[d.Field]
			if !ok {
				name = d.Field
			}
			b.WriteString(name)
			b.WriteString(": ")
			b.WriteString(d.Message)
		}
		if n > 0 {
			return b.String()
		}
	}
	b.WriteString(e.Op)
	b.WriteString(": ")
	b.WriteString(C.GoString(C.ingroute_strerror(C.int(e.Status))))
	if d, ok := e.First(); ok {
		b.WriteString(": ")
		b.WriteString(d.Text)
	}
	return b.String()
}

// Unwrap gives the Status, as it always has. Is and As reach Err too, so
// errors.Is(err, fs.ErrNotExist) and errors.As(err, &pathErr) hold for a
// missing file without changing Unwrap's signature.
func (e *Error) Unwrap() error { return e.Status }

// Is reports whether Err, when known, matches target (the Status is
// reached through Unwrap).
func (e *Error) Is(target error) bool {
	return e.Err != nil && errors.Is(e.Err, target)
}

// As finds target in Err, when known.
func (e *Error) As(target any) bool {
	return e.Err != nil && errors.As(e.Err, target)
}

// First gives the first error diagnostic.
func (e *Error) First() (Diagnostic, bool) {
	for _, d := range e.Diagnostics {
		if d.Severity == SeverityError {
			return d, true
		}
	}
	return Diagnostic{}, false
}

func check(rc C.int, op string, diags []Diagnostic) error {
	if rc == 0 {
		return nil
	}
	return &Error{Op: op, Status: Status(rc), Diagnostics: diags}
}

// checkPaths is check for a load of the named files and directories: an
// ErrIO also carries the operating system's error when it can be learnt.
func checkPaths(rc C.int, op string, diags []Diagnostic, named []string) error {
	if rc == 0 {
		return nil
	}
	e := &Error{Op: op, Status: Status(rc), Diagnostics: diags}
	if e.Status == ErrIO {
		e.Err = ioCause(named, diags)
	}
	return e
}

// checkOptions asks the library whether it would take c
// (ingroute_options_check, which refuses exactly what
// ingroute_ruleset_new and ingroute_router_compile_with refuse) and
// returns nil, or an *Error (ErrInvalidArgument) carrying its DiagOption
// errors. names maps the C members to the Go fields behind them, for the
// message.
func checkOptions(c *C.ingroute_options, op string, names map[string]string) error {
	rc, diags, err := withDiags(func(d *C.ingroute_diags) C.int {
		return C.ingroute_options_check(c, d)
	})
	if err != nil {
		return err
	}
	if rc == 0 {
		return nil
	}
	return &Error{Op: op, Status: Status(rc), Diagnostics: diags, options: names}
}

// ArgumentError is an argument refused before the library is called,
// because C cannot be given it as it is: a negative limit would become a
// huge size_t (no limit at all), and a string with a NUL byte would be
// cut short at it (another file, class or key than the one meant).
// errors.Is(err, ErrInvalidArgument) holds for it.
type ArgumentError struct {
	// Arg names the argument: "Options.MaxDepth", "LoadPath path",
	// "ReloadPaths paths[1]".
	Arg string
	// Value is the value refused, in Go syntax (strings quoted).
	Value string
	// Problem says what is wrong with it.
	Problem string
}

func (e *ArgumentError) Error() string {
	return "ingroute: " + e.Arg + " is " + e.Value + ": " + e.Problem
}

// Unwrap gives ErrInvalidArgument, the status the library gives for the
// arguments it refuses itself.
func (e *ArgumentError) Unwrap() error { return ErrInvalidArgument }

// noNUL refuses a string that C would read only up to its first NUL.
func noNUL(arg, s string) error {
	if strings.IndexByte(s, 0) < 0 {
		return nil
	}
	return &ArgumentError{Arg: arg, Value: strconv.Quote(s), Problem: "must not contain a NUL byte"}
}

// firstError is the first non-nil error, so that a call refuses its
// arguments in their order, with one *ArgumentError.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// --------------------------------------------------------------- options

// Options shape a Ruleset and the Routers compiled from it (struct
// ingroute_options). The zero value is the library's defaults.
type Options struct {
	// Class serves only Ingresses of this class (docs/semantics.md §3); ""
	// serves all.
	Class string
	// DefaultClass: Class is the cluster's default IngressClass.
	DefaultClass bool
	// Namespace of objects that name none ("" means "default").
	Namespace string
	// ImplSpecific: how ImplementationSpecific paths match.
	ImplSpecific ImplMode
	// Fallthrough tries the exact host, the wildcard, then host-less rules
	// for a path.
	Fallthrough bool
	// NoNormalize: hosts and paths are compared as given (the proxy has
	// normalised them already).
	NoNormalize bool
	// DefaultBackend is the global default "NAMESPACE/SERVICE:PORT".
	DefaultBackend string
	// Strict makes any error diagnostic fail the load (ErrInvalid).
	Strict bool
	// SourceName labels LoadText's input in diagnostics (a file name).
	SourceName string
	// Limits; 0 means the library's default, and a negative value is
	// refused (an *ArgumentError), not taken for "no limit".
	MaxInputBytes, MaxDepth, MaxNodes, MaxAliasNodes int
	MaxScalarBytes, MaxDiagnostics, MaxAliasBytes    int
	// GatewayController serves only Gateways whose GatewayClass has this
	// controllerName (docs/semantics.md §9.3); "" serves every class.
	GatewayController string
}

// check refuses what cOptions could not hand to C faithfully: a negative
// limit, which converted to size_t would lift the limit altogether, and a
// string with a NUL byte, which C would read cut short. SourceName is
// checked too, though only LoadText reads it, so that the error names the
// field the caller set.
func (o *Options) check() error {
	for _, l := range [...]struct {
		name string
		v    int
	}{
		{"MaxInputBytes", o.MaxInputBytes},
		{"MaxDepth", o.MaxDepth},
		{"MaxNodes", o.MaxNodes},
		{"MaxAliasNodes", o.MaxAliasNodes},
		{"MaxScalarBytes", o.MaxScalarBytes},
		{"MaxDiagnostics", o.MaxDiagnostics},
		{"MaxAliasBytes", o.MaxAliasBytes},
	} {
		if l.v < 0 {
			return &ArgumentError{Arg: "Options." + l.name, Value: strconv.Itoa(l.v), Problem: "must not be negative"}
		}
	}
	for _, f := range [...]struct{ name, v string }{
		{"Class", o.Class},
		{"Namespace", o.Namespace},
		{"DefaultBackend", o.DefaultBackend},
		{"SourceName", o.SourceName},
		{"GatewayController", o.GatewayController},
	} {
		if err := noNUL("Options."+f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// cNames maps the members of struct ingroute_options that the library may
// refuse to the fields of o that set them. flags are the bits of the bool
// fields, so it names those that set one.
func (o *Options) cNames() map[string]string {
	var flags []string
	for _, f := range [...]struct {
		name string
		on   bool
	}{
		{"Options.Strict", o.Strict},
		{"Options.DefaultClass", o.DefaultClass},
		{"Options.NoNormalize", o.NoNormalize},
		{"Options.Fallthrough", o.Fallthrough},
	} {
		if f.on {
			flags = append(flags, f.name)
		}
	}
	if len(flags) == 0 {
		flags = []string{"Options"}
	}
	return map[string]string{
		"flags":             strings.Join(flags, ", "),
		"ingress_class":     "Options.Class",
		"default_namespace": "Options.Namespace",
		"impl_specific":     "Options.ImplSpecific",
		"default_backend":   "Options.DefaultBackend",
	}
}

// cOptions fills a C struct; free the returned strings after
// ingroute_ruleset_new() (which copies them). The options must have
// passed check.
func (o *Options) cOptions() (C.ingroute_options, func()) {
	var c C.ingroute_options
	C.ingroute_options_init(&c, optionsSize)
	var owned []*C.char
	str := func(s string) *C.char {
		if s == "" {
			return nil
		}
		p := C.CString(s)
		owned = append(owned, p)
		return p
	}
	var flags C.uint
	if o.Strict {
		flags |= C.INGROUTE_OPT_STRICT
	}
	if o.DefaultClass {
		flags |= C.INGROUTE_OPT_DEFAULT_CLASS
	}
	if o.NoNormalize {
		flags |= C.INGROUTE_OPT_NO_NORMALIZE
	}
	if o.Fallthrough {
		flags |= C.INGROUTE_OPT_FALLTHROUGH
	}
	c.flags = flags
	c.ingress_class = str(o.Class)
	c.default_namespace = str(o.Namespace)
	c.impl_specific = C.int(o.ImplSpecific)
	c.default_backend = str(o.DefaultBackend)
	c.max_input_bytes = C.size_t(o.MaxInputBytes)
	c.max_depth = C.size_t(o.MaxDepth)
	c.max_nodes = C.size_t(o.MaxNodes)
	c.max_alias_nodes = C.size_t(o.MaxAliasNodes)
	c.max_scalar_bytes = C.size_t(o.MaxScalarBytes)
	c.max_diagnostics = C.size_t(o.MaxDiagnostics)
	c.max_alias_bytes = C.size_t(o.MaxAliasBytes)
	if optionsSize >= C.size_t(unsafe.Offsetof(c.gateway_controller)+unsafe.Sizeof(c.gateway_controller)) {
		c.gateway_controller = str(o.GatewayController)
	}
	return c, func() {
		for _, p := range owned {
			C.free(unsafe.Pointer(p))
		}
	}
}

// ----------------------------------------------------------- diagnostics

func goStr(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

func readDiags(d *C.ingroute_diags) []Diagnostic {
	n := int(C.ingroute_diags_count(d))
	if n == 0 {
		return nil
	}
	out := make([]Diagnostic, 0, n)
	buf := make([]byte, 1024)
	for i := 0; i < n; i++ {
		var cd C.ingroute_diag
		cd.size = C.size_t(unsafe.Sizeof(cd))
		if C.ingroute_diags_get(d, C.size_t(i), &cd) != 0 {
			continue
		}
		need := int(C.ingroute_diags_format(d, C.size_t(i), nil, 0))
		if need+1 > len(buf) {
			buf = make([]byte, need+1)
		}
		C.ingroute_diags_format(d, C.size_t(i), (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
		out = append(out, Diagnostic{
			Severity:  Severity(cd.severity),
			Code:      DiagCode(cd.code),
			File:      goStr(cd.file),
			Line:      int(cd.line),
			Column:    int(cd.column),
			Kind:      goStr(cd.kind),
			Namespace: goStr(cd.ns),
			Name:      goStr(cd.name),
			Field:     goStr(cd.field),
			Message:   goStr(cd.message),
			Text:      string(buf[:need]),
		})
	}
	return out
}

// withDiags runs f with a fresh C diagnostics list and returns what f
// returned and the diagnostics.
func withDiags(f func(d *C.ingroute_diags) C.int) (C.int, []Diagnostic, error) {
	var d *C.ingroute_diags
	if rc := C.ingroute_diags_new(&d, nil); rc != 0 {
		return rc, nil, check(rc, "diags", nil)
	}
	defer C.ingroute_diags_free(d)
	rc := f(d)
	return rc, readDiags(d), nil
}

// --------------------------------------------------------------- ruleset

// Ruleset is the loader: Ingresses and IngressClasses keyed by
// namespace/name, the desired state a controller keeps. Load text or
// files into it, remove objects, and compile Routers from it. Its methods
// are serialised by a mutex.
type Ruleset struct {
	mu      sync.Mutex
	rs      *C.ingroute_ruleset
	cleanup runtime.Cleanup
}

// NewRuleset makes an empty Ruleset. Options the library refuses (a
// DefaultBackend whose shape, namespace, Service name or port the API
// server would refuse, a Namespace that is no DNS label, an unknown
// ImplSpecific) are an *Error with ErrInvalidArgument and the library's
// DiagOption errors, whose message names each field:
// `ingroute: Options.DefaultBackend: Invalid value: "shop/web": must be
// NAMESPACE/SERVICE:PORT (no ':PORT')`. A negative limit or a string with
// a NUL byte is an *ArgumentError, refused first.
func NewRuleset(opts Options) (*Ruleset, error) {
	if errLibrary != nil {
		return nil, errLibrary
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	copts, free := opts.cOptions()
	defer free()
	if err := checkOptions(&copts, "options", opts.cNames()); err != nil {
		return nil, err
	}
	var rs *C.ingroute_ruleset
	if err := check(C.ingroute_ruleset_new(&rs, &copts), "options", nil); err != nil {
		return nil, err
	}
	r := &Ruleset{rs: rs}
	r.cleanup = runtime.AddCleanup(r, func(p *C.ingroute_ruleset) { C.ingroute_ruleset_free(p) }, rs)
	return r, nil
}

// Close frees the Ruleset; Routers compiled from it stay usable.
func (r *Ruleset) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs != nil {
		r.cleanup.Stop()
		C.ingroute_ruleset_free(r.rs)
		r.rs = nil
	}
}

// LoadBuffer loads YAML or JSON text, labelled name in diagnostics. All or
// nothing: on failure (an *Error with the diagnostics) the Ruleset is
// unchanged. Otherwise it returns every diagnostic, including the errors
// of invalid objects that were dropped (unless Options.Strict). A name
// with a NUL byte is refused (*ArgumentError).
func (r *Ruleset) LoadBuffer(name string, data []byte) ([]Diagnostic, error) {
	if err := noNUL("LoadBuffer name", name); err != nil {
		return nil, err
	}
	return r.buffer("load", name, data, false)
}

// buffer loads text (LoadBuffer) or reloads from it (ReloadBuffer). The
// caller has checked name.
func (r *Ruleset) buffer(op, name string, data []byte, whole bool) ([]Diagnostic, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs == nil {
		return nil, ErrClosed
	}
	var cname *C.char
	if name != "" {
		cname = C.CString(name)
		defer C.free(unsafe.Pointer(cname))
	}
	p := emptyCStr()
	if len(data) > 0 {
		// Go memory without pointers, read during the call only.
		p = (*C.char)(unsafe.Pointer(&data[0]))
	}
	rc, diags, err := withDiags(func(d *C.ingroute_diags) C.int {
		if whole {
			return C.ingroute_ruleset_reload_buffer(r.rs, p, C.size_t(len(data)), cname, d)
		}
		return C.ingroute_ruleset_load_buffer(r.rs, p, C.size_t(len(data)), cname, d)
	})
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = "<text>"
	}
	return diags, check(rc, op+" "+name, diags)
}

// LoadPath loads a file, or every *.yaml, *.yml and *.json file of a
// directory (not recursing). All or nothing, as LoadBuffer. When a file
// cannot be read, the *Error (ErrIO) also unwraps to the system's error,
// so errors.Is(err, fs.ErrNotExist) holds for a missing file. A path with
// a NUL byte is refused (*ArgumentError).
func (r *Ruleset) LoadPath(path string) ([]Diagnostic, error) {
	if err := noNUL("LoadPath path", path); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs == nil {
		return nil, ErrClosed
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	rc, diags, err := withDiags(func(d *C.ingroute_diags) C.int {
		return C.ingroute_ruleset_load_path(r.rs, cpath, d)
	})
	if err != nil {
		return nil, err
	}
	return diags, checkPaths(rc, "load "+path, diags, []string{path})
}

// ReloadPaths makes the Ruleset hold what the files and directories hold,
// as one desired state (docs/semantics.md §1.6): objects they no longer
// contain are removed, new and changed ones applied, and an object whose
// new version is invalid keeps the valid version held before (a DiagKept
// error names it). All or nothing, as LoadPath: on failure nothing
// changes. This is how a proxy reloads files: a typo never removes a
// served route. Errors are as for LoadPath.
func (r *Ruleset) ReloadPaths(paths ...string) ([]Diagnostic, error) {
	for i, p := range paths {
		if err := noNUL("ReloadPaths paths["+strconv.Itoa(i)+"]", p); err != nil {
			return nil, err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs == nil {
		return nil, ErrClosed
	}
	// One C array of C strings, all in C memory (cgo forbids Go pointers
	// to Go pointers).
	var cpaths **C.char
	if len(paths) > 0 {
		cpaths = (**C.char)(C.malloc(C.size_t(len(paths)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))
		defer C.free(unsafe.Pointer(cpaths))
		arr := unsafe.Slice(cpaths, len(paths))
		for i, p := range paths {
			arr[i] = C.CString(p)
			defer C.free(unsafe.Pointer(arr[i]))
		}
	}
	rc, diags, err := withDiags(func(d *C.ingroute_diags) C.int {
		return C.ingroute_ruleset_reload_paths(r.rs, cpaths, C.size_t(len(paths)), d)
	})
	if err != nil {
		return nil, err
	}
	return diags, checkPaths(rc, "reload "+strings.Join(paths, " "), diags, paths)
}

// ReloadBuffer is ReloadPaths for one buffer of YAML or JSON text: the
// text is the whole desired state. name is as for LoadBuffer.
func (r *Ruleset) ReloadBuffer(name string, data []byte) ([]Diagnostic, error) {
	if err := noNUL("ReloadBuffer name", name); err != nil {
		return nil, err
	}
	return r.buffer("reload", name, data, true)
}

// Kinds of object a Ruleset holds, for Delete.
const (
	KindIngress      = "Ingress"
	KindIngressClass = "IngressClass"
)

// Delete removes one object by kind (KindIngress, KindIngressClass, or a
// Gateway API kind: "HTTPRoute", "Gateway", "GatewayClass",
// "ReferenceGrant", and "Service", "Namespace"; docs/semantics.md §9) and
// key, as a watch's DELETED event does; the namespace is ignored for a
// cluster-scoped kind, and "" means the default one for a namespaced
// kind. ErrNotFound
// if there is none. Applying an object (ADDED, MODIFIED) is LoadBuffer
// with its JSON. An argument with a NUL byte is refused (*ArgumentError):
// cut short at it, it would name another object.
func (r *Ruleset) Delete(kind, namespace, name string) error {
	if err := firstError(noNUL("Delete kind", kind), noNUL("Delete namespace", namespace),
		noNUL("Delete name", name)); err != nil {
		return err
	}
	return r.remove("delete "+kind+" ", kind, namespace, name)
}

// remove is Delete and Remove after their arguments were checked; op
// begins the error's operation.
func (r *Ruleset) remove(op, kind, namespace, name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs == nil {
		return ErrClosed
	}
	ckind := C.CString(kind)
	defer C.free(unsafe.Pointer(ckind))
	var cns *C.char
	if namespace != "" {
		cns = C.CString(namespace)
		defer C.free(unsafe.Pointer(cns))
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return check(C.ingroute_ruleset_delete(r.rs, ckind, cns, cname),
		op+namespace+"/"+name, nil)
}

// Generation moves whenever what a compile reads changes: an object added,
// removed, or replaced by one that differs beyond the API server's
// bookkeeping (resourceVersion, generation, managedFields) and status.
// Compare it with the current Router's Stats().Generation to skip a
// compile that would change nothing.
func (r *Ruleset) Generation() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs == nil {
		return 0
	}
	return uint64(C.ingroute_ruleset_generation(r.rs))
}

// Remove deletes the Ingress namespace/name ("" namespace: the default
// one); ErrNotFound if there is none. A key with a NUL byte is refused
// (*ArgumentError): cut short at it, it would name another Ingress.
func (r *Ruleset) Remove(namespace, name string) error {
	if err := firstError(noNUL("Remove namespace", namespace), noNUL("Remove name", name)); err != nil {
		return err
	}
	return r.remove("remove ", KindIngress, namespace, name)
}

// Len is the number of Ingresses held.
func (r *Ruleset) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs == nil {
		return 0
	}
	return int(C.ingroute_ruleset_count(r.rs))
}

func ingressInfo(ci *C.ingroute_ingress_info) IngressInfo {
	return IngressInfo{
		Namespace:         goStr(ci.ns),
		Name:              goStr(ci.name),
		File:              goStr(ci.file),
		Line:              int(ci.line),
		Column:            int(ci.column),
		Served:            ci.served != 0,
		Reason:            goStr(ci.reason),
		IngressClass:      goStr(ci.ingress_class),
		Rules:             int(ci.rules),
		Paths:             int(ci.paths),
		TLS:               int(ci.tls),
		HasDefaultBackend: ci.has_default_backend != 0,
	}
}

// Ingresses lists the Ingresses held, in order of arrival.
func (r *Ruleset) Ingresses() []IngressInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs == nil {
		return nil
	}
	n := int(C.ingroute_ruleset_count(r.rs))
	out := make([]IngressInfo, 0, n)
	for i := 0; i < n; i++ {
		var ci C.ingroute_ingress_info
		ci.size = C.size_t(unsafe.Sizeof(ci))
		if C.ingroute_ruleset_get(r.rs, C.size_t(i), &ci) == 0 {
			out = append(out, ingressInfo(&ci))
		}
	}
	return out
}

// Find describes the Ingress namespace/name. A key with a NUL byte finds
// nothing: no Ingress is named so (names are DNS names), and C would
// otherwise look up the key cut short at the NUL.
func (r *Ruleset) Find(namespace, name string) (IngressInfo, bool) {
	if strings.IndexByte(namespace, 0) >= 0 || strings.IndexByte(name, 0) >= 0 {
		return IngressInfo{}, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs == nil {
		return IngressInfo{}, false
	}
	var cns *C.char
	if namespace != "" {
		cns = C.CString(namespace)
		defer C.free(unsafe.Pointer(cns))
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var ci C.ingroute_ingress_info
	ci.size = C.size_t(unsafe.Sizeof(ci))
	if C.ingroute_ruleset_find(r.rs, cns, cname, &ci) != 0 {
		return IngressInfo{}, false
	}
	return ingressInfo(&ci), true
}

// Compile makes a Router of the served Ingresses. Conflicts and shadowed
// rules are warnings in the Router's Diagnostics.
func (r *Ruleset) Compile() (*Router, error) {
	return r.CompileWith(CompileOptions{})
}

// CompileField names a setting of CompileOptions that replaces the
// Ruleset's (enum ingroute_compile_field).
type CompileField uint

const (
	CompileNoNormalize    CompileField = C.INGROUTE_COMPILE_NO_NORMALIZE
	CompileFallthrough    CompileField = C.INGROUTE_COMPILE_FALLTHROUGH
	CompileImplSpecific   CompileField = C.INGROUTE_COMPILE_IMPL_SPECIFIC
	CompileDefaultBackend CompileField = C.INGROUTE_COMPILE_DEFAULT_BACKEND
)

// CompileOptions replace some of a Ruleset's Options for one compile
// (struct ingroute_compile_options): the settings a Router fixes when it
// is built, changed without loading the manifests again. Only the fields
// named in Set are used; the others are the Ruleset's, so the zero value
// compiles as Compile does.
type CompileOptions struct {
	// Set is an OR of the settings below that apply.
	Set CompileField
	// NoNormalize: hosts and paths are compared as given.
	NoNormalize bool
	// Fallthrough tries the exact host, the wildcard, then host-less rules.
	Fallthrough bool
	// ImplSpecific: how ImplementationSpecific paths match.
	ImplSpecific ImplMode
	// DefaultBackend is the global default "NAMESPACE/SERVICE:PORT"; ""
	// means none.
	DefaultBackend string
}

// compileNames are the members of struct ingroute_options that
// CompileWith has the library check, as CompileOptions names them.
var compileNames = map[string]string{
	"impl_specific":   "CompileOptions.ImplSpecific",
	"default_backend": "CompileOptions.DefaultBackend",
}

// CompileWith makes a Router as Compile does, with the settings opts.Set
// names in place of the Ruleset's Options. A malformed setting is an
// *Error with ErrInvalidArgument: for an ImplSpecific or a DefaultBackend
// the library refuses, with its DiagOption error and a message naming the
// field (`ingroute: CompileOptions.DefaultBackend: Invalid value:
// "web:80": must be NAMESPACE/SERVICE:PORT (no '/')`), as NewRuleset
// does. A DefaultBackend with a NUL byte is an *ArgumentError.
func (r *Ruleset) CompileWith(opts CompileOptions) (*Router, error) {
	if err := noNUL("CompileOptions.DefaultBackend", opts.DefaultBackend); err != nil {
		return nil, err
	}
	var co C.ingroute_compile_options
	C.ingroute_compile_options_init(&co, compileOptionsSize)
	co.fields = C.uint(opts.Set)
	if opts.NoNormalize {
		co.flags |= C.INGROUTE_OPT_NO_NORMALIZE
	}
	if opts.Fallthrough {
		co.flags |= C.INGROUTE_OPT_FALLTHROUGH
	}
	co.impl_specific = C.int(opts.ImplSpecific)
	if opts.DefaultBackend != "" {
		co.default_backend = C.CString(opts.DefaultBackend)
		defer C.free(unsafe.Pointer(co.default_backend))
	}
	if opts.Set&(CompileImplSpecific|CompileDefaultBackend) != 0 {
		// ingroute_router_compile_with refuses these settings as
		// ingroute_ruleset_new would: the library's check of options
		// holding them says why.
		var c C.ingroute_options
		C.ingroute_options_init(&c, optionsSize)
		if opts.Set&CompileImplSpecific != 0 {
			c.impl_specific = co.impl_specific
		}
		if opts.Set&CompileDefaultBackend != 0 {
			c.default_backend = co.default_backend
		}
		if err := checkOptions(&c, "compile", compileNames); err != nil {
			return nil, err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs == nil {
		return nil, ErrClosed
	}
	var cr *C.ingroute_router
	rc, diags, err := withDiags(func(d *C.ingroute_diags) C.int {
		return C.ingroute_router_compile_with(&cr, r.rs, &co, d)
	})
	if err != nil {
		return nil, err
	}
	if err := check(rc, "compile", diags); err != nil {
		return nil, err
	}
	return newRouter(cr, diags), nil
}

// ---------------------------------------------------------------- router

// Router is a compiled, immutable routing table. All methods are safe for
// concurrent use; Close waits for calls in progress.
type Router struct {
	r *C.ingroute_router
	// users holds one for the open handle plus one per call in flight;
	// the C router is released when it drops to 0, so a lookup costs two
	// atomic adds and never waits, and Close never waits for lookups.
	users   atomic.Int64
	closed  atomic.Bool
	diags   []Diagnostic
	cleanup runtime.Cleanup
}

func newRouter(cr *C.ingroute_router, diags []Diagnostic) *Router {
	rt := &Router{r: cr, diags: diags}
	rt.users.Store(1)
	// Safety net for a Router that is dropped without Close.
	rt.cleanup = runtime.AddCleanup(rt, func(p *C.ingroute_router) { C.ingroute_router_unref(p) }, cr)
	return rt
}

// Load reads manifests from files and directories (like kubectl apply -f)
// and compiles a Router. On failure the error is an *Error carrying the
// diagnostics; on success Diagnostics() holds every diagnostic of the load
// and the compile (errors of invalid objects that were dropped included,
// unless opts.Strict). Errors are as for NewRuleset and LoadPath.
func Load(opts Options, paths ...string) (*Router, error) {
	if len(paths) == 0 {
		return nil, &Error{Op: "load", Status: ErrInvalidArgument}
	}
	// Checked before any is loaded, so that a bad last path costs no work.
	for i, p := range paths {
		if err := noNUL("Load paths["+strconv.Itoa(i)+"]", p); err != nil {
			return nil, err
		}
	}
	return load(opts, func(rs *Ruleset) ([]Diagnostic, error) {
		var all []Diagnostic
		for _, p := range paths {
			d, err := rs.LoadPath(p)
			if err != nil {
				return nil, err
			}
			all = append(all, d...)
		}
		return all, nil
	})
}

// LoadText loads YAML or JSON text (labelled opts.SourceName in
// diagnostics) and compiles a Router, as Load does.
func LoadText(opts Options, text []byte) (*Router, error) {
	return load(opts, func(rs *Ruleset) ([]Diagnostic, error) {
		return rs.LoadBuffer(opts.SourceName, text)
	})
}

func load(opts Options, fill func(*Ruleset) ([]Diagnostic, error)) (*Router, error) {
	rs, err := NewRuleset(opts)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	diags, err := fill(rs)
	if err != nil {
		return nil, err
	}
	rt, err := rs.Compile()
	if err != nil {
		return nil, err
	}
	rt.diags = append(diags, rt.diags...)
	return rt, nil
}

// Diagnostics are the diagnostics of the load and the compile.
func (rt *Router) Diagnostics() []Diagnostic { return rt.diags }

// acquire takes a use of the C router for one call: ErrClosed after
// Close. Every acquire that succeeds is paired with a release.
func (rt *Router) acquire() error {
	if rt.closed.Load() {
		return ErrClosed
	}
	for {
		n := rt.users.Load()
		if n == 0 {
			return ErrClosed
		}
		if rt.users.CompareAndSwap(n, n+1) {
			return nil
		}
	}
}

func (rt *Router) release() {
	if rt.users.Add(-1) == 0 {
		C.ingroute_router_unref(rt.r)
	}
}

// Close releases the router: calls after it return ErrClosed. Lookups
// already running finish on the table, which is freed when the last one
// returns. Closing twice is fine.
func (rt *Router) Close() error {
	if rt.closed.CompareAndSwap(false, true) {
		rt.cleanup.Stop()
		rt.release()
	}
	return nil
}

// Clone gives an independent handle on the same compiled table (a new
// reference to the C router): closing one leaves the other usable.
func (rt *Router) Clone() (*Router, error) {
	if err := rt.acquire(); err != nil {
		return nil, err
	}
	defer rt.release()
	return newRouter(C.ingroute_router_ref(rt.r), rt.diags), nil
}

// empty is what an empty string or buffer is passed as: a valid pointer
// to a NUL (some arguments may be NULL only when their length is 0).
var empty [1]byte

func emptyCStr() *C.char { return (*C.char)(unsafe.Pointer(&empty[0])) }

// cstr passes a Go string's bytes to C without copying. cgo allows it: the
// bytes hold no Go pointers and C reads them only during the call (Go
// pins memory passed to a cgo call for its duration).
func cstr(s string) *C.char {
	if len(s) == 0 {
		return emptyCStr()
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}

// lookup runs one match (tls false) or TLS lookup and returns the
// result with its strings as one Go string.
func (rt *Router) lookup(tls bool, host, path string, res *C.ingroute_go_result) (string, error) {
	if err := rt.acquire(); err != nil {
		return "", err
	}
	defer rt.release()
	op := "match"
	if tls {
		op = "tls"
	}
	var big []byte
	for {
		var p *C.char
		if big != nil {
			p = (*C.char)(unsafe.Pointer(&big[0]))
		}
		if tls {
			C.ingroute_go_tls(rt.r, cstr(host), C.size_t(len(host)), res, p, C.size_t(len(big)))
		} else {
			C.ingroute_go_match(rt.r, cstr(host), C.size_t(len(host)), cstr(path), C.size_t(len(path)),
				matchSize, res, p, C.size_t(len(big)))
		}
		if res.rc != 0 {
			return "", check(res.rc, op, nil)
		}
		total := int(res.total)
		switch {
		case total == 0:
			return "", nil
		case big != nil:
			return unsafe.String(&big[0], total), nil // big is ours alone now
		case total <= len(res.buf):
			return string(unsafe.Slice((*byte)(unsafe.Pointer(&res.buf[0])), total)), nil
		}
		big = make([]byte, total)
	}
}

func resStr(res *C.ingroute_go_result, all string, i int) string {
	off := int(res.off[i])
	return all[off : off+int(res.n[i])]
}

// Match routes one request: host is the Host header (or :authority, "" for
// none), path the request target's path as received (query, escapes and
// dot segments are handled by the library unless Options.NoNormalize).
// It returns ErrClosed after Close, an *Error for malformed arguments.
func (rt *Router) Match(host, path string) (Match, error) {
	var res C.ingroute_go_result
	all, err := rt.lookup(false, host, path, &res)
	if err != nil {
		return Match{}, err
	}
	out := Match{
		Decision:      Decision(res.decision),
		VHost:         VHostKind(res.vhost_kind),
		DefaultSource: DefaultSource(res.default_source),
		Ingress:       IngressRef{Namespace: resStr(&res, all, 6), Name: resStr(&res, all, 7)},
	}
	if out.Decision != DecisionNone {
		out.Backend = Backend{
			Kind:      BackendKind(res.backend_kind),
			Namespace: resStr(&res, all, 0),
			Service:   resStr(&res, all, 1),
			PortName:  resStr(&res, all, 2),
			Resource:  Resource{APIGroup: resStr(&res, all, 3), Kind: resStr(&res, all, 4), Name: resStr(&res, all, 5)},
		}
		if res.has_port_name == 0 {
			out.Backend.PortNumber = int(res.port_number)
		}
	}
	if out.Decision == DecisionPath {
		out.Rule = Rule{Host: resStr(&res, all, 8), Path: resStr(&res, all, 9), PathType: PathType(res.path_type)}
	}
	return out, nil
}

// TLS looks up the certificate for an SNI name (docs/semantics.md §8);
// Found is false when none applies.
func (rt *Router) TLS(sni string) (TLSMatch, error) {
	var res C.ingroute_go_result
	all, err := rt.lookup(true, sni, "", &res)
	if err != nil {
		return TLSMatch{}, err
	}
	if res.decision == 0 {
		return TLSMatch{}, nil
	}
	return TLSMatch{
		Found:           true,
		SecretNamespace: resStr(&res, all, 0),
		SecretName:      resStr(&res, all, 1),
		Host:            resStr(&res, all, 2),
		Ingress:         IngressRef{Namespace: resStr(&res, all, 3), Name: resStr(&res, all, 4)},
	}, nil
}

// Explain tells why a lookup gives its answer, as the library's JSON: the
// request as given and normalised, the virtual hosts tried, every
// candidate path with its verdict, and the decision.
func (rt *Router) Explain(host, path string) ([]byte, error) {
	if err := rt.acquire(); err != nil {
		return nil, err
	}
	defer rt.release()
	var out *C.char
	var n C.size_t
	rc := C.ingroute_router_explain(rt.r, cstr(host), C.size_t(len(host)), cstr(path), C.size_t(len(path)), &out, &n)
	return takeText(rc, out, n, "explain")
}

// Dump gives the compiled table as the library's JSON: virtual hosts,
// their paths in precedence order, default backends, the TLS table.
func (rt *Router) Dump() ([]byte, error) {
	if err := rt.acquire(); err != nil {
		return nil, err
	}
	defer rt.release()
	var out *C.char
	var n C.size_t
	rc := C.ingroute_router_dump(rt.r, &out, &n)
	return takeText(rc, out, n, "dump")
}

// Stats gives the counts recorded when the Router was compiled: Ingresses
// served, skipped for their class and invalid, virtual hosts, paths,
// conflicts, shadowed rules, TLS entries, and its bytes of index and of
// strings.
func (rt *Router) Stats() (Stats, error) {
	if err := rt.acquire(); err != nil {
		return Stats{}, err
	}
	defer rt.release()
	var st C.ingroute_stats
	st.size = C.size_t(unsafe.Sizeof(st))
	if err := check(C.ingroute_router_stats(rt.r, &st), "stats", nil); err != nil {
		return Stats{}, err
	}
	return Stats{
		IngressesServed:     int(st.ingresses_served),
		IngressesSkipped:    int(st.ingresses_skipped),
		IngressesInvalid:    int(st.ingresses_invalid),
		VirtualHosts:        int(st.virtual_hosts),
		Paths:               int(st.paths),
		Conflicts:           int(st.conflicts),
		Shadowed:            int(st.shadowed),
		TLSEntries:          int(st.tls_entries),
		IndexBytes:          int(st.index_bytes),
		StringBytes:         int(st.string_bytes),
		Generation:          uint64(st.generation),
		ControllerAnnotated: int(st.controller_annotated),
		GatewayListeners:    int(st.gateway_listeners),
		HTTPRoutesAttached:  int(st.httproutes_attached),
		GatewayMatches:      int(st.gateway_matches),
	}, nil
}

func takeText(rc C.int, out *C.char, n C.size_t, op string) ([]byte, error) {
	defer C.ingroute_free(unsafe.Pointer(out))
	if err := check(rc, op, nil); err != nil {
		return nil, err
	}
	return C.GoBytes(unsafe.Pointer(out), C.int(n)), nil
}

// --------------------------------------------------------------- helpers

// NormalizeHost gives a Host header as lookups see it (docs/semantics.md
// §4): no port, lowercase, no trailing dot. It is "" when the host can only
// match rules without a host (empty, an IP literal, not a DNS name).
func NormalizeHost(host string) string {
	if host == "" {
		return ""
	}
	return normalized(host, func(s string, buf []byte) int {
		return int(C.ingroute_normalize_host(cstr(s), C.size_t(len(s)), (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf))))
	})
}

// NormalizePath gives a request path as lookups see it (docs/semantics.md
// §4); ok is false when it is longer than MaxPath().
func NormalizePath(path string) (string, bool) {
	out := normalized(path, func(s string, buf []byte) int {
		return int(C.ingroute_normalize_path(cstr(s), C.size_t(len(s)), (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf))))
	})
	return out, out != ""
}

// normalized calls a normaliser as snprintf is called: the result's
// length comes back even when it does not fit, and the call is then
// repeated with a buffer of that size. A result is never more than one
// byte longer than its input, so the first buffer almost always does.
func normalized(s string, fn func(string, []byte) int) string {
	buf := make([]byte, len(s)+2)
	n := fn(s, buf)
	if n > len(buf) {
		buf = make([]byte, n)
		n = fn(s, buf)
	}
	return string(buf[:n])
}
