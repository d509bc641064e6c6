package ingroute

/*
#cgo noescape ingroute_go_route
#cgo nocallback ingroute_go_route
#include <stdint.h>
#include <string.h>
#include <ingroute.h>

// Request headers for the header callback: name and value i are
// base[offs[4i] .. + offs[4i+1]] and base[offs[4i+2] .. + offs[4i+3]],
// names lowercase already.
typedef struct ingroute_go_headers {
	const char *base;
	const uint32_t *offs;
	size_t n;
} ingroute_go_headers;

static int ingroute_go_header(void *ctx, const char *name, size_t name_len,
                              const char **value, size_t *value_len)
{
	const ingroute_go_headers *h = ctx;
	size_t i;

	for (i = 0; i < h->n; i++) {
		const uint32_t *o = h->offs + 4 * i;

		if (o[1] == name_len && memcmp(h->base + o[0], name, name_len) == 0) {
			*value = h->base + o[2];
			*value_len = o[3];
			return 1;
		}
	}
	return 0;
}

// The answer, written into buf as the Go side reads it back: 32-bit
// little-endian integers, and strings as a length (0xffffffff for NULL)
// and bytes. *need is the bytes the whole answer takes; when it is more
// than cap the caller asks again with a buffer that large.
typedef struct ingroute_go_w {
	char *buf;
	size_t cap, len;
} ingroute_go_w;

static void go_put(ingroute_go_w *w, const void *p, size_t n)
{
	if (w->len + n <= w->cap)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void go_int(ingroute_go_w *w, long v)
{
	uint32_t x = (uint32_t)v;
	unsigned char b[4];

	b[0] = (unsigned char)x;
	b[1] = (unsigned char)(x >> 8);
	b[2] = (unsigned char)(x >> 16);
	b[3] = (unsigned char)(x >> 24);
	go_put(w, b, 4);
}

static void go_str(ingroute_go_w *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	go_int(w, s ? (long)n : -1);
	go_put(w, s, n);
}

static void go_text(ingroute_go_w *w, const ingroute_request *q,
                    const ingroute_route *r,
                    size_t (*fn)(const ingroute_request *,
                                 const ingroute_route *, char *, size_t))
{
	size_t n = fn(q, r, NULL, 0);

	go_int(w, (long)n);
	if (w->len + n <= w->cap)
		fn(q, r, w->buf + w->len, n);
	w->len += n;
}

static int ingroute_go_route(const ingroute_router *router,
                             const char *method, size_t method_len,
                             const char *host, size_t host_len,
                             const char *path, size_t path_len,
                             const char *hbase, const uint32_t *hoffs,
                             size_t nh, const char *gw_ns, size_t gw_ns_len,
                             const char *gw_name, size_t gw_name_len,
                             unsigned int port, uint64_t random, int https,
                             char *buf, size_t cap, size_t *need)
{
	ingroute_request q = INGROUTE_REQUEST_INIT;
	ingroute_route r;
	ingroute_go_headers h;
	ingroute_go_w w;
	char ns[256], name[256];
	size_t i, k;
	int rc;

	if (gw_ns_len >= sizeof(ns) || gw_name_len >= sizeof(name))
		return INGROUTE_EINVAL;
	q.method = method;
	q.method_len = method_len;
	q.host = host;
	q.host_len = host_len;
	q.path = path;
	q.path_len = path_len;
	h.base = hbase;
	h.offs = hoffs;
	h.n = nh;
	if (nh) {
		q.header = ingroute_go_header;
		q.header_ctx = &h;
	}
	q.random = random;
	q.port = port;
	q.scheme = https ? "https" : "http";
	if (gw_name_len) {
		memcpy(ns, gw_ns, gw_ns_len);
		ns[gw_ns_len] = '\0';
		memcpy(name, gw_name, gw_name_len);
		name[gw_name_len] = '\0';
		q.gateway_ns = ns;
		q.gateway_name = name;
	}
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	if ((rc = ingroute_router_route(router, &q, &r)) != 0)
		return rc;
	w.buf = buf;
	w.cap = cap;
	w.len = 0;
	go_int(&w, r.source);
	go_int(&w, r.decision);
	go_int(&w, r.status);
	go_int(&w, r.backend_kind);
	go_int(&w, r.port_number);
	go_int(&w, r.path_type);
	go_int(&w, r.vhost_kind);
	go_int(&w, r.default_source);
	go_int(&w, r.rule_index);
	go_int(&w, r.match_index);
	go_int(&w, r.backend_index);
	go_int(&w, (long)r.weight);
	go_str(&w, r.backend_ns);
	go_str(&w, r.service);
	go_str(&w, r.port_name);
	go_str(&w, r.resource_api_group);
	go_str(&w, r.resource_kind);
	go_str(&w, r.resource_name);
	go_str(&w, r.route_ns);
	go_str(&w, r.route_name);
	go_str(&w, r.rule_host);
	go_str(&w, r.rule_path);
	go_str(&w, r.gateway_ns);
	go_str(&w, r.gateway_name);
	go_str(&w, r.listener);
	go_str(&w, r.rule_name);
	go_text(&w, &q, &r, ingroute_route_location);
	go_text(&w, &q, &r, ingroute_route_upstream_path);
	go_int(&w, (long)r.filters);
	for (i = 0; i < r.filters; i++) {
		ingroute_filter f;

		f.size = sizeof(f);
		if ((rc = ingroute_route_filter(&r, i, &f)) != 0)
			return rc;
		go_int(&w, f.type);
		go_int(&w, f.port);
		go_int(&w, f.status_code);
		go_int(&w, f.path_modifier);
		go_int(&w, f.mirror_port);
		go_int(&w, f.mirror_numerator);
		go_int(&w, f.mirror_denominator);
		go_str(&w, f.scheme);
		go_str(&w, f.hostname);
		go_str(&w, f.path);
		go_str(&w, f.mirror_ns);
		go_str(&w, f.mirror_service);
		go_str(&w, f.ext_group);
		go_str(&w, f.ext_kind);
		go_str(&w, f.ext_name);
		go_int(&w, (long)f.nedits);
		for (k = 0; k < f.nedits; k++) {
			go_int(&w, f.edits[k].op);
			go_str(&w, f.edits[k].name);
			go_str(&w, f.edits[k].value);
		}
	}
	*need = w.len;
	return 0;
}
*/
import "C"

