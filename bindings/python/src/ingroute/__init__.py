"""ingroute: route HTTP requests the way Kubernetes Ingress says.

Pure-ctypes bindings for libingroute.so.1. The shared library is found
through the INGROUTE_LIBRARY environment variable (a path to the .so), else
by the system loader.

    >>> import ingroute
    >>> with ingroute.Router.load(["manifests/"], class_="public") as router:
    ...     m = router.match("shop.example.com", "/cart/42")
    ...     print(m.decision, m.backend, m.ingress, m.rule)
"""

from ._api import (
    ArgumentTypeError,
    Backend,
    ClosedError,
    Decision,
    DefaultSource,
    DiagCode,
    Diagnostic,
    Filter,
    FilterType,
    HeaderEdit,
    ImplSpecific,
    IngressInfo,
    IngressRef,
    IngrouteError,
    InvalidArgumentError,
    LimitError,
    LoadFileNotFoundError,
    LoadIOError,
    LoadPermissionError,
    ManifestSyntaxError,
    Match,
    NotFoundError,
    Options,
    OutOfMemoryError,
    PathType,
    Resource,
    Route,
    Router,
    Rule,
    Ruleset,
    Severity,
    Source,
    Stats,
    TLS,
    ValidationError,
    VHostKind,
    max_path,
    normalize_host,
    normalize_path,
    strerror,
    kubernetes_version,
    version,
    version_info,
)
from ._ffi import library_path

__version__ = "0.5.0"

__all__ = [
    "ArgumentTypeError", "Backend", "ClosedError", "Decision", "DefaultSource",
    "DiagCode", "Diagnostic", "ImplSpecific", "IngressInfo", "IngressRef",
    "IngrouteError", "InvalidArgumentError", "LimitError",
    "LoadFileNotFoundError", "LoadIOError", "LoadPermissionError",
    "ManifestSyntaxError", "Match", "NotFoundError", "Options",
    "OutOfMemoryError", "PathType",
    "Resource", "Router", "Rule", "Ruleset", "Severity", "Stats", "TLS",
    "ValidationError", "VHostKind", "library_path", "max_path",
    "normalize_host", "normalize_path", "strerror", "version", "version_info",
    "kubernetes_version", "Route", "Source", "Filter", "FilterType",
    "HeaderEdit",
]
