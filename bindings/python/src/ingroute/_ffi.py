"""Low-level ctypes declarations for libingroute.so.1.

Everything here mirrors include/ingroute.h exactly: the structures have the
header's members in the header's order (ctypes applies the C alignment
rules, so the offsets are the C compiler's; tests/test_abi.py compares them
with offsetof() from the real header), and every function has its argtypes
and restype declared, so no argument is ever converted by guesswork.

The library is found through the INGROUTE_LIBRARY environment variable (a
path to libingroute.so.1, e.g. a build directory's lib/libingroute.so.1),
else by the system loader ("libingroute.so.1", as installed).
"""

from __future__ import annotations

import ctypes
import os
from ctypes import (
    POINTER,
    Structure,
    c_char_p,
    c_int,
    c_size_t,
    c_uint,
    c_uint64,
    c_void_p,
)
from typing import Any, Optional

SONAME = "libingroute.so.1"

# Header version this module was written against (INGROUTE_VERSION_*).
HEADER_MAJOR = 0
HEADER_MINOR = 5

# enum ingroute_status
OK = 0
EINVAL = -1
ENOMEM = -2
EIO = -3
ESYNTAX = -4
ELIMIT = -5
EINVALID = -6
ENOENT = -7

# enum ingroute_flag
OPT_STRICT = 1 << 0
OPT_DEFAULT_CLASS = 1 << 1
OPT_NO_NORMALIZE = 1 << 2
OPT_FALLTHROUGH = 1 << 3

# enum ingroute_compile_field (@since 0.2)
COMPILE_NO_NORMALIZE = 1 << 0
COMPILE_FALLTHROUGH = 1 << 1
COMPILE_IMPL_SPECIFIC = 1 << 2
COMPILE_DEFAULT_BACKEND = 1 << 3


class Allocator(Structure):
    """struct ingroute_allocator (declared for layout only; never set)."""

    _fields_ = [
        ("malloc_fn", c_void_p),
        ("realloc_fn", c_void_p),
        ("free_fn", c_void_p),
        ("ctx", c_void_p),
    ]


class COptions(Structure):
    """struct ingroute_options."""

    _fields_ = [
        ("size", c_size_t),
        ("flags", c_uint),
        ("ingress_class", c_char_p),
        ("default_namespace", c_char_p),
        ("impl_specific", c_int),
        ("default_backend", c_char_p),
        ("max_input_bytes", c_size_t),
        ("max_depth", c_size_t),
        ("max_nodes", c_size_t),
        ("max_alias_nodes", c_size_t),
        ("max_scalar_bytes", c_size_t),
        ("max_diagnostics", c_size_t),
        ("allocator", POINTER(Allocator)),
        ("max_alias_bytes", c_size_t),
        ("gateway_controller", c_char_p),  # @since 0.5
    ]


class CDiag(Structure):
    """struct ingroute_diag."""

    _fields_ = [
        ("size", c_size_t),
        ("severity", c_int),
        ("code", c_int),
        ("file", c_char_p),
        ("line", c_uint),
        ("column", c_uint),
        ("kind", c_char_p),
        ("ns", c_char_p),
        ("name", c_char_p),
        ("field", c_char_p),
        ("message", c_char_p),
    ]


class CIngressInfo(Structure):
    """struct ingroute_ingress_info."""

    _fields_ = [
        ("size", c_size_t),
        ("ns", c_char_p),
        ("name", c_char_p),
        ("file", c_char_p),
        ("line", c_uint),
        ("column", c_uint),
        ("served", c_int),
        ("reason", c_char_p),
        ("ingress_class", c_char_p),
        ("rules", c_size_t),
        ("paths", c_size_t),
        ("tls", c_size_t),
        ("has_default_backend", c_int),
    ]


class CMatch(Structure):
    """struct ingroute_match."""

    _fields_ = [
        ("size", c_size_t),
        ("decision", c_int),
        ("backend_kind", c_int),
        ("backend_ns", c_char_p),
        ("service", c_char_p),
        ("port_number", c_int),
        ("port_name", c_char_p),
        ("resource_api_group", c_char_p),
        ("resource_kind", c_char_p),
        ("resource_name", c_char_p),
        ("ingress_ns", c_char_p),
        ("ingress_name", c_char_p),
        ("rule_host", c_char_p),
        ("rule_path", c_char_p),
        ("path_type", c_int),
        ("vhost_kind", c_int),
        ("default_source", c_int),
    ]