import (
	"encoding/binary"
	"strings"
	"unsafe"
)

// Source says what answered a request.
type Source int

const (
	SourceNone      Source = C.INGROUTE_SOURCE_NONE
	SourceIngress   Source = C.INGROUTE_SOURCE_INGRESS
	SourceHTTPRoute Source = C.INGROUTE_SOURCE_HTTPROUTE
)

// FilterType is an HTTPRoute filter's type.
type FilterType int

const (
	FilterRequestHeader  FilterType = C.INGROUTE_FILTER_REQUEST_HEADER
	FilterResponseHeader FilterType = C.INGROUTE_FILTER_RESPONSE_HEADER
	FilterRedirect       FilterType = C.INGROUTE_FILTER_REDIRECT
	FilterURLRewrite     FilterType = C.INGROUTE_FILTER_URL_REWRITE
	FilterMirror         FilterType = C.INGROUTE_FILTER_MIRROR
	FilterExtension      FilterType = C.INGROUTE_FILTER_EXTENSION
)

// Header edit operations.
const (
	HeaderSet    = C.INGROUTE_HEADER_SET
	HeaderAdd    = C.INGROUTE_HEADER_ADD
	HeaderRemove = C.INGROUTE_HEADER_REMOVE
)

// Path modifiers of a redirect or rewrite.
const (
	PathKeep          = C.INGROUTE_PATH_KEEP
	PathReplaceFull   = C.INGROUTE_PATH_REPLACE_FULL
	PathReplacePrefix = C.INGROUTE_PATH_REPLACE_PREFIX
)

