"""Arguments the binding refuses before calling the library: limits C
would read as "no limit", strings C would cut short at a NUL byte, and
values of the wrong type."""

from __future__ import annotations

from pathlib import Path

import pytest

import ingroute

SHOP = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: public
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
"""

LIMITS = ["max_input_bytes", "max_depth", "max_nodes", "max_alias_nodes",
          "max_scalar_bytes", "max_diagnostics", "max_alias_bytes"]

DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("field", LIMITS)
def test_negative_limit_refused(field: str):
    # ctypes stored -1 in a size_t as SIZE_MAX: no limit at all.
    with pytest.raises(ingroute.InvalidArgumentError) as ei:
        ingroute.Options(**{field: -1})
    assert isinstance(ei.value, ValueError)
    assert str(ei.value) == f"Options.{field} is -1: must not be negative"
    with pytest.raises(ValueError, match=f"Options.{field} is -1"):
        ingroute.Router.load(text=DEEP, options=ingroute.Options(**{field: -1}))


@pytest.mark.parametrize("value", ["10", 1.5, None, True, b"1"])
@pytest.mark.parametrize("field", LIMITS)
def test_limit_of_another_type_refused(field: str, value: object):
    with pytest.raises(ValueError) as ei:
        ingroute.Options(**{field: value})
    # An InvalidArgumentError (a ValueError), as a negative limit is, and
    # a TypeError, as Python's own checks raise for a wrong type.
    assert isinstance(ei.value, ingroute.InvalidArgumentError)
    assert isinstance(ei.value, TypeError)
    assert str(ei.value) == \
        f"Options.{field} must be an int, not {type(value).__name__}"


def test_limit_beyond_size_t_refused():
    # ctypes would keep the low bits of the number: 2**64 + 5 is 5.
    with pytest.raises(ingroute.InvalidArgumentError, match="Options.max_depth is 18446744073709551621"):
        ingroute.Options(max_depth=2**64 + 5)


def test_limits_still_work():
    assert ingroute.Options(max_depth=0).max_depth == 0
    with pytest.raises(ingroute.LimitError):
        ingroute.Router.load(text=DEEP)
    with pytest.raises(ingroute.LimitError):
        ingroute.Router.load(text=SHOP, options=ingroute.Options(max_input_bytes=10))


NUL = "must not contain a NUL byte"


@pytest.mark.parametrize("field,value", [
    ("class_", "pub\0lic"),
    ("namespace", "team\0"),
    ("default_backend", "ops/fallback:80\0x"),
    ("class_", b"pub\0lic"),
])
def test_nul_in_option_refused(field: str, value):
    # "pub\0lic" reached C as "pub".
    with pytest.raises(ingroute.InvalidArgumentError) as ei:
        ingroute.Options(**{field: value})
    assert str(ei.value) == f"Options.{field} is {value!r}: {NUL}"
    with pytest.raises(ingroute.InvalidArgumentError):
        ingroute.Router.load(text=SHOP, **{field: value})


def test_option_strings_of_another_type_refused():
    with pytest.raises(TypeError, match="Options.class_ must be str or bytes, not int"):
        ingroute.Options(class_=1)
    with pytest.raises(TypeError, match="Options.impl_specific must be"):
        ingroute.Options(impl_specific=1.0)
    with pytest.raises(ingroute.InvalidArgumentError, match="Options.impl_specific"):
        ingroute.Options(impl_specific=7)
    with pytest.raises(TypeError, match="options must be an ingroute.Options, not dict"):
        ingroute.Ruleset({"class_": "public"})


def test_nul_in_paths_names_and_keys_refused(tmp_path: Path):
    with pytest.raises(ingroute.InvalidArgumentError) as ei:
        ingroute.Router.load("dup\0x")
    assert str(ei.value) == f"Router.load paths[0] is 'dup\\x00x': {NUL}"
    with pytest.raises(ingroute.InvalidArgumentError, match=r"Router.load paths\[1\]"):
        ingroute.Router.load([tmp_path, "dup\0x"])
    with pytest.raises(ingroute.InvalidArgumentError, match="Router.load name"):
        ingroute.Router.load(text=SHOP, name="a.yaml\0b")
    with ingroute.Ruleset() as rs:
        rs.load_text(SHOP, "shop.yaml")
        g = rs.generation
        calls = [
            (lambda: rs.load_path(tmp_path / "a\0b"), "load_path path"),
            (lambda: rs.reload_paths(tmp_path, "a\0b"), r"reload_paths paths\[1\]"),
            (lambda: rs.load_text(SHOP, "b.yaml\0"), "load_text name"),
            (lambda: rs.reload_text(SHOP, "b.yaml\0"), "reload_text name"),
            # Cut short, these keys named shop/web.
            (lambda: rs.remove("shop", "web\0other"), "remove name"),
            (lambda: rs.remove("shop\0other", "web"), "remove namespace"),
            (lambda: rs.delete("Ingress", "shop", "web\0other"), "delete name"),
            (lambda: rs.delete("Ingress", "shop\0x", "web"), "delete namespace"),
            (lambda: rs.delete("Ingress\0Class", "shop", "web"), "delete kind"),
            (lambda: rs.find("shop", "web\0other"), "find name"),
            (lambda: rs.find("shop\0other", "web"), "find namespace"),
            (lambda: rs.compile(default_backend="ops/x:80\0y"), "compile default_backend"),
        ]
        for call, what in calls:
            with pytest.raises(ingroute.InvalidArgumentError, match=f"^{what} is .*: {NUL}$"):
                call()
        assert rs.find("shop", "web") is not None
        assert (len(rs), rs.generation) == (1, g)


def test_wrong_types_raise_type_error():
    with ingroute.Router.load(text=SHOP) as r:
        calls = [
            (lambda: r.match(None, None), "match path must be str or bytes, not NoneType"),
            (lambda: r.match(1, "/"), "match host must be str, bytes or None, not int"),
            (lambda: r.match("a", ["/"]), "match path must be str or bytes, not list"),
            (lambda: r.explain(None, None), "explain path must be str or bytes, not NoneType"),
            (lambda: r.explain_text(b"a", 3), "explain path must be str or bytes, not int"),
            (lambda: r.tls(None), "tls sni must be str or bytes, not NoneType"),
            (lambda: ingroute.normalize_host(None), "normalize_host host must be str or bytes, not NoneType"),
            (lambda: ingroute.normalize_path(7), "normalize_path path must be str or bytes, not int"),
        ]
        for call, msg in calls:
            with pytest.raises(TypeError) as ei:
                call()
            assert str(ei.value) == msg
            # One except clause catches every refused argument.
            assert isinstance(ei.value, ingroute.InvalidArgumentError)
        # None is no host; NUL bytes in a request are data, passed whole.
        assert r.match(None, "/").decision is ingroute.Decision.NONE
        assert r.match("shop.example.com", "/a\0b").backend.service == "web"
    with ingroute.Ruleset() as rs:
        for call, msg in [
            (lambda: rs.load_text(None), "load_text data must be str or bytes, not NoneType"),
            (lambda: rs.load_text(SHOP, 1), "load_text name must be str or bytes, not int"),
            (lambda: rs.load_path(None), "load_path path must be str, bytes or os.PathLike, not NoneType"),
            (lambda: rs.remove("shop", None), "remove name must be str or bytes, not NoneType"),
            (lambda: rs.delete(None, "shop", "web"), "delete kind must be str or bytes, not NoneType"),
            (lambda: rs.find("shop", 1), "find name must be str or bytes, not int"),
            (lambda: rs.compile(default_backend=1), "compile default_backend must be str or bytes, not int"),
        ]:
            with pytest.raises(TypeError) as ei:
                call()
            assert str(ei.value) == msg
    with pytest.raises(TypeError, match="Router.load text must be str or bytes, not int"):
        ingroute.Router.load(text=1)


# Options the library refuses: ingroute_options_check() names each and
# says why, and the exception says it with this package's names.

OPTION = "Invalid value: "


@pytest.mark.parametrize("backend,problem", [
    ("web:80", "must be NAMESPACE/SERVICE:PORT (no '/')"),
    ("shop/web", "must be NAMESPACE/SERVICE:PORT (no ':PORT')"),
    ("/web:80", "namespace: a lowercase RFC 1123 label must consist of"),
    ("Shop/web:80", "namespace: a lowercase RFC 1123 label must consist of"),
    ("shop/:80", "service: a lowercase RFC 1123 label must consist of"),
    ("shop/Web:80", "service: a lowercase RFC 1123 label must consist of"),
    ("shop/web.x:80", "service: must not contain dots"),
    ("shop/web:0", "port: must be between 1 and 65535, inclusive"),
    ("shop/web:65536", "port: must be between 1 and 65535, inclusive"),
    ("shop/web:99999999999999999999", "port: must be between 1 and 65535, inclusive"),
    ("shop/web:", "port: "),
    ("shop/web:http_x", "port: must contain only alpha-numeric characters"),
])
def test_default_backend_refused_with_the_library_reason(backend: str, problem: str):
    message = f'{OPTION}"{backend}": {problem}'
    for make in (lambda: ingroute.Ruleset(default_backend=backend),
                 lambda: ingroute.Router.load(text=SHOP, default_backend=backend),
                 lambda: ingroute.Router.load(
                     text=SHOP, options=ingroute.Options(default_backend=backend))):
        with pytest.raises(ingroute.InvalidArgumentError) as ei:
            make()
        e = ei.value
        assert isinstance(e, ValueError) and not isinstance(e, TypeError)
        assert str(e).startswith(f"Options.default_backend: {message}"), str(e)
        assert e.status == -1
        assert len(e.diagnostics) == 1 and e.errors == e.diagnostics
        d = e.diagnostics[0]
        assert (d.severity, d.code, d.field) == \
            (ingroute.Severity.ERROR, ingroute.DiagCode.OPTION, "default_backend")
        assert (d.file, d.line, d.column, d.kind, d.name) == (None, 0, 0, None, None)
        assert str(e) == f"Options.default_backend: {d.message}"
        assert str(d) == f"error: default_backend: {d.message}"
    # compile() names its keyword, with the same reason.
    with ingroute.Ruleset() as rs:
        rs.load_text(SHOP)
        with pytest.raises(ingroute.InvalidArgumentError) as ei:
            rs.compile(default_backend=backend)
        assert str(ei.value).startswith(f"compile default_backend: {message}")
        assert [(d.code, d.field) for d in ei.value.diagnostics] == \
            [(ingroute.DiagCode.OPTION, "default_backend")]
        with rs.compile() as r:  # the ruleset is as it was
            assert r.match("shop.example.com", "/").backend.service == "web"


@pytest.mark.parametrize("backend", ["shop/web:8080", "shop/web:http", "shop/web:8080-http",
                                     "shop/web-2:65535"])
def test_default_backend_accepted(backend: str):
    with ingroute.Router.load(text=SHOP, default_backend=backend) as r:
        assert str(r.match("other.example.com", "/").backend) == backend
    with ingroute.Ruleset() as rs, rs.compile(default_backend=backend) as r:
        assert str(r.match("other.example.com", "/").backend) == backend


@pytest.mark.parametrize("kw,name,field,message", [
    ({"namespace": "Team_A"}, "Options.namespace", "default_namespace",
     f'{OPTION}"Team_A": a lowercase RFC 1123 label must consist of'),
    ({"namespace": "a.b"}, "Options.namespace", "default_namespace",
     f'{OPTION}"a.b": must not contain dots'),
    ({"class_": ""}, "Options.class_", "ingress_class",
     f'{OPTION}"": must not be empty'),
    ({"class_": b""}, "Options.class_", "ingress_class",
     f'{OPTION}"": must not be empty'),
])
def test_other_options_refused_with_the_library_reason(kw, name, field, message):
    with pytest.raises(ingroute.InvalidArgumentError) as ei:
        ingroute.Router.load(text=SHOP, **kw)
    assert str(ei.value).startswith(f"{name}: {message}"), str(ei.value)
    assert [(d.code, d.field) for d in ei.value.diagnostics] == \
        [(ingroute.DiagCode.OPTION, field)]


def test_every_refused_option_is_named():
    with pytest.raises(ingroute.InvalidArgumentError) as ei:
        ingroute.Ruleset(class_="", namespace="NS", default_backend="shop/web",
                         fallthrough=True)
    e = ei.value
    assert [d.field for d in e.diagnostics] == \
        ["ingress_class", "default_namespace", "default_backend"]
    assert str(e) == "; ".join(f"{n}: {d.message}" for n, d in zip(
        ["Options.class_", "Options.namespace", "Options.default_backend"],
        e.diagnostics))


def test_refusals_the_package_cannot_make():
    """impl_specific and flags never reach C refused: the package checks
    the mode itself and sets only the library's flags. The names they
    would get, through the check the package runs."""
    from ingroute import _api

    o = ingroute.Options(strict=True, normalize=False)
    copts, keep = o._to_c()
    copts.impl_specific = 3
    copts.flags |= 1 << 9
    with pytest.raises(ingroute.InvalidArgumentError) as ei:
        _api._check_options(copts, o._c_names())
    del keep
    # The flags are strict's and normalize's bits (0x5) and the stray one.
    assert str(ei.value) == (
        "Options.strict, Options.normalize: Invalid value: 0x205: 0x200 is no flag "
        "of this library (enum ingroute_flag); "
        "Options.impl_specific: Invalid value: 3: must be 0 (INGROUTE_IMPL_PREFIX), "
        "1 (INGROUTE_IMPL_EXACT) or 2 (INGROUTE_IMPL_STRING_PREFIX)")
    assert [d.field for d in ei.value.diagnostics] == ["flags", "impl_specific"]
    # The package's own messages for what it refuses first.
    with pytest.raises(ingroute.InvalidArgumentError, match="Options.impl_specific: 3 is not"):
        ingroute.Ruleset(impl_specific=3)


def test_package_checks_run_before_the_library():
    # A NUL, a negative limit, a wrong type: refused as before, with the
    # package's message and no diagnostics, even beside a bad backend.
    for kw, msg in [
        ({"default_backend": "shop/web\0:80"}, "Options.default_backend is "),
        ({"default_backend": "shop/web", "max_depth": -1}, "Options.max_depth is -1"),
        ({"namespace": "NS", "class_": 1}, "Options.class_ must be str or bytes"),
    ]:
        with pytest.raises(ingroute.InvalidArgumentError) as ei:
            ingroute.Ruleset(**kw)
        assert str(ei.value).startswith(msg)
        assert ei.value.diagnostics == []