class CTLSMatch(Structure):
    """struct ingroute_tls_match."""

    _fields_ = [
        ("size", c_size_t),
        ("found", c_int),
        ("secret_ns", c_char_p),
        ("secret_name", c_char_p),
        ("tls_host", c_char_p),
        ("ingress_ns", c_char_p),
        ("ingress_name", c_char_p),
    ]


class CCompileOptions(Structure):
    """struct ingroute_compile_options (@since 0.2)."""

    _fields_ = [
        ("size", c_size_t),
        ("fields", c_uint),
        ("flags", c_uint),
        ("impl_specific", c_int),
        ("default_backend", c_char_p),
    ]


class CStats(Structure):
    """struct ingroute_stats (@since 0.2)."""

    _fields_ = [
        ("size", c_size_t),
        ("ingresses_served", c_size_t),
        ("ingresses_skipped", c_size_t),
        ("ingresses_invalid", c_size_t),
        ("virtual_hosts", c_size_t),
        ("paths", c_size_t),
        ("conflicts", c_size_t),
        ("shadowed", c_size_t),
        ("tls_entries", c_size_t),
        ("index_bytes", c_size_t),
        ("string_bytes", c_size_t),
        ("generation", c_uint64),  # @since 0.3
        ("controller_annotated", c_size_t),  # @since 0.5
        ("gateway_listeners", c_size_t),  # @since 0.5
        ("httproutes_attached", c_size_t),
        ("gateway_matches", c_size_t),
    ]


#: ingroute_header_fn (@since 0.5)
HEADER_FN = ctypes.CFUNCTYPE(c_int, c_void_p, ctypes.POINTER(ctypes.c_char),
                             c_size_t, POINTER(ctypes.c_void_p),
                             POINTER(c_size_t))


class CRequest(Structure):
    """struct ingroute_request (@since 0.5)."""

    _fields_ = [
        ("size", c_size_t),
        ("method", c_char_p),
        ("method_len", c_size_t),
        ("host", c_char_p),
        ("host_len", c_size_t),
        ("path", c_char_p),
        ("path_len", c_size_t),
        ("header", HEADER_FN),
        ("header_ctx", c_void_p),
        ("random", c_uint64),
        ("gateway_ns", c_char_p),
        ("gateway_name", c_char_p),
        ("port", c_uint),
        ("scheme", c_char_p),
    ]


class CRoute(Structure):
    """struct ingroute_route (@since 0.5)."""

    _fields_ = [
        ("size", c_size_t),
        ("source", c_int),
        ("decision", c_int),
        ("status", c_int),
        ("backend_kind", c_int),
        ("backend_ns", c_char_p),
        ("service", c_char_p),
        ("port_number", c_int),
        ("port_name", c_char_p),
        ("resource_api_group", c_char_p),
        ("resource_kind", c_char_p),
        ("resource_name", c_char_p),
        ("route_ns", c_char_p),
        ("route_name", c_char_p),
        ("rule_host", c_char_p),
        ("rule_path", c_char_p),
        ("path_type", c_int),
        ("vhost_kind", c_int),
        ("default_source", c_int),
        ("gateway_ns", c_char_p),
        ("gateway_name", c_char_p),
        ("listener", c_char_p),
        ("rule_index", c_int),
        ("rule_name", c_char_p),
        ("match_index", c_int),
        ("backend_index", c_int),
        ("weight", c_uint),
        ("filters", c_size_t),
        ("matched_prefix", c_size_t),
        ("internal_", c_void_p * 2),
    ]


class CHeaderEdit(Structure):
    """struct ingroute_header_edit (@since 0.5)."""

    _fields_ = [
        ("op", c_int),
        ("name", c_char_p),
        ("value", c_char_p),
    ]


class CFilter(Structure):
    """struct ingroute_filter (@since 0.5)."""

    _fields_ = [
        ("size", c_size_t),
        ("type", c_int),
        ("edits", POINTER(CHeaderEdit)),
        ("nedits", c_size_t),
        ("scheme", c_char_p),
        ("hostname", c_char_p),
        ("port", c_int),
        ("status_code", c_int),
        ("path_modifier", c_int),
        ("path", c_char_p),
        ("mirror_ns", c_char_p),
        ("mirror_service", c_char_p),
        ("mirror_port", c_int),
        ("mirror_numerator", c_int),
        ("mirror_denominator", c_int),
        ("ext_group", c_char_p),
        ("ext_kind", c_char_p),
        ("ext_name", c_char_p),
    ]


