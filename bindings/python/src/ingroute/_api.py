"""The Pythonic layer over libingroute: options, diagnostics, errors, the
ruleset (loader) and the compiled router."""

from __future__ import annotations

import ctypes
import enum
import errno as _errno
import json
import os
import stat as _stat
import threading
from dataclasses import dataclass, field as dc_field, replace as dc_replace
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Union, cast

from . import _ffi
from ._ffi import lib

PathLike = Union[str, "os.PathLike[str]"]

# --------------------------------------------------------------- enums


class Severity(enum.IntEnum):
    """enum ingroute_severity."""

    NOTE = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


class DiagCode(enum.IntEnum):
    """enum ingroute_diag_code: what a diagnostic is about."""

    SYNTAX = 1
    LIMIT = 2
    IO = 3
    TYPE = 4
    DUPLICATE_KEY = 5
    INVALID = 6
    UNKNOWN_FIELD = 7
    SKIPPED_KIND = 8
    CLASS = 9
    REPLACED = 10
    CONFLICT = 11
    SHADOWED = 12
    TRUNCATED = 13
    OBJECT = 14
    KEPT = 15
    """An invalid version of a held object was not applied; the message
    names the valid version that stays (docs/semantics.md §1.6)."""
    OPTION = 16
    """An option cannot be used; ``field`` is the C member's name
    (ingroute_options_check(); an InvalidArgumentError carries it)."""
    UNSERVED = 17
    """An Ingress or IngressClass of a version the API server does not
    serve (kubectl's "no matches for kind"): an error."""
    DEPRECATED = 18
    """A warning the API server sends on create (the deprecated
    kubernetes.io/ingress.class annotation)."""
    CONTROLLER = 19
    """A note naming an ingress controller's routing annotations that are
    not applied (docs/semantics.md §2.4)."""
    NOT_ATTACHED = 20
    """A warning: an HTTPRoute or one of its parentRefs attaches to no
    listener, worded as its Accepted=False condition (docs/semantics.md
    §9.3)."""
    UNRESOLVED = 21
    NOT_APPLIED = 22
    """A warning: a backendRef does not resolve, worded as its
    ResolvedRefs=False condition; requests routed to it get 500."""


class Decision(enum.IntEnum):
    """What decided a match (docs/semantics.md §6)."""

    NONE = 0
    PATH = 1
    DEFAULT = 2

    def __str__(self) -> str:
        return self.name.lower()


class PathType(enum.IntEnum):
    EXACT = 1
    PREFIX = 2
    IMPLEMENTATION_SPECIFIC = 3
    REGULAR_EXPRESSION = 4
    """An HTTPRoute's RegularExpression path (Router.route() only)."""

    def __str__(self) -> str:
        return {1: "Exact", 2: "Prefix", 3: "ImplementationSpecific",
                4: "RegularExpression"}[int(self)]


class VHostKind(enum.IntEnum):
    """Which virtual host answered (docs/semantics.md §5)."""

    NONE = 0
    EXACT = 1
    WILDCARD = 2
    ANY = 3


class DefaultSource(enum.IntEnum):
    """Where a default backend came from (docs/semantics.md §6 step 3)."""

    NONE = 0
    VHOST = 1
    OPTION = 2
    RULELESS = 3
    ANY = 4


class ImplSpecific(enum.IntEnum):
    """How ImplementationSpecific paths match."""

    PREFIX = 0
    EXACT = 1
    STRING_PREFIX = 2


_IMPL_NAMES = {
    "prefix": ImplSpecific.PREFIX,
    "exact": ImplSpecific.EXACT,
    "string-prefix": ImplSpecific.STRING_PREFIX,
    "string_prefix": ImplSpecific.STRING_PREFIX,
}

# --------------------------------------------------------- diagnostics


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic of a load or a compile. ``str(d)`` is the library's
    one-line form, ``FILE:LINE:COL: SEVERITY: KIND NS/NAME: FIELD: MESSAGE``.
    Unknown parts are None (line and column 0)."""

    severity: Severity
    code: DiagCode | int
    file: Optional[str]
    line: int
    column: int
    kind: Optional[str]
    namespace: Optional[str]
    name: Optional[str]
    field: Optional[str]
    message: str
    text: str = dc_field(repr=False, compare=False, default="")

    def __str__(self) -> str:
        return self.text


def _read_diags(d: ctypes.c_void_p) -> List[Diagnostic]:
    out: List[Diagnostic] = []
    n = lib.ingroute_diags_count(d)
    cd = _ffi.CDiag()
    for i in range(n):
        cd.size = _ffi.DIAG_SIZE
        if lib.ingroute_diags_get(d, i, ctypes.byref(cd)) != 0:
            continue
        need = lib.ingroute_diags_format(d, i, None, 0)
        buf = ctypes.create_string_buffer(need + 1)
        lib.ingroute_diags_format(d, i, buf, need + 1)
        try:
            code: DiagCode | int = DiagCode(cd.code)
        except ValueError:  # a newer library's code
            code = cd.code
        out.append(
            Diagnostic(
                severity=Severity(cd.severity),
                code=code,
                file=_ffi.text(cd.file),
                line=cd.line,
                column=cd.column,
                kind=_ffi.text(cd.kind),
                namespace=_ffi.text(cd.ns),
                name=_ffi.text(cd.name),
                field=_ffi.text(cd.field),
                message=_ffi.text(cd.message) or "",
                text=_ffi.text(buf.raw[:need]) or "",
            )
        )
    return out


class _Diags:
    """A C diagnostics list, freed on exit."""

    def __init__(self) -> None:
        self.ptr = ctypes.c_void_p()
        _raise(lib.ingroute_diags_new(ctypes.byref(self.ptr), None), "diags_new")

    def __enter__(self) -> "_Diags":
        return self

    def __exit__(self, *exc: object) -> None:
        lib.ingroute_diags_free(self.ptr)
        self.ptr = ctypes.c_void_p()

    def read(self) -> List[Diagnostic]:
        return _read_diags(self.ptr)


# -------------------------------------------------------------- errors


class IngrouteError(Exception):
    """A call into libingroute failed. ``status`` is the library's negative
    code, ``diagnostics`` every diagnostic the failed call produced."""

    status: int = 0

    def __init__(self, message: str, status: int,
                 diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.diagnostics: List[Diagnostic] = list(diagnostics)

    @property
    def errors(self) -> List[Diagnostic]:
        """The diagnostics of severity error."""
        return [d for d in self.diagnostics if d.severity == Severity.ERROR]


class InvalidArgumentError(IngrouteError, ValueError):
    """INGROUTE_EINVAL: an argument or option was malformed. Also raised
    before calling the library for what it cannot be given as it is: a
    negative limit (a size_t in C, where -1 means no limit at all) and a
    string with a NUL byte (C would read it cut short).

    For options the library refuses (a default_backend that is not
    NAMESPACE/SERVICE:PORT, a namespace that is no DNS label, an empty
    class), the message names each option as this package spells it,
    followed by the library's words, and ``diagnostics`` holds the
    library's DiagCode.OPTION errors (their ``field`` the C member's
    name)::

        Options.default_backend: Invalid value: "shop/web": must be NAMESPACE/SERVICE:PORT (no ':PORT')
    """


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument of the wrong type (``match(None, None)``, a limit given
    as a str). A TypeError as Python's own checks raise, and an
    InvalidArgumentError so that one ``except`` clause catches every
    argument the binding refuses."""


class OutOfMemoryError(IngrouteError, MemoryError):
    """INGROUTE_ENOMEM."""


