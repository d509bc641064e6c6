package ingroute

// The constants below are the C header's enum values, taken from it so
// that they cannot drift.

// #include <ingroute.h>
import "C"

import (
	"fmt"
	"strconv"
)

// Decision says what decided a match (docs/semantics.md §6).
type Decision int

const (
	// DecisionNone: no rule and no default backend; a proxy answers 404.
	DecisionNone Decision = C.INGROUTE_DECISION_NONE
	// DecisionPath: a path rule matched.
	DecisionPath Decision = C.INGROUTE_DECISION_PATH
	// DecisionDefault: no path matched; a default backend was chosen.
	DecisionDefault Decision = C.INGROUTE_DECISION_DEFAULT
)

func (d Decision) String() string {
	switch d {
	case DecisionNone:
		return "none"
	case DecisionPath:
		return "path"
	case DecisionDefault:
		return "default"
	}
	return "Decision(" + strconv.Itoa(int(d)) + ")"
}

// BackendKind tells a Service backend from a resource backend.
type BackendKind int

const (
	BackendNone     BackendKind = C.INGROUTE_BACKEND_NONE
	BackendService  BackendKind = C.INGROUTE_BACKEND_SERVICE
	BackendResource BackendKind = C.INGROUTE_BACKEND_RESOURCE
)

// PathType is a rule's pathType. ImplementationSpecific is reported as such
// whatever the matching mode.
type PathType int

const (
	PathExact                  PathType = C.INGROUTE_PATH_EXACT
	PathPrefix                 PathType = C.INGROUTE_PATH_PREFIX
	PathImplementationSpecific PathType = C.INGROUTE_PATH_IMPLEMENTATION_SPECIFIC
	// PathRegularExpression: an HTTPRoute's RegularExpression (Route only).
	PathRegularExpression PathType = C.INGROUTE_PATH_REGULAR_EXPRESSION
)

func (t PathType) String() string {
	switch t {
	case PathExact:
		return "Exact"
	case PathPrefix:
		return "Prefix"
	case PathImplementationSpecific:
		return "ImplementationSpecific"
	case PathRegularExpression:
		return "RegularExpression"
	}
	return "PathType(" + strconv.Itoa(int(t)) + ")"
}

// VHostKind says which virtual host answered (docs/semantics.md §5).
type VHostKind int

const (
	// VHostNone: no virtual host exists for the request; the global
	// default decided.
	VHostNone     VHostKind = C.INGROUTE_VHOST_NONE
	VHostExact    VHostKind = C.INGROUTE_VHOST_EXACT
	VHostWildcard VHostKind = C.INGROUTE_VHOST_WILDCARD
	// VHostAny: the rules without a host.
	VHostAny VHostKind = C.INGROUTE_VHOST_ANY
)

func (k VHostKind) String() string {
	switch k {
	case VHostNone:
		return "none"
	case VHostExact:
		return "exact"
	case VHostWildcard:
		return "wildcard"
	case VHostAny:
		return "any"
	}
	return "VHostKind(" + strconv.Itoa(int(k)) + ")"
}

// DefaultSource says where a default backend came from (docs/semantics.md
// §6 step 3).
type DefaultSource int

const (
	DefaultNone DefaultSource = C.INGROUTE_DEFAULT_NONE
	// DefaultVHost: the highest-precedence Ingress with rules for the
	// virtual host.
	DefaultVHost DefaultSource = C.INGROUTE_DEFAULT_VHOST
	// DefaultOption: Options.DefaultBackend.
	DefaultOption DefaultSource = C.INGROUTE_DEFAULT_OPTION
	// DefaultRuleless: the highest-precedence Ingress without rules.
	DefaultRuleless DefaultSource = C.INGROUTE_DEFAULT_RULELESS
	// DefaultAny: the highest-precedence Ingress with a defaultBackend.
	DefaultAny DefaultSource = C.INGROUTE_DEFAULT_ANY
)

func (s DefaultSource) String() string {
	switch s {
	case DefaultNone:
		return "none"
	case DefaultVHost:
		return "vhost"
	case DefaultOption:
		return "option"
	case DefaultRuleless:
		return "ruleless"
	case DefaultAny:
		return "any"
	}
	return "DefaultSource(" + strconv.Itoa(int(s)) + ")"
}

// ImplMode says how ImplementationSpecific paths match.
type ImplMode int

const (
	// ImplPrefix: element-wise prefix, like Prefix (the default).
	ImplPrefix ImplMode = C.INGROUTE_IMPL_PREFIX
	// ImplExact: byte for byte, like Exact.
	ImplExact ImplMode = C.INGROUTE_IMPL_EXACT
	// ImplStringPrefix: plain string prefix, like nginx's location /foo.
	ImplStringPrefix ImplMode = C.INGROUTE_IMPL_STRING_PREFIX
)