# Opaque handles are plain void pointers.
ruleset_p = c_void_p
router_p = c_void_p
diags_p = c_void_p


def _fn(lib: ctypes.CDLL, name: str, restype: Any, *argtypes: Any) -> None:
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)


def _declare_version(lib: ctypes.CDLL) -> None:
    """The functions _check() needs, present in every 0.x library."""
    _fn(lib, "ingroute_version", c_uint)
    _fn(lib, "ingroute_version_string", c_char_p)
    _fn(lib, "ingroute_match_size", c_size_t)
    _fn(lib, "ingroute_options_size", c_size_t)


def _declare(lib: ctypes.CDLL) -> None:
    def fn(name: str, restype: Any, *argtypes: Any) -> None:
        _fn(lib, name, restype, *argtypes)

    fn("ingroute_strerror", c_char_p, c_int)
    fn("ingroute_options_init", c_int, POINTER(COptions), c_size_t)
    fn("ingroute_options_check", c_int, POINTER(COptions), diags_p)  # @since 0.4
    fn("ingroute_max_path", c_size_t)
    fn("ingroute_kubernetes_version", c_char_p)  # @since 0.5

    fn("ingroute_diags_new", c_int, POINTER(diags_p), c_void_p)
    fn("ingroute_diags_free", None, diags_p)
    fn("ingroute_diags_clear", None, diags_p)
    fn("ingroute_diags_count", c_size_t, diags_p)
    fn("ingroute_diags_count_severity", c_size_t, diags_p, c_int)
    fn("ingroute_diags_get", c_int, diags_p, c_size_t, POINTER(CDiag))
    fn("ingroute_diags_format", c_size_t, diags_p, c_size_t, c_char_p, c_size_t)

    fn("ingroute_ruleset_new", c_int, POINTER(ruleset_p), POINTER(COptions))
    fn("ingroute_ruleset_free", None, ruleset_p)
    fn("ingroute_ruleset_load_buffer", c_int, ruleset_p, c_char_p, c_size_t,
       c_char_p, diags_p)
    fn("ingroute_ruleset_load_path", c_int, ruleset_p, c_char_p, diags_p)
    fn("ingroute_ruleset_remove", c_int, ruleset_p, c_char_p, c_char_p)
    fn("ingroute_ruleset_reload_paths", c_int, ruleset_p, POINTER(c_char_p),
       c_size_t, diags_p)
    fn("ingroute_ruleset_reload_buffer", c_int, ruleset_p, c_char_p, c_size_t,
       c_char_p, diags_p)
    fn("ingroute_ruleset_delete", c_int, ruleset_p, c_char_p, c_char_p, c_char_p)
    fn("ingroute_ruleset_generation", c_uint64, ruleset_p)
    fn("ingroute_ruleset_count", c_size_t, ruleset_p)
    fn("ingroute_ruleset_get", c_int, ruleset_p, c_size_t, POINTER(CIngressInfo))
    fn("ingroute_ruleset_find", c_int, ruleset_p, c_char_p, c_char_p,
       POINTER(CIngressInfo))

    fn("ingroute_router_compile", c_int, POINTER(router_p), ruleset_p, diags_p)
    fn("ingroute_compile_options_init", c_int, POINTER(CCompileOptions), c_size_t)
    fn("ingroute_compile_options_size", c_size_t)
    fn("ingroute_router_compile_with", c_int, POINTER(router_p), ruleset_p,
       POINTER(CCompileOptions), diags_p)
    fn("ingroute_router_ref", router_p, router_p)
    fn("ingroute_router_unref", None, router_p)
    fn("ingroute_router_match", c_int, router_p, c_char_p, c_size_t, c_char_p,
       c_size_t, POINTER(CMatch))
    fn("ingroute_router_tls", c_int, router_p, c_char_p, c_size_t,
       POINTER(CTLSMatch))
    # char ** out: declared as a void pointer so ctypes hands back the raw
    # address, which must be given to ingroute_free() (a c_char_p result
    # would be copied and the address lost).
    fn("ingroute_router_explain", c_int, router_p, c_char_p, c_size_t, c_char_p,
       c_size_t, POINTER(c_void_p), POINTER(c_size_t))
    fn("ingroute_router_dump", c_int, router_p, POINTER(c_void_p),
       POINTER(c_size_t))
    fn("ingroute_free", None, c_void_p)
    fn("ingroute_router_stats", c_int, router_p, POINTER(CStats))
    fn("ingroute_stats_size", c_size_t)
    fn("ingroute_normalize_host", c_size_t, c_char_p, c_size_t, c_char_p, c_size_t)
    fn("ingroute_normalize_path", c_size_t, c_char_p, c_size_t, c_char_p, c_size_t)
    # @since 0.5
    fn("ingroute_router_route", c_int, router_p, POINTER(CRequest),
       POINTER(CRoute))
    fn("ingroute_route_filter", c_int, POINTER(CRoute), c_size_t,
       POINTER(CFilter))
    fn("ingroute_route_location", c_size_t, POINTER(CRequest), POINTER(CRoute),
       c_char_p, c_size_t)
    fn("ingroute_route_upstream_path", c_size_t, POINTER(CRequest),
       POINTER(CRoute), c_char_p, c_size_t)
    fn("ingroute_request_size", c_size_t)
    fn("ingroute_route_size", c_size_t)
    fn("ingroute_filter_size", c_size_t)