class LoadIOError(IngrouteError, OSError):
    """INGROUTE_EIO: a file or directory could not be read.

    An OSError. When the system's error could be learnt, ``errno``,
    ``strerror`` and ``filename`` are set, and the exception is a
    LoadFileNotFoundError (ENOENT) or LoadPermissionError (EACCES, EPERM);
    otherwise (a FIFO or a device the library refused unread, say) they
    are None. ``str()`` is the library's message, as for the other
    errors."""

    def __str__(self) -> str:
        # OSError's would be "[Errno 2] ..." once errno is set.
        return str(self.args[0])


class LoadFileNotFoundError(LoadIOError, FileNotFoundError):
    """LoadIOError for a file or directory that does not exist (ENOENT)."""


class LoadPermissionError(LoadIOError, PermissionError):
    """LoadIOError for a file or directory that may not be read (EACCES,
    EPERM)."""


class ManifestSyntaxError(IngrouteError):
    """INGROUTE_ESYNTAX: the input is not well-formed YAML or JSON."""


class LimitError(IngrouteError):
    """INGROUTE_ELIMIT: the input exceeds a limit of the options."""


class ValidationError(IngrouteError):
    """INGROUTE_EINVALID: strict mode, and an object failed validation."""


class NotFoundError(IngrouteError, KeyError):
    """INGROUTE_ENOENT: no such object."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class ClosedError(IngrouteError, ValueError):
    """The router or ruleset was closed."""


_ERRORS = {
    _ffi.EINVAL: InvalidArgumentError,
    _ffi.ENOMEM: OutOfMemoryError,
    _ffi.EIO: LoadIOError,
    _ffi.ESYNTAX: ManifestSyntaxError,
    _ffi.ELIMIT: LimitError,
    _ffi.EINVALID: ValidationError,
    _ffi.ENOENT: NotFoundError,
}


def strerror(status: int) -> str:
    """The library's description of a status code."""
    return _ffi.text(lib.ingroute_strerror(status)) or ""


_IO_ERRORS = {
    _errno.ENOENT: LoadFileNotFoundError,
    _errno.EACCES: LoadPermissionError,
    _errno.EPERM: LoadPermissionError,
}


def _raise(rc: int, what: str, diagnostics: Sequence[Diagnostic] = (),
           paths: Optional[Sequence[bytes]] = None) -> None:
    """Raises the exception for a status. ``paths`` are the files and
    directories a load was given: with them, an INGROUTE_EIO learns the
    system's error (_io_cause)."""
    if rc == 0:
        return
    msg = f"{what}: {strerror(rc)}"
    first = next((d for d in diagnostics if d.severity == Severity.ERROR), None)
    if first is not None:
        msg += f": {first}"
    cause = None
    if rc == _ffi.EIO and paths is not None:
        cause = _io_cause(paths, diagnostics)
    if cause is None:
        raise _ERRORS.get(rc, IngrouteError)(msg, rc, diagnostics)
    err = _IO_ERRORS.get(cause.errno or 0, LoadIOError)(msg, rc, diagnostics)
    err.errno = cause.errno
    err.strerror = cause.strerror
    err.filename = cause.filename
    raise err


def _io_cause(named: Sequence[bytes], diagnostics: Sequence[Diagnostic]
              ) -> Optional[OSError]:
    """The system's error behind a load that failed with INGROUTE_EIO.

    The library returns no errno: it reports the failure as an error
    diagnostic of code IO with the file's name and strerror's text in the
    message. The text is not parsed (it is the library's wording, and
    strerror's in the locale of the moment); the file the diagnostic names
    is asked again, as the library asked it (_probe). The answer is the
    file system's right after the failure, so a file created or fixed in
    between gives None, as does an input the library refused for its own
    reason. ``named`` are the paths the caller gave; other files are
    entries a directory listed."""
    tried = False
    for d in diagnostics:
        if d.severity != Severity.ERROR or d.code != DiagCode.IO or d.file is None:
            continue
        tried = True
        # The inverse of how the name was decoded (_ffi.text), so the
        # bytes are the library's.
        f = _ffi.encode(d.file)
        cause = _probe(f, f in named)
        if cause is not None:
            return cause
    if tried:
        return None
    # No diagnostic named a file (a list that ran out of room): the
    # failure is one of the caller's paths.
    for p in named:
        cause = _probe(p, True)
        if cause is not None:
            return cause
    return None


def _probe(path: bytes, named: bool) -> Optional[OSError]:
    """Repeats what the library does to read ``path`` and returns the
    system's error for it, if any: stat, then an open for reading of a
    regular file or a directory, never of anything else (the library
    refuses a FIFO or a device unread, and opening one could block or
    act)."""
    try:
        st = os.stat(path)
    except OSError as e:
        # A listed symbolic link to nothing is skipped with an error
        # diagnostic (docs/semantics.md §1.7) but does not fail the load:
        # the cause is another entry.
        if not named and e.errno == _errno.ENOENT:
            try:
                if _stat.S_ISLNK(os.lstat(path).st_mode):
                    return None
            except OSError:
                pass
        return _with_str_filename(e, path)
    if not (_stat.S_ISREG(st.st_mode) or _stat.S_ISDIR(st.st_mode)):
        return None
    try:
        # O_NONBLOCK as the library opens: should the file have become a
        # FIFO since the stat, the open does not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as e:
        return _with_str_filename(e, path)
    os.close(fd)
    return None


def _with_str_filename(e: OSError, path: bytes) -> OSError:
    """The error with its filename as str (os functions given bytes report
    bytes), as the paths of the diagnostics are."""
    e.filename = os.fsdecode(path)
    return e