// ParseImplMode reads "prefix", "exact" or "string-prefix".
func ParseImplMode(s string) (ImplMode, error) {
	switch s {
	case "prefix", "":
		return ImplPrefix, nil
	case "exact":
		return ImplExact, nil
	case "string-prefix":
		return ImplStringPrefix, nil
	}
	return 0, fmt.Errorf("ingroute: impl-specific mode %q is not prefix, exact or string-prefix", s)
}

// Severity of a diagnostic.
type Severity int

const (
	SeverityNote    Severity = C.INGROUTE_NOTE
	SeverityWarning Severity = C.INGROUTE_WARNING
	SeverityError   Severity = C.INGROUTE_ERROR
)

func (s Severity) String() string {
	switch s {
	case SeverityNote:
		return "note"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return "Severity(" + strconv.Itoa(int(s)) + ")"
}

// DiagCode says what a diagnostic is about (enum ingroute_diag_code).
type DiagCode int

const (
	DiagSyntax       DiagCode = C.INGROUTE_D_SYNTAX
	DiagLimit        DiagCode = C.INGROUTE_D_LIMIT
	DiagIO           DiagCode = C.INGROUTE_D_IO
	DiagType         DiagCode = C.INGROUTE_D_TYPE
	DiagDuplicateKey DiagCode = C.INGROUTE_D_DUPLICATE_KEY
	DiagInvalid      DiagCode = C.INGROUTE_D_INVALID
	DiagUnknownField DiagCode = C.INGROUTE_D_UNKNOWN_FIELD
	DiagSkippedKind  DiagCode = C.INGROUTE_D_SKIPPED_KIND
	DiagClass        DiagCode = C.INGROUTE_D_CLASS
	DiagReplaced     DiagCode = C.INGROUTE_D_REPLACED
	DiagConflict     DiagCode = C.INGROUTE_D_CONFLICT
	DiagShadowed     DiagCode = C.INGROUTE_D_SHADOWED
	DiagTruncated    DiagCode = C.INGROUTE_D_TRUNCATED
	DiagObject       DiagCode = C.INGROUTE_D_OBJECT
	// DiagKept: an invalid version was not applied; the message names the
	// valid version that stays (docs/semantics.md §1.6).
	DiagKept DiagCode = C.INGROUTE_D_KEPT
	// DiagOption: an option cannot be used; Field is the C member's name
	// ("default_backend"). NewRuleset and CompileWith return these in an
	// *Error (ErrInvalidArgument).
	DiagOption DiagCode = C.INGROUTE_D_OPTION
	// DiagUnserved: an Ingress or IngressClass of a version the API
	// server does not serve (kubectl's "no matches for kind"), an error.
	DiagUnserved DiagCode = C.INGROUTE_D_UNSERVED
	// DiagDeprecated: a warning the API server sends on create (the
	// deprecated kubernetes.io/ingress.class annotation).
	DiagDeprecated DiagCode = C.INGROUTE_D_DEPRECATED
	// DiagController: a note naming an ingress controller's routing
	// annotations that are not applied (docs/semantics.md §2.4).
	DiagController DiagCode = C.INGROUTE_D_CONTROLLER
	// DiagNotAttached: an HTTPRoute or one of its parentRefs attaches to
	// no listener, worded as its Accepted=False condition
	// (docs/semantics.md §9.3).
	DiagNotAttached DiagCode = C.INGROUTE_D_NOT_ATTACHED
	// DiagUnresolved: a backendRef does not resolve, worded as its
	// ResolvedRefs=False condition; requests routed to it get 500.
	DiagUnresolved DiagCode = C.INGROUTE_D_UNRESOLVED
	// DiagNotApplied: a note on a valid HTTPRoute's field that the
	// answer does not carry (a CORS filter, timeouts).
	DiagNotApplied DiagCode = C.INGROUTE_D_NOT_APPLIED
)

// Diagnostic is one finding of a load or a compile. String() gives the
// library's one-line form "FILE:LINE:COL: SEVERITY: KIND NS/NAME: FIELD:
// MESSAGE". Unknown parts are empty (Line and Column 0).
type Diagnostic struct {
	Severity  Severity
	Code      DiagCode
	File      string
	Line      int
	Column    int
	Kind      string
	Namespace string
	Name      string
	Field     string
	Message   string
	// Text is the line formatted by ingroute_diags_format().
	Text string
}

func (d Diagnostic) String() string { return d.Text }

// Resource is a resource backend (apiGroup empty when absent).
type Resource struct {
	APIGroup, Kind, Name string
}

// Backend is a Service (name, and a port number or a port name) or a
// resource. Namespace is the declaring Ingress's, or the default-backend
// option's.
type Backend struct {
	Kind       BackendKind
	Namespace  string
	Service    string
	PortNumber int
	PortName   string
	Resource   Resource
}

// Port is the port name, else the port number, as text.
func (b Backend) Port() string {
	if b.PortName != "" {
		return b.PortName
	}
	return strconv.Itoa(b.PortNumber)
}

// String gives "NS/SERVICE:PORT" or "resource:APIGROUP/KIND/NAME" ("-" for
// no apiGroup), as the spec tables write backends.
func (b Backend) String() string {
	switch b.Kind {
	case BackendService:
		return b.Namespace + "/" + b.Service + ":" + b.Port()
	case BackendResource:
		g := b.Resource.APIGroup
		if g == "" {
			g = "-"
		}
		return "resource:" + g + "/" + b.Resource.Kind + "/" + b.Resource.Name
	}
	return "none"
}

// IngressRef names an Ingress.
type IngressRef struct {
	Namespace, Name string
}

func (r IngressRef) String() string { return r.Namespace + "/" + r.Name }

// Rule is the rule that matched: its host ("" for a rule without one),
// path and pathType.
type Rule struct {
	Host     string
	Path     string
	PathType PathType
}

// Match is the answer to one lookup. Its strings are Go copies and stay
// valid after the router is closed.
type Match struct {
	Decision Decision
	// Backend.Kind is BackendNone when Decision is DecisionNone.
	Backend Backend
	// Ingress is the Ingress that declared the rule or default backend;
	// zero for the default-backend option and for DecisionNone.
	Ingress IngressRef
	// Rule is set only for DecisionPath.
	Rule          Rule
	VHost         VHostKind
	DefaultSource DefaultSource
}

// String gives the spec tables' text: "path BACKEND via NS/NAME RULEHOST
// TYPE RULEPATH", "default BACKEND via NS/NAME", "default BACKEND via
// option" or "none".
func (m Match) String() string {
	switch m.Decision {
	case DecisionPath:
		h := m.Rule.Host
		if h == "" {
			h = "-"
		}
		return "path " + m.Backend.String() + " via " + m.Ingress.String() + " " + h + " " +
			m.Rule.PathType.String() + " " + m.Rule.Path
	case DecisionDefault:
		if m.Ingress.Name == "" {
			return "default " + m.Backend.String() + " via option"
		}
		return "default " + m.Backend.String() + " via " + m.Ingress.String()
	}
	return "none"
}

// TLSMatch is the certificate for an SNI name (docs/semantics.md §8).
type TLSMatch struct {
	// Found is false when no TLS entry applies; the rest is then zero.
	Found bool
	// The Secret: the Ingress's namespace and spec.tls[].secretName.
	SecretNamespace, SecretName string
	// Host is the spec.tls[].hosts entry that matched ("" for an entry
	// without hosts).
	Host    string
	Ingress IngressRef
}

// IngressInfo describes one Ingress held by a Ruleset.
type IngressInfo struct {
	Namespace, Name string
	File            string
	Line, Column    int
	Served          bool
	// Reason says why it is or is not served.
	Reason            string
	IngressClass      string
	Rules, Paths, TLS int
	HasDefaultBackend bool
}

// Stats are the counts recorded when a Router was compiled (struct
// ingroute_stats).
type Stats struct {
	// IngressesServed were compiled in: served under the class rules.
	IngressesServed int
	// IngressesSkipped are not served because of their class.
	IngressesSkipped int
	// IngressesInvalid: their latest loaded version failed validation.
	IngressesInvalid int
	VirtualHosts     int
	// Paths is the number of path rules compiled.
	Paths int
	// Conflicts and Shadowed count the compile's warnings of each kind.
	Conflicts, Shadowed int
	TLSEntries          int
	// IndexBytes is the index's memory, strings excluded; StringBytes
	// the strings'.
	IndexBytes, StringBytes int
	// Generation is the Ruleset's Generation() when this Router was
	// compiled from it.
	Generation uint64
	// ControllerAnnotated counts the served Ingresses with annotations of
	// an ingress controller that change routing and are not applied
	// (each got a DiagController note).
	ControllerAnnotated int
	// GatewayListeners counts the HTTP listeners of served Gateways,
	// HTTPRoutesAttached the HTTPRoutes attached to at least one of them
	// and GatewayMatches the matches they hold (one per rule match,
	// listener and hostname; docs/semantics.md §9).
	GatewayListeners, HTTPRoutesAttached, GatewayMatches int
}
