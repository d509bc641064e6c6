package ingroute

import (
	"fmt"
	"strconv"
)

// Decision says what decided a match (docs/semantics.md §6).
type Decision int

const (
	// DecisionNone: no rule and no default backend; a proxy answers 404.
	DecisionNone Decision = 0
	// DecisionPath: a path rule matched.
	DecisionPath Decision = 1
	// DecisionDefault: no path matched; a default backend was chosen.
	DecisionDefault Decision = 2
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
	BackendNone     BackendKind = 0
	BackendService  BackendKind = 1
	BackendResource BackendKind = 2
)

// PathType is a rule's pathType. ImplementationSpecific is reported as such
// whatever the matching mode.
type PathType int

const (
	PathExact                  PathType = 1
	PathPrefix                 PathType = 2
	PathImplementationSpecific PathType = 3
)

func (t PathType) String() string {
	switch t {
	case PathExact:
		return "Exact"
	case PathPrefix:
		return "Prefix"
	case PathImplementationSpecific:
		return "ImplementationSpecific"
	}
	return "PathType(" + strconv.Itoa(int(t)) + ")"
}

// VHostKind says which virtual host answered (docs/semantics.md §5).
type VHostKind int

const (
	// VHostNone: no virtual host exists for the request; the global
	// default decided.
	VHostNone     VHostKind = 0
	VHostExact    VHostKind = 1
	VHostWildcard VHostKind = 2
	// VHostAny: the rules without a host.
	VHostAny VHostKind = 3
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
	DefaultNone DefaultSource = 0
	// DefaultVHost: the highest-precedence Ingress with rules for the
	// virtual host.
	DefaultVHost DefaultSource = 1
	// DefaultOption: Options.DefaultBackend.
	DefaultOption DefaultSource = 2
	// DefaultRuleless: the highest-precedence Ingress without rules.
	DefaultRuleless DefaultSource = 3
	// DefaultAny: the highest-precedence Ingress with a defaultBackend.
	DefaultAny DefaultSource = 4
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
	ImplPrefix ImplMode = 0
	// ImplExact: byte for byte, like Exact.
	ImplExact ImplMode = 1
	// ImplStringPrefix: plain string prefix, like nginx's location /foo.
	ImplStringPrefix ImplMode = 2
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
	SeverityNote    Severity = 0
	SeverityWarning Severity = 1
	SeverityError   Severity = 2
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
	DiagSyntax       DiagCode = 1
	DiagLimit        DiagCode = 2
	DiagIO           DiagCode = 3
	DiagType         DiagCode = 4
	DiagDuplicateKey DiagCode = 5
	DiagInvalid      DiagCode = 6
	DiagUnknownField DiagCode = 7
	DiagSkippedKind  DiagCode = 8
	DiagClass        DiagCode = 9
	DiagReplaced     DiagCode = 10
	DiagConflict     DiagCode = 11
	DiagShadowed     DiagCode = 12
	DiagTruncated    DiagCode = 13
	DiagObject       DiagCode = 14
	// DiagKept: an invalid version was not applied; the message names the
	// valid version that stays (docs/semantics.md §1.6).
	DiagKept DiagCode = 15
	// DiagOption: an option cannot be used; Field is the C member's name
	// ("default_backend"). NewRuleset and CompileWith return these in an
	// *Error (ErrInvalidArgument).
	DiagOption DiagCode = 16
	// DiagUnserved: an Ingress or IngressClass of a version the API
	// server does not serve (kubectl's "no matches for kind"), an error.
	DiagUnserved DiagCode = 17
	// DiagDeprecated: a warning the API server sends on create (the
	// deprecated kubernetes.io/ingress.class annotation).
	DiagDeprecated DiagCode = 18
	// DiagController: a note naming an ingress controller's routing
	// annotations that are not applied (docs/semantics.md §2.4).
	DiagController DiagCode = 19
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
}