# ------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    """Options of a ruleset and the routers compiled from it
    (struct ingroute_options). 0 in a limit means the library's default."""

    class_: Optional[str] = None
    """Serve only Ingresses of this class (docs/semantics.md §3); None
    serves all."""
    default_class: bool = False
    """The class is the cluster's default IngressClass."""
    namespace: Optional[str] = None
    """Namespace of objects that name none (default "default")."""
    impl_specific: Union[ImplSpecific, str] = ImplSpecific.PREFIX
    """"prefix", "exact" or "string-prefix" (or an ImplSpecific)."""
    fallthrough: bool = False
    """Try exact host, wildcard host, then host-less rules for a path."""
    normalize: bool = True
    """Normalise request hosts and paths (docs/semantics.md §4)."""
    default_backend: Optional[str] = None
    """Global default backend "NAMESPACE/SERVICE:PORT"."""
    strict: bool = False
    """Any error diagnostic fails the load (ValidationError)."""
    max_input_bytes: int = 0
    max_depth: int = 0
    max_nodes: int = 0
    max_alias_nodes: int = 0
    max_scalar_bytes: int = 0
    max_diagnostics: int = 0
    max_alias_bytes: int = 0
    gateway_controller: Optional[str] = None
    """Serve only Gateways whose GatewayClass has this controllerName
    (docs/semantics.md §9.3); None serves every GatewayClass."""

    def __post_init__(self) -> None:
        """Refuses what could not reach C as given: ctypes stores -1 in a
        size_t as SIZE_MAX (no limit at all) and keeps only the low bits of
        a larger number; a NUL byte would end a string early in C."""
        for name in _LIMITS:
            v = getattr(self, name)
            # bool is an int, but True is no limit anyone means.
            if not isinstance(v, int) or isinstance(v, bool):
                raise ArgumentTypeError(
                    f"Options.{name} must be an int, not {type(v).__name__}",
                    _ffi.EINVAL)
            if v < 0:
                raise InvalidArgumentError(
                    f"Options.{name} is {v}: must not be negative", _ffi.EINVAL)
            if v > _SIZE_MAX:
                raise InvalidArgumentError(
                    f"Options.{name} is {v}: must be at most {_SIZE_MAX}", _ffi.EINVAL)
        for name in ("class_", "namespace", "default_backend",
                     "gateway_controller"):
            v = getattr(self, name)
            if v is not None:
                _c_str(v, f"Options.{name}")
        _impl_mode(self.impl_specific, "Options.impl_specific")

    def _to_c(self) -> tuple[_ffi.COptions, list[bytes]]:
        """The C struct, and the byte strings it points into (keep them
        alive until ingroute_ruleset_new() has copied them)."""
        o = _ffi.COptions()
        _raise(lib.ingroute_options_init(ctypes.byref(o), _ffi.OPTIONS_SIZE),
               "options_init")
        o.size = _ffi.OPTIONS_SIZE
        keep: list[bytes] = []

        def s(v: Optional[str], what: str) -> Optional[bytes]:
            b = _opt_c_str(v, what)  # __post_init__ has refused a NUL
            if b is not None:
                keep.append(b)
            return b

        flags = 0
        if self.strict:
            flags |= _ffi.OPT_STRICT
        if self.default_class:
            flags |= _ffi.OPT_DEFAULT_CLASS
        if not self.normalize:
            flags |= _ffi.OPT_NO_NORMALIZE
        if self.fallthrough:
            flags |= _ffi.OPT_FALLTHROUGH
        o.flags = flags
        o.ingress_class = s(self.class_, "Options.class_")
        o.default_namespace = s(self.namespace, "Options.namespace")
        o.impl_specific = _impl_mode(self.impl_specific)
        o.default_backend = s(self.default_backend, "Options.default_backend")
        if _ffi.OPTIONS_SIZE >= _ffi.COptions.gateway_controller.offset + \
                ctypes.sizeof(ctypes.c_char_p):
            o.gateway_controller = s(self.gateway_controller,
                                     "Options.gateway_controller")
        for name in _LIMITS:
            setattr(o, name, getattr(self, name))
        return o, keep

    def _c_names(self) -> Dict[str, str]:
        """This class's spelling of the members of struct ingroute_options
        that ingroute_options_check() may refuse. The flags are the bits
        the bool fields set, so "flags" names the fields that set one."""
        flags = [f"Options.{name}" for name, on in (
            ("strict", self.strict), ("default_class", self.default_class),
            ("normalize", not self.normalize), ("fallthrough", self.fallthrough))
            if on]
        return dict(_OPTION_NAMES, flags=", ".join(flags) or "Options")


#: struct ingroute_options members as Options spells them.
_OPTION_NAMES = {
    "ingress_class": "Options.class_",
    "default_namespace": "Options.namespace",
    "impl_specific": "Options.impl_specific",
    "default_backend": "Options.default_backend",
    "gateway_controller": "Options.gateway_controller",
}


def _check_options(copts: _ffi.COptions, names: Dict[str, str]) -> None:
    """Raises InvalidArgumentError when the library would refuse copts.

    ingroute_ruleset_new() and ingroute_router_compile_with() answer bad
    options with a bare INGROUTE_EINVAL; ingroute_options_check() refuses
    exactly the same options and says why, one DiagCode.OPTION error per
    option with the C member's name as its field. The message names each
    as ``names`` spells it (a member not in it keeps its C name) and
    quotes the library's message; the exception carries the
    diagnostics."""
    with _Diags() as d:
        rc = lib.ingroute_options_check(ctypes.byref(copts), d.ptr)
        diags = d.read()
    if rc == 0:
        return
    refused = [x for x in diags
               if x.severity == Severity.ERROR and x.code == DiagCode.OPTION]
    if rc != _ffi.EINVAL or not refused:
        _raise(rc, "options_check", diags)
    raise InvalidArgumentError(
        "; ".join(f"{names.get(x.field or '', x.field)}: {x.message}" for x in refused),
        rc, diags)


_LIMITS = ("max_input_bytes", "max_depth", "max_nodes", "max_alias_nodes",
           "max_scalar_bytes", "max_diagnostics", "max_alias_bytes")
_SIZE_MAX = 2 ** (8 * ctypes.sizeof(ctypes.c_size_t)) - 1


def _text(value: object, what: str) -> bytes:
    """Text the library takes with its length (manifests, hosts, paths of
    requests): any bytes, NUL included, are passed whole."""
    if not isinstance(value, (str, bytes)):
        raise ArgumentTypeError(
            f"{what} must be str or bytes, not {type(value).__name__}", _ffi.EINVAL)
    return _ffi.encode(value)


def _c_str(value: object, what: str) -> bytes:
    """A string the library reads up to its NUL (names, keys, options). A
    NUL inside would end it early, naming another class, key or backend,
    so it is refused."""
    b = _text(value, what)
    if b"\0" in b:
        raise InvalidArgumentError(f"{what} is {value!r}: must not contain a NUL byte",
                                   _ffi.EINVAL)
    return b


def _opt_c_str(value: object, what: str) -> Optional[bytes]:
    return None if value is None else _c_str(value, what)


def _path(path: object, what: str) -> bytes:
    """A path as the library takes it. A NUL would silently cut the name
    short in C, so it is refused as open() refuses it."""
    try:
        p = os.fsencode(path)  # type: ignore[arg-type]
    except TypeError:
        raise ArgumentTypeError(
            f"{what} must be str, bytes or os.PathLike, not {type(path).__name__}",
            _ffi.EINVAL) from None
    if b"\0" in p:
        raise InvalidArgumentError(f"{what} is {path!r}: must not contain a NUL byte",
                                   _ffi.EINVAL)
    return p


def _impl_mode(impl: object, what: str = "impl_specific") -> int:
    if isinstance(impl, str):
        try:
            return int(_IMPL_NAMES[impl.lower()])
        except KeyError:
            raise InvalidArgumentError(
                f"{what}: {impl!r} is not prefix, exact or string-prefix",
                _ffi.EINVAL) from None
    if not isinstance(impl, int) or isinstance(impl, bool):
        raise ArgumentTypeError(
            f"{what} must be an ImplSpecific or a str, not {type(impl).__name__}",
            _ffi.EINVAL)
    try:
        return int(ImplSpecific(impl))
    except ValueError:
        raise InvalidArgumentError(f"{what}: {impl!r} is not an ImplSpecific",
                                   _ffi.EINVAL) from None


# ------------------------------------------------------------- ruleset


@dataclass(frozen=True)
class IngressInfo:
    """One Ingress held by a ruleset (struct ingroute_ingress_info)."""

    namespace: str
    name: str
    file: Optional[str]
    line: int
    column: int
    served: bool
    reason: Optional[str]
    ingress_class: Optional[str]
    rules: int
    paths: int
    tls: int
    has_default_backend: bool


def _info(ci: _ffi.CIngressInfo) -> IngressInfo:
    return IngressInfo(
        namespace=_ffi.text(ci.ns) or "",
        name=_ffi.text(ci.name) or "",
        file=_ffi.text(ci.file),
        line=ci.line,
        column=ci.column,
        served=bool(ci.served),
        reason=_ffi.text(ci.reason),
        ingress_class=_ffi.text(ci.ingress_class),
        rules=ci.rules,
        paths=ci.paths,
        tls=ci.tls,
        has_default_backend=bool(ci.has_default_backend),
    )