// Request is one request for Router.Route.
type Request struct {
	Method, Host string
	// Path is the request target: path and query.
	Path string
	// Header gives request headers for header matches: pairs of name and
	// value (names compared without regard to case, the first value of a
	// repeated name used). nil for none.
	Header [][2]string
	// Gateway is "NAMESPACE/NAME" of the Gateway the request arrived at;
	// "" routes by the Ingresses (Match's answer).
	Gateway string
	// Port is the listener port it arrived at; 0 for every listener.
	Port uint16
	// Random picks among weighted backends: the same number, the same
	// backend (docs/semantics.md §9.4).
	Random uint64
	// HTTPS: redirects that keep the scheme say https.
	HTTPS bool
}

// HeaderEdit is one header change: Op is HeaderSet, HeaderAdd or
// HeaderRemove (Value "").
type HeaderEdit struct {
	Op          int
	Name, Value string
}

// Filter is one filter of the answering rule, as data for the proxy.
type Filter struct {
	Type  FilterType
	Edits []HeaderEdit
	// Redirect: Scheme, Hostname, Port (0: docs/semantics.md §9.5),
	// StatusCode. Redirect and URLRewrite: PathModifier and Path.
	Scheme, Hostname string
	Port, StatusCode int
	PathModifier     int
	Path             string
	// Mirror: the backend and the share numerator/denominator.
	Mirror                             Backend
	MirrorNumerator, MirrorDenominator int
	// Extension: the reference.
	Extension Resource
}

// Route is Router.Route's answer. Status is 0 when the proxy forwards
// to Backend, else the status it answers with itself: 404, 500, or a
// redirect's, with Location. Without a Gateway every field Match has is
// Match's (Route.Route is Match's Ingress).
type Route struct {
	Source        Source
	Decision      Decision
	Status        int
	Backend       Backend
	Route         IngressRef
	Rule          Rule
	VHost         VHostKind
	DefaultSource DefaultSource
	Gateway       IngressRef
	Listener      string
	// RuleIndex, MatchIndex, BackendIndex: -1 when they do not apply.
	RuleIndex, MatchIndex, BackendIndex int
	RuleName                            string
	Weight                              int
	Filters                             []Filter
	// Location of a redirect; UpstreamPath the path and query to send
	// upstream (after a URLRewrite).
	Location, UpstreamPath string
}

// answer reads back what ingroute_go_route wrote.
type answer struct {
	b   []byte
	bad bool
}

func (a *answer) int() int {
	if len(a.b) < 4 {
		a.bad = true
		return 0
	}
	v := int(int32(binary.LittleEndian.Uint32(a.b)))
	a.b = a.b[4:]
	return v
}

func (a *answer) str() string {
	n := a.int()
	if n < 0 {
		return ""
	}
	if n > len(a.b) {
		a.bad = true
		return ""
	}
	s := string(a.b[:n])
	a.b = a.b[n:]
	return s
}