# The library a wheel carries (setup.py builds it into the package).
BUNDLED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_libingroute.so")


def _open() -> ctypes.CDLL:
    """INGROUTE_LIBRARY (a path, or a name such as libingroute.so.1 for the
    system's copy), else the library in the package, else the system's."""
    explicit = os.environ.get("INGROUTE_LIBRARY")
    if explicit:
        try:
            return ctypes.CDLL(explicit)
        except OSError as e:
            raise ImportError(
                f"ingroute: INGROUTE_LIBRARY={explicit!r} cannot be loaded: {e}"
            ) from e
    if os.path.isfile(BUNDLED):
        return ctypes.CDLL(BUNDLED)
    try:
        return ctypes.CDLL(SONAME)
    except OSError as e:
        raise ImportError(
            f"ingroute: {SONAME} not found by the system loader ({e}); install "
            "the library or set INGROUTE_LIBRARY to the path of libingroute.so.1"
        ) from e


def _check(lib: ctypes.CDLL) -> None:
    v = lib.ingroute_version()
    major, minor = v >> 16, (v >> 8) & 0xFF
    if major != HEADER_MAJOR or minor < HEADER_MINOR:
        raise ImportError(
            f"ingroute: library version {lib.ingroute_version_string().decode()} "
            f"is not compatible with these bindings ({HEADER_MAJOR}.{HEADER_MINOR}.x)"
        )
    # The size-first convention lets an older library ignore fields it does
    # not know; a library struct smaller than the first published layout
    # would mean a different ABI altogether.
    if lib.ingroute_match_size() < 8 or lib.ingroute_options_size() < 8:
        raise ImportError("ingroute: the library reports impossible struct sizes")


lib: ctypes.CDLL = _open()
# The version is checked before the other symbols are looked up: an older
# library lacks the newer functions, and "library 0.3.0 is not compatible"
# says more than ctypes' "undefined symbol".
_declare_version(lib)
_check(lib)
_declare(lib)

#: sizes to put in the size member: ours, or the library's when it is older.
OPTIONS_SIZE: int = min(ctypes.sizeof(COptions), lib.ingroute_options_size())
MATCH_SIZE: int = min(ctypes.sizeof(CMatch), lib.ingroute_match_size())
DIAG_SIZE: int = ctypes.sizeof(CDiag)
INFO_SIZE: int = ctypes.sizeof(CIngressInfo)
TLS_SIZE: int = ctypes.sizeof(CTLSMatch)
STATS_SIZE: int = min(ctypes.sizeof(CStats), lib.ingroute_stats_size())
COMPILE_OPTIONS_SIZE: int = min(ctypes.sizeof(CCompileOptions),
                                lib.ingroute_compile_options_size())
REQUEST_SIZE: int = min(ctypes.sizeof(CRequest), lib.ingroute_request_size())
ROUTE_SIZE: int = min(ctypes.sizeof(CRoute), lib.ingroute_route_size())
FILTER_SIZE: int = min(ctypes.sizeof(CFilter), lib.ingroute_filter_size())


def text(b: Optional[bytes]) -> Optional[str]:
    """Decodes a string from the library (UTF-8; stray bytes kept as
    surrogate escapes so that they round-trip)."""
    if b is None:
        return None
    return b.decode("utf-8", "surrogateescape")


def encode(s: str | bytes) -> bytes:
    if isinstance(s, bytes):
        return s
    return s.encode("utf-8", "surrogateescape")


def library_path() -> str:
    """The file name the library was loaded from (as given to the loader)."""
    return str(lib._name)