class _Owned:
    """An object owning one library handle (self._ptr), released once by
    the first of close(), leaving a ``with`` block, or garbage collection.
    Subclasses name the release function as ``_release``, set ``_ptr``
    before anything that can fail, and ``_lock`` once the handle is made."""

    # A staticmethod on the class, so it is still reachable from __del__
    # at interpreter exit when module globals may already be gone.
    _release: Any
    _ptr: Optional[ctypes.c_void_p]
    _lock: threading.Lock

    def _drop(self) -> None:
        ptr, self._ptr = self._ptr, None
        if ptr is not None:
            self._release(ptr)

    def close(self) -> None:
        """Releases the handle. Waits for calls in progress; later calls
        raise ClosedError. Calling close() twice is fine."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            return
        with lock:
            self._drop()

    @property
    def closed(self) -> bool:
        return self._ptr is None

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # Safety net only: nobody else can hold the object now, so no lock
        # (__init__ may also have failed before making it).
        if getattr(self, "_ptr", None) is not None:
            self._drop()


class Ruleset(_Owned):
    """The loader: Ingresses and IngressClasses keyed by namespace/name, as
    a controller keeps its desired state. Load text or files into it,
    remove objects, and compile routers from it. Not thread-safe (a lock
    serialises calls). Use as a context manager or call close(); routers
    compiled from it stay usable after close()."""

    _release = staticmethod(lib.ingroute_ruleset_free)

    def __init__(self, options: Optional[Options] = None, **kwargs: Any) -> None:
        """Creates an empty ruleset. Pass an Options, or its fields as
        keywords (``Ruleset(class_="public", strict=True)``). Options the
        library refuses raise InvalidArgumentError naming each, with the
        library's reason (``Options.namespace: Invalid value: "Team_A":
        a lowercase RFC 1123 label must consist of ...``)."""
        self._ptr: Optional[ctypes.c_void_p] = None
        if options is None:
            options = Options(**kwargs)
        elif kwargs:
            raise TypeError("pass either options or keywords, not both")
        elif not isinstance(options, Options):
            raise ArgumentTypeError(
                f"options must be an ingroute.Options, not {type(options).__name__}",
                _ffi.EINVAL)
        self.options = options
        copts, keep = options._to_c()
        _check_options(copts, options._c_names())
        ptr = ctypes.c_void_p()
        _raise(lib.ingroute_ruleset_new(ctypes.byref(ptr), ctypes.byref(copts)),
               "ruleset_new")
        del keep
        self._ptr = ptr
        self._lock = threading.Lock()

    def _handle(self) -> ctypes.c_void_p:
        if self._ptr is None:
            raise ClosedError("ruleset is closed", _ffi.EINVAL)
        return self._ptr

    def load_text(self, data: Union[str, bytes], name: Optional[str] = None
                  ) -> List[Diagnostic]:
        """Loads YAML or JSON text (one or more documents; Lists). All or
        nothing: on failure the ruleset is unchanged and an IngrouteError
        carrying the diagnostics is raised. Returns the diagnostics (also
        the errors of invalid objects that were dropped, unless strict).
        A name with a NUL byte is refused (InvalidArgumentError)."""
        b = _text(data, "load_text data")
        nm = _opt_c_str(name, "load_text name")
        with self._lock, _Diags() as d:
            rc = lib.ingroute_ruleset_load_buffer(self._handle(), b, len(b), nm, d.ptr)
            diags = d.read()
        _raise(rc, f"load {name or '<text>'}", diags)
        return diags

    def load_path(self, path: PathLike) -> List[Diagnostic]:
        """Loads a file, or every *.yaml, *.yml and *.json file of a
        directory (not recursing). All or nothing, as load_text(). A file
        that cannot be read raises LoadIOError, an OSError: for a missing
        one a FileNotFoundError too (LoadFileNotFoundError), with errno
        and filename. A path with a NUL byte is refused
        (InvalidArgumentError)."""
        p = _path(path, "load_path path")
        with self._lock, _Diags() as d:
            rc = lib.ingroute_ruleset_load_path(self._handle(), p, d.ptr)
            diags = d.read()
        _raise(rc, f"load {os.fsdecode(p)}", diags, [p])
        return diags

    def reload_paths(self, *paths: PathLike) -> List[Diagnostic]:
        """Reloads: the files and directories are the whole desired state
        (docs/semantics.md §1.6). Objects they no longer hold are removed,
        new and changed ones are applied, and an object whose new version
        is invalid keeps the valid version held before, with a
        DiagCode.KEPT error naming it: a typo in one Ingress never takes
        its served routes away. No paths at all empties the ruleset.

        All or nothing, as load_path(): on a syntax error, a limit, an
        unreadable path or (strict) any error nothing changes and an
        IngrouteError carrying the diagnostics is raised, as for
        load_path(). Returns the diagnostics."""
        encoded = [_path(p, f"reload_paths paths[{i}]") for i, p in enumerate(paths)]
        arr = (ctypes.c_char_p * len(encoded))(*encoded)
        with self._lock, _Diags() as d:
            rc = lib.ingroute_ruleset_reload_paths(self._handle(), arr,
                                                   len(encoded), d.ptr)
            diags = d.read()
        what = " ".join(os.fsdecode(p) for p in encoded) or "(no paths)"
        _raise(rc, f"reload {what}", diags, encoded)
        return diags

    def reload_text(self, data: Union[str, bytes], name: Optional[str] = None
                    ) -> List[Diagnostic]:
        """Reloads from YAML or JSON text, as reload_paths() does from
        files: the text is the whole desired state. ``name`` labels the
        diagnostics, as for load_text()."""
        b = _text(data, "reload_text data")
        nm = _opt_c_str(name, "reload_text name")
        with self._lock, _Diags() as d:
            rc = lib.ingroute_ruleset_reload_buffer(self._handle(), b, len(b), nm,
                                                    d.ptr)
            diags = d.read()
        _raise(rc, f"reload {name or '<text>'}", diags)
        return diags

    def delete(self, kind: str, namespace: Optional[str], name: str) -> None:
        """Removes one object by kind and key, as a watch's DELETED event
        does: ``kind`` is "Ingress" (namespace None: the default
        namespace) or "IngressClass" (namespace ignored), or one of the
        Gateway API's kinds and the Services and Namespaces it reads
        (docs/semantics.md §9; "GatewayClass" and "Namespace" ignore the
        namespace). NotFoundError if
        there is none, InvalidArgumentError for another kind or an
        argument with a NUL byte (cut short at it, it would name another
        object). Applying an object (ADDED, MODIFIED) is load_text() with
        its JSON."""
        k = _c_str(kind, "delete kind")
        ns = _opt_c_str(namespace, "delete namespace")
        nm = _c_str(name, "delete name")
        key = name if kind == "IngressClass" else f"{namespace or ''}/{name}"
        with self._lock:
            rc = lib.ingroute_ruleset_delete(self._handle(), k, ns, nm)
        _raise(rc, f"delete {kind} {key}")

    @property
    def generation(self) -> int:
        """A counter that moves whenever what a compile reads moves: an
        object added, removed, or replaced by a version that differs in
        more than the API server's bookkeeping and status. A no-op reload,
        or an invalid version that is not applied, leaves it alone, so a
        watcher compiles only when it differs from the current router's
        ``stats().generation``. 0 for a new ruleset."""
        with self._lock:
            return int(lib.ingroute_ruleset_generation(self._handle()))

    def remove(self, namespace: Optional[str], name: str) -> None:
        """Removes the Ingress namespace/name (None: the default
        namespace); NotFoundError if there is none. A key with a NUL byte
        is refused (InvalidArgumentError): cut short at it, it would name
        another Ingress."""
        ns = _opt_c_str(namespace, "remove namespace")
        nm = _c_str(name, "remove name")
        with self._lock:
            rc = lib.ingroute_ruleset_remove(self._handle(), ns, nm)
        _raise(rc, f"remove {namespace or ''}/{name}")

    def __len__(self) -> int:
        with self._lock:
            return int(lib.ingroute_ruleset_count(self._handle()))

    def ingresses(self) -> List[IngressInfo]:
        """The Ingresses held, in order of arrival."""
        out = []
        ci = _ffi.CIngressInfo()
        with self._lock:
            h = self._handle()
            for i in range(lib.ingroute_ruleset_count(h)):
                ci.size = _ffi.INFO_SIZE
                _raise(lib.ingroute_ruleset_get(h, i, ctypes.byref(ci)), "ruleset_get")
                out.append(_info(ci))
        return out

    def __iter__(self) -> Iterator[IngressInfo]:
        return iter(self.ingresses())

    def find(self, namespace: Optional[str], name: str) -> Optional[IngressInfo]:
        """The Ingress namespace/name, or None. A key with a NUL byte is
        refused (InvalidArgumentError), as for remove()."""
        ns = _opt_c_str(namespace, "find namespace")
        nm = _c_str(name, "find name")
        ci = _ffi.CIngressInfo()
        ci.size = _ffi.INFO_SIZE
        with self._lock:
            rc = lib.ingroute_ruleset_find(self._handle(), ns, nm, ctypes.byref(ci))
            if rc == _ffi.ENOENT:
                return None
            _raise(rc, "ruleset_find")
            return _info(ci)

    def compile(
        self,
        *,
        normalize: Optional[bool] = None,
        fallthrough: Optional[bool] = None,
        impl_specific: Union[ImplSpecific, str, None] = None,
        default_backend: Optional[str] = None,
    ) -> "Router":
        """Compiles the served Ingresses into a new Router. Conflicts and
        shadowed rules are warnings in router.diagnostics.

        The keywords replace the ruleset's options of the same name for
        this router only, without loading anything again; None keeps the
        ruleset's. ``default_backend=""`` compiles without a global
        default backend option. ``router.options`` gives the options the
        router was built with. A default_backend the library refuses
        raises InvalidArgumentError with its reason (``compile
        default_backend: Invalid value: "web:80": must be
        NAMESPACE/SERVICE:PORT (no '/')``)."""
        co = _ffi.CCompileOptions()
        _raise(lib.ingroute_compile_options_init(ctypes.byref(co),
                                                 _ffi.COMPILE_OPTIONS_SIZE),
               "compile_options_init")
        co.size = _ffi.COMPILE_OPTIONS_SIZE
        options = self.options
        backend: Optional[bytes] = None
        if normalize is not None:
            co.fields |= _ffi.COMPILE_NO_NORMALIZE
            co.flags |= 0 if normalize else _ffi.OPT_NO_NORMALIZE
            options = dc_replace(options, normalize=bool(normalize))
        if fallthrough is not None:
            co.fields |= _ffi.COMPILE_FALLTHROUGH
            co.flags |= _ffi.OPT_FALLTHROUGH if fallthrough else 0
            options = dc_replace(options, fallthrough=bool(fallthrough))
        if impl_specific is not None:
            co.fields |= _ffi.COMPILE_IMPL_SPECIFIC
            co.impl_specific = _impl_mode(impl_specific, "compile impl_specific")
            options = dc_replace(options,
                                 impl_specific=ImplSpecific(co.impl_specific))
        if default_backend is not None:
            co.fields |= _ffi.COMPILE_DEFAULT_BACKEND
            backend = _c_str(default_backend, "compile default_backend") or None
            co.default_backend = backend
            options = dc_replace(options, default_backend=default_backend or None)
        if co.fields & (_ffi.COMPILE_IMPL_SPECIFIC | _ffi.COMPILE_DEFAULT_BACKEND):
            # compile_with refuses what ruleset_new would: the library's
            # check of options holding these settings says why.
            check = _ffi.COptions()
            _raise(lib.ingroute_options_init(ctypes.byref(check), _ffi.OPTIONS_SIZE),
                   "options_init")
            check.impl_specific = co.impl_specific
            check.default_backend = co.default_backend
            _check_options(check, _COMPILE_NAMES)
        with self._lock, _Diags() as d:
            ptr = ctypes.c_void_p()
            rc = lib.ingroute_router_compile_with(ctypes.byref(ptr), self._handle(),
                                                  ctypes.byref(co), d.ptr)
            diags = d.read()
        del backend
        _raise(rc, "compile", diags)
        return Router._adopt(ptr, diags, options)

    def __enter__(self) -> "Ruleset":
        return self


#: The options compile() passes to C, as its keywords are named.
_COMPILE_NAMES = {
    "impl_specific": "compile impl_specific",
    "default_backend": "compile default_backend",
}


# -------------------------------------------------------------- results


@dataclass(frozen=True)
class Resource:
    """A resource backend: apiGroup (None when absent), kind, name."""

    api_group: Optional[str]
    kind: str
    name: str


@dataclass(frozen=True)
class Backend:
    """A backend: a Service (name, and a port number or a port name) or a
    resource. ``namespace`` is the declaring Ingress's (or the
    default_backend option's)."""

    namespace: str
    service: Optional[str] = None
    port_number: Optional[int] = None
    port_name: Optional[str] = None
    resource: Optional[Resource] = None

    @property
    def port(self) -> Union[int, str, None]:
        """The port number, else the port name."""
        return self.port_name if self.port_name is not None else self.port_number

    def __str__(self) -> str:
        if self.service is not None:
            return f"{self.namespace}/{self.service}:{self.port}"
        r = self.resource
        assert r is not None
        return f"resource:{r.api_group or '-'}/{r.kind}/{r.name}"