// Route routes one request (docs/semantics.md §9.4): without a Gateway
// by the Ingresses (exactly Match's answer), with one through its
// listeners and the HTTPRoutes attached to them. It returns ErrClosed
// after Close and an *ArgumentError for a Gateway not "NS/NAME".
func (rt *Router) Route(q Request) (Route, error) {
	var ns, name string
	if q.Gateway != "" {
		var ok bool
		ns, name, ok = strings.Cut(q.Gateway, "/")
		if !ok || ns == "" || name == "" || strings.ContainsRune(q.Gateway, 0) {
			return Route{}, &ArgumentError{Arg: "Request.Gateway", Value: q.Gateway, Problem: "want NAMESPACE/NAME"}
		}
	}
	// headers: one byte block and offsets, neither holding a Go pointer
	var block []byte
	offs := make([]uint32, 0, 4*len(q.Header))
	for _, h := range q.Header {
		offs = append(offs, uint32(len(block)), uint32(len(h[0])))
		block = append(block, strings.ToLower(h[0])...)
		offs = append(offs, uint32(len(block)), uint32(len(h[1])))
		block = append(block, h[1]...)
	}
	var hbase *C.char
	var hoffs *C.uint32_t
	if len(block) > 0 {
		hbase = (*C.char)(unsafe.Pointer(&block[0]))
	}
	if len(offs) > 0 {
		hoffs = (*C.uint32_t)(unsafe.Pointer(&offs[0]))
	}
	https := C.int(0)
	if q.HTTPS {
		https = 1
	}
	if err := rt.acquire(); err != nil {
		return Route{}, err
	}
	defer rt.release()
	buf := make([]byte, 1024+len(q.Path)+len(q.Host))
	for {
		var need C.size_t
		rc := C.ingroute_go_route(rt.r, cstr(q.Method), C.size_t(len(q.Method)),
			cstr(q.Host), C.size_t(len(q.Host)), cstr(q.Path), C.size_t(len(q.Path)),
			hbase, hoffs, C.size_t(len(q.Header)), cstr(ns), C.size_t(len(ns)),
			cstr(name), C.size_t(len(name)), C.uint(q.Port), C.uint64_t(q.Random), https,
			(*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &need)
		if rc != 0 {
			return Route{}, check(rc, "route", nil)
		}
		if int(need) <= len(buf) {
			return decodeRoute(buf[:need])
		}
		buf = make([]byte, int(need))
	}
}

func decodeRoute(b []byte) (Route, error) {
	a := &answer{b: b}
	var r Route
	r.Source = Source(a.int())
	r.Decision = Decision(a.int())
	r.Status = a.int()
	r.Backend.Kind = BackendKind(a.int())
	port := a.int()
	r.Rule.PathType = PathType(a.int())
	r.VHost = VHostKind(a.int())
	r.DefaultSource = DefaultSource(a.int())
	r.RuleIndex = a.int()
	r.MatchIndex = a.int()
	r.BackendIndex = a.int()
	r.Weight = a.int()
	r.Backend.Namespace = a.str()
	r.Backend.Service = a.str()
	r.Backend.PortName = a.str()
	if r.Backend.PortName == "" {
		r.Backend.PortNumber = port
	}
	r.Backend.Resource = Resource{APIGroup: a.str(), Kind: a.str(), Name: a.str()}
	r.Route = IngressRef{Namespace: a.str(), Name: a.str()}
	r.Rule.Host = a.str()
	r.Rule.Path = a.str()
	r.Gateway = IngressRef{Namespace: a.str(), Name: a.str()}
	r.Listener = a.str()
	r.RuleName = a.str()
	r.Location = a.str()
	r.UpstreamPath = a.str()
	n := a.int()
	for i := 0; i < n && !a.bad; i++ {
		var f Filter
		f.Type = FilterType(a.int())
		f.Port = a.int()
		f.StatusCode = a.int()
		f.PathModifier = a.int()
		f.Mirror.PortNumber = a.int()
		f.MirrorNumerator = a.int()
		f.MirrorDenominator = a.int()
		f.Scheme = a.str()
		f.Hostname = a.str()
		f.Path = a.str()
		f.Mirror.Namespace = a.str()
		f.Mirror.Service = a.str()
		if f.Mirror.Service != "" {
			f.Mirror.Kind = BackendService
		}
		f.Extension = Resource{APIGroup: a.str(), Kind: a.str(), Name: a.str()}
		ne := a.int()
		for k := 0; k < ne && !a.bad; k++ {
			f.Edits = append(f.Edits, HeaderEdit{Op: a.int(), Name: a.str(), Value: a.str()})
		}
		r.Filters = append(r.Filters, f)
	}
	if r.Decision == DecisionNone {
		r.Backend = Backend{}
	}
	if r.Decision != DecisionPath {
		r.Rule = Rule{}
	}
	if a.bad {
		return Route{}, &Error{Op: "route", Status: ErrInvalidArgument}
	}
	return r, nil
}
