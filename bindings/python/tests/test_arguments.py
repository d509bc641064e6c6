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