@dataclass(frozen=True)
class IngressRef:
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class Rule:
    """The rule that matched: its host ("" for a rule without one), path
    and pathType."""

    host: str
    path: str
    path_type: PathType


@dataclass(frozen=True)
class Match:
    """The answer to one lookup. ``backend`` is None when the decision is
    NONE (the proxy answers 404); ``ingress`` is None for the
    default_backend option; ``rule`` is set only for decision PATH."""

    decision: Decision
    backend: Optional[Backend]
    ingress: Optional[IngressRef]
    rule: Optional[Rule]
    vhost_kind: VHostKind
    default_source: DefaultSource

    def __bool__(self) -> bool:
        return self.decision != Decision.NONE


@dataclass(frozen=True)
class TLS:
    """The certificate for an SNI name: the Secret (namespace, name), the
    spec.tls[].hosts entry that matched ("" for an entry without hosts) and
    the Ingress."""

    secret_namespace: str
    secret_name: str
    host: str
    ingress: IngressRef


@dataclass(frozen=True)
class Stats:
    """What a router was compiled from and what it holds
    (struct ingroute_stats), counted when it was compiled."""

    ingresses_served: int
    """Ingresses compiled in: those served under the class rules."""
    ingresses_skipped: int
    """Ingresses not served because of their class."""
    ingresses_invalid: int
    """Ingresses whose latest loaded version failed validation."""
    virtual_hosts: int
    paths: int
    """Path rules compiled."""
    conflicts: int
    """Conflict warnings of the compile."""
    shadowed: int
    """Rules that can never match."""
    tls_entries: int
    index_bytes: int
    """Bytes of the index, strings excluded."""
    string_bytes: int
    generation: int
    """The ruleset's generation when the router was compiled from it."""
    controller_annotated: int
    """Served Ingresses with annotations of an ingress controller that
    change routing and are not applied (each got a CONTROLLER note)."""
    gateway_listeners: int = 0
    """HTTP listeners of served Gateways (docs/semantics.md §9)."""
    httproutes_attached: int = 0
    """HTTPRoutes attached to at least one of them."""
    gateway_matches: int = 0
    """Matches they hold (per rule match, listener and hostname)."""


def _stats(st: _ffi.CStats) -> Stats:
    """The members the library filled: it writes those that fit in the
    size it was given and sets size to the bytes written. A member beyond
    that still holds ctypes' zero, which is not an answer (a generation of
    0 would claim "compiled from an empty ruleset"), so it is refused
    rather than read; the import-time version check makes this a library
    that misreports its version."""
    values: Dict[str, int] = {}
    for entry in _ffi.CStats._fields_[1:]:
        name = entry[0]
        member = getattr(_ffi.CStats, name)
        if member.offset + member.size > st.size:
            raise IngrouteError(
                f"stats: the library filled {st.size} bytes, which do not reach "
                f"{name}; it is older than its version says", _ffi.EINVAL)
        values[name] = int(getattr(st, name))
    return Stats(**values)


def _s(b: Optional[bytes]) -> Optional[str]:
    return None if b is None else b.decode("utf-8", "surrogateescape")


def _backend(m: Any) -> Backend:
    """The backend of a CMatch or a CRoute (the same member names)."""
    if m.backend_kind == 1:
        return Backend(namespace=_s(m.backend_ns) or "",
                       service=_s(m.service),
                       port_number=None if m.port_name else m.port_number,
                       port_name=_s(m.port_name))
    return Backend(namespace=_s(m.backend_ns) or "",
                   resource=Resource(_s(m.resource_api_group),
                                     _s(m.resource_kind) or "",
                                     _s(m.resource_name) or ""))


def _match(m: _ffi.CMatch) -> Match:
    decision = _DECISIONS[m.decision]
    backend = None
    if decision is not Decision.NONE:
        backend = _backend(m)
    ingress = None
    if m.ingress_name is not None:
        ingress = IngressRef(_s(m.ingress_ns) or "", _s(m.ingress_name) or "")
    rule = None
    if decision is Decision.PATH:
        rule = Rule(_s(m.rule_host) or "", _s(m.rule_path) or "", PathType(m.path_type))
    return Match(decision, backend, ingress, rule, _VHOSTS[m.vhost_kind],
                 _SOURCES[m.default_source])


# Enum members by value, indexed rather than looked up through the enum
# machinery on every match.
class Source(enum.IntEnum):
    """What answered a request (Router.route())."""

    NONE = 0
    INGRESS = 1
    HTTPROUTE = 2


class FilterType(enum.IntEnum):
    """An HTTPRoute filter's type."""

    REQUEST_HEADER = 1
    RESPONSE_HEADER = 2
    REDIRECT = 3
    URL_REWRITE = 4
    MIRROR = 5
    EXTENSION = 6


@dataclass(frozen=True)
class HeaderEdit:
    """One header change: op "set", "add" or "remove" (value None)."""

    op: str
    name: str
    value: Optional[str]


@dataclass(frozen=True)
class Filter:
    """One filter of the answering rule, as data (struct ingroute_filter):
    header ``edits``; a redirect's ``scheme``, ``hostname``, ``port``,
    ``status_code``; a redirect's or rewrite's ``path_modifier``
    ("keep", "full", "prefix") and ``path``; a mirror's backend and
    share; an extension's reference."""

    type: FilterType
    edits: List[HeaderEdit]
    scheme: Optional[str] = None
    hostname: Optional[str] = None
    port: int = 0
    status_code: int = 0
    path_modifier: str = "keep"
    path: Optional[str] = None
    mirror: Optional[Backend] = None
    mirror_fraction: Optional[tuple] = None
    extension: Optional[Resource] = None


@dataclass(frozen=True)
class Route:
    """The answer to Router.route(). ``status`` is 0 when the proxy
    forwards to ``backend``, else the status it answers with itself (404,
    500, or a redirect's, with ``location``). ``route`` is the Ingress or
    HTTPRoute that answered; ``upstream_path`` the path and query to send
    (after a URLRewrite). For a request without a gateway every field the
    Ingress lookup has is match()'s."""

    source: Source
    decision: Decision
    status: int
    backend: Optional[Backend]
    route: Optional[IngressRef]
    rule: Optional[Rule]
    vhost_kind: VHostKind
    default_source: DefaultSource
    gateway: Optional[IngressRef]
    listener: Optional[str]
    rule_index: int
    rule_name: Optional[str]
    match_index: int
    backend_index: int
    weight: int
    filters: List[Filter]
    location: Optional[str]
    upstream_path: str


_HEADER_OPS = {1: "set", 2: "add", 3: "remove"}
_PATH_MODS = {0: "keep", 1: "full", 2: "prefix"}


def _filter(f: _ffi.CFilter) -> Filter:
    edits = [HeaderEdit(_HEADER_OPS.get(f.edits[i].op, "?"),
                        _s(f.edits[i].name) or "", _s(f.edits[i].value))
             for i in range(f.nedits)]
    mirror = fraction = ext = None
    if f.type == FilterType.MIRROR:
        mirror = Backend(namespace=_s(f.mirror_ns) or "",
                         service=_s(f.mirror_service),
                         port_number=f.mirror_port)
        fraction = (f.mirror_numerator, f.mirror_denominator)
    if f.type == FilterType.EXTENSION:
        ext = Resource(_s(f.ext_group), _s(f.ext_kind) or "",
                       _s(f.ext_name) or "")
    return Filter(FilterType(f.type), edits, _s(f.scheme), _s(f.hostname),
                  f.port, f.status_code, _PATH_MODS.get(f.path_modifier, "keep"),
                  _s(f.path), mirror, fraction, ext)


def _headers_fn(headers: object) -> tuple[Any, list]:
    """An ingroute_header_fn over a mapping or (name, value) pairs: names
    compared without regard to case, the first value given."""
    if headers is None:
        return None, []
    items = headers.items() if hasattr(headers, "items") else headers
    table: Dict[bytes, bytes] = {}
    for name, value in items:  # type: ignore[union-attr]
        k = _text(name, "route header name").lower()
        v = _text(value, "route header value")
        table.setdefault(k, v)
    keep: list = []

    def fn(ctx: Any, name: Any, name_len: int, value: Any, value_len: Any) -> int:
        v = table.get(ctypes.string_at(name, name_len))
        if v is None:
            return 0
        buf = ctypes.create_string_buffer(v, len(v))
        keep.append(buf)
        value[0] = ctypes.cast(buf, ctypes.c_void_p).value
        value_len[0] = len(v)
        return 1

    cfn = _ffi.HEADER_FN(fn)
    keep.append(cfn)
    return cfn, keep


_DECISIONS = {d.value: d for d in Decision}
_VHOSTS = {v.value: v for v in VHostKind}
_SOURCES = {s.value: s for s in DefaultSource}


def _host(host: object, what: str) -> bytes:
    """A request's host: None is no host, as "" is."""
    if host is None:
        return b""
    if not isinstance(host, (str, bytes)):
        raise ArgumentTypeError(
            f"{what} must be str, bytes or None, not {type(host).__name__}", _ffi.EINVAL)
    return _ffi.encode(host)


# --------------------------------------------------------------- router


class Router(_Owned):
    """A compiled router: an immutable index of the served Ingresses.

    Make one with :meth:`Router.load` (or :meth:`Ruleset.compile`), ask it
    :meth:`match`, :meth:`tls`, :meth:`explain`, :meth:`dump`, and
    :meth:`close` it (or use ``with``). Results are plain Python objects
    that stay valid after close(). Thread-safe without a lock: each call
    has its own result and counts itself in ``_users``, so threads run
    lookups side by side (ctypes releases the GIL in the C call); calls
    after close() raise ClosedError, and the table is freed when the last
    call in progress returns."""

    _release = staticmethod(lib.ingroute_router_unref)

    # One entry per call in progress. list.append and list.pop are atomic
    # (under the GIL, and in free-threaded builds), so no lock is needed:
    # close() sets _closed, and whichever of close() and the last call
    # finds no user pops the handle out of _box and releases it, once.
    _users: List[None]
    _box: List[ctypes.c_void_p]
    _closed: bool
    #: Every diagnostic of the load and the compile (warnings, notes, and
    #: the errors of invalid objects that were dropped).
    diagnostics: List[Diagnostic]
    #: The options the router was built with.
    options: Options

    def __init__(self) -> None:
        raise TypeError("use Router.load() or Ruleset.compile()")

    @classmethod
    def _adopt(cls, ptr: ctypes.c_void_p, diags: List[Diagnostic],
               options: Options) -> "Router":
        self = cls.__new__(cls)
        self._ptr = ptr
        self._box = [ptr]
        self._users = []
        self._closed = False
        self.diagnostics = diags
        self.options = options
        return self

    @classmethod
    def load(
        cls,
        paths: Union[PathLike, bytes, Iterable[PathLike], None] = None,
        *,
        text: Union[str, bytes, None] = None,
        name: Optional[str] = None,
        class_: Optional[str] = None,
        default_class: bool = False,
        namespace: Optional[str] = None,
        impl_specific: Union[ImplSpecific, str] = ImplSpecific.PREFIX,
        fallthrough: bool = False,
        normalize: bool = True,
        default_backend: Optional[str] = None,
        strict: bool = False,
        options: Optional[Options] = None,
    ) -> "Router":
        """Loads manifests and compiles a router.

        ``paths`` is a file or directory, or a list of them (like
        ``kubectl apply -f``); ``bytes`` given there are manifest text.
        ``text`` is manifest text (str or bytes), labelled ``name`` in
        diagnostics. Both may be given (paths load first). The keywords are
        the fields of :class:`Options` (or pass ``options``).

        Raises an IngrouteError subclass (ManifestSyntaxError, LimitError,
        LoadIOError, ValidationError with strict, InvalidArgumentError for
        bad options) carrying the diagnostics. Otherwise the router's
        ``diagnostics`` hold every diagnostic of the load and the compile,
        including errors of invalid objects that were dropped."""
        if options is None:
            options = Options(class_=class_, default_class=default_class,
                              namespace=namespace, impl_specific=impl_specific,
                              fallthrough=fallthrough, normalize=normalize,
                              default_backend=default_backend, strict=strict)
        if isinstance(paths, bytes):
            if text is not None:
                raise TypeError("manifest bytes given twice (paths and text)")
            paths, text = None, paths
        if paths is None:
            plist: List[PathLike] = []
        elif isinstance(paths, (str, os.PathLike)):
            plist = [paths]
        else:
            plist = list(paths)
        if not plist and text is None:
            raise TypeError("Router.load() needs paths or text")
        # Checked before anything is loaded, and named as the caller
        # passed them rather than as the Ruleset methods call them.
        for i, p in enumerate(plist):
            _path(p, f"Router.load paths[{i}]")
        if text is not None:
            _text(text, "Router.load text")
        _opt_c_str(name, "Router.load name")
        diags: List[Diagnostic] = []
        with Ruleset(options) as rs:
            for p in plist:
                diags += rs.load_path(p)
            if text is not None:
                diags += rs.load_text(text, name)
            router = rs.compile()
        router.diagnostics = diags + router.diagnostics
        return router

    def _enter(self) -> ctypes.c_void_p:
        """The handle, counted as in use until _exit()."""
        self._users.append(None)
        if self._closed:
            self._exit()
            raise ClosedError("router is closed", _ffi.EINVAL)
        return self._box[0]

    def _exit(self) -> None:
        self._users.pop()
        if self._closed and not self._users:
            self._drop()

    def _drop(self) -> None:
        try:
            ptr = self._box.pop()
        except (IndexError, AttributeError):
            return
        self._ptr = None
        self._release(ptr)

    @property
    def closed(self) -> bool:
        return getattr(self, "_closed", True)

    def close(self) -> None:
        """Releases the router: later calls raise ClosedError; calls in
        progress finish, and the last of them frees the table. Calling
        close() twice is fine."""
        if getattr(self, "_box", None) is None:
            return
        self._closed = True
        if not self._users:
            self._drop()

    def match(self, host: Union[str, bytes, None], path: Union[str, bytes]) -> Match:
        """Routes one request: ``host`` is the Host header (or :authority;
        None or "" for none), ``path`` the request target's path as
        received (query, escapes and dot segments are handled by the
        library unless the router was built with normalize=False). Both are
        passed whole, with their length. Another type raises TypeError
        (ArgumentTypeError)."""
        h = _host(host, "match host")
        p = _text(path, "match path")
        m = _ffi.CMatch()
        m.size = _ffi.MATCH_SIZE
        ptr = self._enter()
        try:
            rc = lib.ingroute_router_match(ptr, h, len(h), p, len(p), ctypes.byref(m))
        finally:
            self._exit()
        _raise(rc, "match")
        return _match(m)

    def route(self, method: Union[str, bytes, None],
              host: Union[str, bytes, None], path: Union[str, bytes],
              headers: object = None, *, gateway: Optional[str] = None,
              port: int = 0, random: int = 0,
              scheme: Optional[str] = None) -> Route:
        """Routes one request (ingroute_router_route(), docs/semantics.md
        §9.4): ``path`` with its query, ``headers`` a mapping or (name,
        value) pairs, ``gateway`` "NAMESPACE/NAME" of the Gateway it
        arrived at (None: the Ingresses), ``port`` the listener port (0:
        any), ``random`` the caller's number for weighted backends,
        ``scheme`` "http" (default) or "https" for redirects."""
        m = _text(method or b"", "route method")
        h = _host(host, "route host")
        p = _text(path, "route path")
        if not isinstance(random, int) or isinstance(random, bool) or \
                not 0 <= random < 2 ** 64:
            raise InvalidArgumentError("route random must be an int in "
                                       "[0, 2**64)", _ffi.EINVAL)
        if not isinstance(port, int) or isinstance(port, bool) or \
                not 0 <= port <= 65535:
            raise InvalidArgumentError("route port must be 0..65535", _ffi.EINVAL)
        q = _ffi.CRequest()
        q.size = _ffi.REQUEST_SIZE
        q.method, q.method_len = m, len(m)
        q.host, q.host_len = h, len(h)
        q.path, q.path_len = p, len(p)
        q.random = random
        q.port = port
        keep: list = [m, h, p]
        if scheme is not None:
            q.scheme = _c_str(scheme, "route scheme")
            keep.append(q.scheme)
        if gateway is not None:
            g = _text(gateway, "route gateway")
            ns, sep, name = g.partition(b"/")
            if not sep or not ns or not name or b"\0" in g:
                raise InvalidArgumentError(
                    f"route gateway {gateway!r}: want NAMESPACE/NAME", _ffi.EINVAL)
            q.gateway_ns, q.gateway_name = ns, name
            keep += [ns, name]
        cfn, hkeep = _headers_fn(headers)
        if cfn is not None:
            q.header = cfn
        r = _ffi.CRoute()
        r.size = _ffi.ROUTE_SIZE
        ptr = self._enter()
        try:
            rc = lib.ingroute_router_route(ptr, ctypes.byref(q), ctypes.byref(r))
            if rc == 0:
                return self._route(q, r)
        finally:
            self._exit()
            del hkeep, keep
        _raise(rc, "route")
        raise AssertionError("unreachable")

    @staticmethod
    def _route(q: _ffi.CRequest, r: _ffi.CRoute) -> Route:
        """The Route of a result, read while the router is held."""
        filters = []
        for i in range(r.filters):
            f = _ffi.CFilter()
            f.size = _ffi.FILTER_SIZE
            _raise(lib.ingroute_route_filter(ctypes.byref(r), i, ctypes.byref(f)),
                   "route filter")
            filters.append(_filter(f))

        def text_of(fn: Any) -> str:
            n = fn(ctypes.byref(q), ctypes.byref(r), None, 0)
            buf = ctypes.create_string_buffer(n + 1)
            fn(ctypes.byref(q), ctypes.byref(r), buf, n + 1)
            return buf.raw[:n].decode("utf-8", "surrogateescape")

        location = text_of(lib.ingroute_route_location) \
            if 300 <= r.status < 400 else None
        upstream = text_of(lib.ingroute_route_upstream_path)
        backend = _backend(r) if r.backend_kind else None
        route = None
        if r.route_name is not None:
            route = IngressRef(_s(r.route_ns) or "", _s(r.route_name) or "")
        rule = None
        if r.decision == Decision.PATH:
            rule = Rule(_s(r.rule_host) or "", _s(r.rule_path) or "",
                        PathType(r.path_type))
        gw = None
        if r.gateway_name is not None:
            gw = IngressRef(_s(r.gateway_ns) or "", _s(r.gateway_name) or "")
        return Route(Source(r.source), _DECISIONS[r.decision], r.status, backend,
                     route, rule, _VHOSTS.get(r.vhost_kind, VHostKind.NONE),
                     _SOURCES.get(r.default_source, DefaultSource.NONE), gw,
                     _s(r.listener), r.rule_index, _s(r.rule_name),
                     r.match_index, r.backend_index, r.weight, filters,
                     location, upstream)

    def tls(self, sni: Union[str, bytes]) -> Optional[TLS]:
        """The certificate for an SNI name, or None (docs/semantics.md §8)."""
        s = _text(sni, "tls sni")
        t = _ffi.CTLSMatch()
        t.size = _ffi.TLS_SIZE
        ptr = self._enter()
        try:
            rc = lib.ingroute_router_tls(ptr, s, len(s), ctypes.byref(t))
        finally:
            self._exit()
        _raise(rc, "tls")
        if not t.found:
            return None
        return TLS(_s(t.secret_ns) or "", _s(t.secret_name) or "",
                   _s(t.tls_host) or "",
                   IngressRef(_s(t.ingress_ns) or "", _s(t.ingress_name) or ""))

    def explain_text(self, host: Union[str, bytes, None], path: Union[str, bytes]) -> str:
        """The library's explanation of a lookup, as JSON text."""
        h = _host(host, "explain host")
        p = _text(path, "explain path")
        out = ctypes.c_void_p()
        n = ctypes.c_size_t()
        ptr = self._enter()
        try:
            rc = lib.ingroute_router_explain(ptr, h, len(h), p, len(p),
                                             ctypes.byref(out), ctypes.byref(n))
        finally:
            self._exit()
        return _take_text(rc, out, n, "explain")

    def explain(self, host: Union[str, bytes, None], path: Union[str, bytes]
                ) -> dict[str, Any]:
        """Why a lookup gives its answer: the normalised request, the
        virtual hosts tried, every candidate path with its verdict and the
        decision (json.loads of the library's text)."""
        return cast(Dict[str, Any], json.loads(self.explain_text(host, path)))

    def stats(self) -> Stats:
        """The router's counts: Ingresses served, skipped for their class
        and invalid, virtual hosts, paths, conflicts, shadowed rules, TLS
        entries, its bytes of index and of strings, and the generation of
        the ruleset it was compiled from."""
        st = _ffi.CStats()
        st.size = _ffi.STATS_SIZE
        ptr = self._enter()
        try:
            _raise(lib.ingroute_router_stats(ptr, ctypes.byref(st)), "stats")
        finally:
            self._exit()
        return _stats(st)

    def dump_text(self) -> str:
        """The compiled table as JSON text."""
        out = ctypes.c_void_p()
        n = ctypes.c_size_t()
        ptr = self._enter()
        try:
            rc = lib.ingroute_router_dump(ptr, ctypes.byref(out), ctypes.byref(n))
        finally:
            self._exit()
        return _take_text(rc, out, n, "dump")

    def dump(self) -> dict[str, Any]:
        """The compiled table: virtual hosts, their paths in precedence
        order, default backends, the TLS table (json.loads of the text)."""
        return cast(Dict[str, Any], json.loads(self.dump_text()))

    def __enter__(self) -> "Router":
        return self

    def __repr__(self) -> str:
        state = "closed" if self._ptr is None else f"at 0x{self._ptr.value:x}"
        return f"<ingroute.Router {state}>"


def _take_text(rc: int, out: ctypes.c_void_p, n: ctypes.c_size_t, what: str) -> str:
    try:
        _raise(rc, what)
        return ctypes.string_at(out.value or 0, n.value).decode("utf-8", "surrogateescape")
    finally:
        lib.ingroute_free(out)


# -------------------------------------------------------------- helpers


def version() -> str:
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return _ffi.text(lib.ingroute_version_string()) or ""


def kubernetes_version() -> str:
    """The Kubernetes release whose API server validation the library
    reproduces, e.g. "v1.37.2" (docs/validation.md)."""
    return _ffi.text(lib.ingroute_kubernetes_version()) or ""


def version_info() -> tuple[int, int, int]:
    v = lib.ingroute_version()
    return (v >> 16, (v >> 8) & 0xFF, v & 0xFF)


def max_path() -> int:
    """Longest request path matched against path rules."""
    return int(lib.ingroute_max_path())


def normalize_host(host: Union[str, bytes]) -> str:
    """A Host header as lookups see it (docs/semantics.md §4); "" when the
    host can only match rules without a host (empty, an IP literal, not a
    DNS name)."""
    _, out = _normalized(lib.ingroute_normalize_host, _text(host, "normalize_host host"))
    return out.decode("utf-8", "surrogateescape")


def normalize_path(path: Union[str, bytes]) -> Optional[str]:
    """A request path as lookups see it (docs/semantics.md §4); None when
    it is longer than max_path()."""
    n, out = _normalized(lib.ingroute_normalize_path, _text(path, "normalize_path path"))
    if n == 0:
        return None
    return out.decode("utf-8", "surrogateescape")


def _normalized(fn: Any, data: bytes) -> tuple[int, bytes]:
    """Calls a normaliser as snprintf is called: the result's length
    comes back even when it does not fit, and then the call is repeated
    with a buffer of that size (a result is never more than one byte
    longer than its input, so the second call is rare)."""
    cap = len(data) + 2
    buf = ctypes.create_string_buffer(cap)
    n = int(fn(data, len(data), buf, cap))
    if n > cap:
        cap = n
        buf = ctypes.create_string_buffer(cap)
        n = int(fn(data, len(data), buf, cap))
    return n, buf.raw[:n]
