"""Reloads keep the last good version (docs/semantics.md §1.6): the
sources are the whole desired state, an invalid edit leaves the served
version in place with a KEPT error, delete by kind, and the generation."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

import ingroute
from ingroute import Decision, DiagCode, Severity
from ingroute import _ffi


def ingress(name: str, host: str, path: str, service: str, rv: str = "1",
            class_line: str = "") -> str:
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: shop
  resourceVersion: "{rv}"
spec:
{class_line}  rules:
  - host: {host}
    http:
      paths:
      - path: {path}
        pathType: Prefix
        backend: {{service: {{name: {service}, port: {{number: 80}}}}}}
"""


def served(rs: ingroute.Ruleset, host: str, path: str = "/") -> str:
    """The Service a router compiled now sends HOST PATH to, or "404"."""
    with rs.compile() as r:
        m = r.match(host, path)
    if m.decision is Decision.NONE:
        return "404"
    assert m.backend is not None and m.backend.service is not None
    return m.backend.service


def kept(diags):
    return [d for d in diags if d.code is DiagCode.KEPT]


def test_reload_paths_removes_what_the_sources_dropped(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(ingress("a", "a.io", "/", "a1"))
    (tmp_path / "b.yaml").write_text(ingress("b", "b.io", "/", "b1"))
    with ingroute.Ruleset() as rs:
        assert rs.reload_paths(tmp_path) == []
        assert (served(rs, "a.io"), served(rs, "b.io")) == ("a1", "b1")
        g = rs.generation
        (tmp_path / "b.yaml").unlink()
        rs.reload_paths(tmp_path)
        assert served(rs, "a.io") == "a1"
        assert served(rs, "b.io") == "404"
        assert rs.find("shop", "b") is None and len(rs) == 1
        assert rs.generation > g
        # A load would only have added: the reload's sources are the state.
        rs.load_path(tmp_path / "a.yaml")
        assert len(rs) == 1
        # Several paths together are one desired state.
        other = tmp_path / "other"
        other.mkdir()
        (other / "c.yaml").write_text(ingress("c", "c.io", "/", "c1"))
        rs.reload_paths(tmp_path / "a.yaml", str(other))
        assert (served(rs, "a.io"), served(rs, "c.io")) == ("a1", "c1")
        rs.reload_paths(other)
        assert (served(rs, "a.io"), served(rs, "c.io")) == ("404", "c1")
        # No sources: nothing is desired.
        assert rs.reload_paths() == []
        assert len(rs) == 0


def test_invalid_edit_keeps_the_old_route(tmp_path: Path):
    old = tmp_path / "10-shop.yaml"
    old.write_text(ingress("web", "shop.io", "/v1", "web-v1", rv="41"))
    with ingroute.Ruleset() as rs:
        rs.reload_paths(tmp_path)
        g = rs.generation
        assert served(rs, "shop.io", "/v1/x") == "web-v1"

        # The edit moves the Ingress to another file and breaks it (a path
        # without a leading slash): the version from the old file stays.
        old.unlink()
        new = tmp_path / "20-shop.yaml"
        new.write_text(ingress("web", "shop.io", "v2", "web-v2", rv="42"))
        diags = rs.reload_paths(tmp_path)
        [k] = kept(diags)
        assert k.severity is Severity.ERROR
        assert (k.kind, k.namespace, k.name) == ("Ingress", "shop", "web")
        assert k.file == str(new) and k.line == 1
        assert f"loaded from {old}:1:1" in k.message
        assert 'resourceVersion "41"' in k.message
        assert str(k).startswith(f"{new}:1:1: error: Ingress shop/web: ")
        # The version's own error is reported as well.
        assert any(d.code is DiagCode.INVALID and d.file == str(new) for d in diags)

        assert served(rs, "shop.io", "/v1/x") == "web-v1"
        assert served(rs, "shop.io", "/v2") == "404"
        assert rs.generation == g
        info = rs.find("shop", "web")
        assert info is not None and info.file == str(old)
        with rs.compile() as r:
            st = r.stats()
            assert st.generation == g and st.ingresses_invalid == 1

        # Fixed: applied, and the generation moves.
        new.write_text(ingress("web", "shop.io", "/v2", "web-v2", rv="43"))
        assert kept(rs.reload_paths(tmp_path)) == []
        assert served(rs, "shop.io", "/v2") == "web-v2"
        assert served(rs, "shop.io", "/v1") == "404"
        assert rs.generation == g + 1


def test_generation_unchanged_by_a_noop_reload():
    v1 = ingress("a", "a.io", "/", "a1", rv="1")
    with ingroute.Ruleset() as rs:
        assert rs.generation == 0
        rs.reload_text(v1, "v1.yaml")
        g = rs.generation
        assert g > 0
        rs.reload_text(v1, "v1.yaml")
        assert rs.generation == g
        # Only the server's bookkeeping differs: still nothing to compile.
        rs.reload_text(v1.replace('resourceVersion: "1"', 'resourceVersion: "2"'),
                       "v1.yaml")
        assert rs.generation == g
        with rs.compile() as r:
            assert r.stats().generation == g
        rs.reload_text(ingress("a", "a.io", "/", "a2", rv="3"), "v2.yaml")
        assert rs.generation == g + 1
        assert served(rs, "a.io") == "a2"


def test_reload_text_keeps_and_names_the_old_version():
    with ingroute.Ruleset() as rs:
        rs.reload_text(ingress("b", "b.io", "/", "b1") + "---\n"
                       + ingress("c", "c.io", "/", "c1"), "old.yaml")
        g = rs.generation
        diags = rs.reload_text(ingress("b", "b.io", "nope", "b2", rv="2"), "new.yaml")
        [k] = kept(diags)
        assert k.file == "new.yaml" and k.name == "b"
        assert "loaded from old.yaml:1:1" in k.message
        # b keeps serving; c is not in the sources any more.
        assert (served(rs, "b.io"), served(rs, "c.io")) == ("b1", "404")
        assert rs.generation != g  # c's removal moved it
        # An invalid object the ruleset never had is simply not there.
        diags = rs.reload_text(ingress("b", "b.io", "nope", "b2", rv="2") + "---\n"
                               + ingress("d", "d.io", "bad", "d1"))
        assert [d.name for d in kept(diags)] == ["b"]
        assert kept(diags)[0].file is None
        assert rs.find("shop", "d") is None


def test_reload_is_all_or_nothing(tmp_path: Path):
    with ingroute.Ruleset() as rs:
        rs.reload_text(ingress("a", "a.io", "/", "a1"), "a.yaml")
        g = rs.generation
        with pytest.raises(ingroute.ManifestSyntaxError) as ei:
            rs.reload_text("kind: [", "broken.yaml")
        assert "reload broken.yaml" in str(ei.value)
        with pytest.raises(ingroute.LoadIOError) as io:
            rs.reload_paths(tmp_path / "missing")
        assert io.value.errors[0].code is DiagCode.IO
        assert (served(rs, "a.io"), rs.generation, len(rs)) == ("a1", g, 1)
        # C would read a name cut short at the NUL: another file.
        with pytest.raises(ingroute.InvalidArgumentError):
            rs.reload_paths(tmp_path, "a\0b")
        with pytest.raises(ingroute.InvalidArgumentError):
            rs.load_path("a\0b")
    with ingroute.Ruleset(strict=True) as rs:
        rs.reload_text(ingress("a", "a.io", "/", "a1"))
        with pytest.raises(ingroute.ValidationError) as strict:
            rs.reload_text(ingress("a", "a.io", "x", "a2") + "---\n"
                           + ingress("b", "b.io", "/", "b1"))
        assert any(d.code is DiagCode.KEPT for d in strict.value.errors)
        assert (served(rs, "a.io"), served(rs, "b.io")) == ("a1", "404")
    with pytest.raises(ingroute.ClosedError):
        rs.reload_text("")
    with pytest.raises(ingroute.ClosedError):
        rs.generation


CLASSLESS = ingress("web", "shop.io", "/", "web")
DEFAULT_CLASS = """apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: public
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: example.com/ingress}
"""


def test_delete_ingress_class_changes_what_is_served():
    with ingroute.Ruleset(class_="public") as rs:
        rs.load_text(CLASSLESS + "---\n" + DEFAULT_CLASS, "cluster.yaml")
        # Without a class of its own, web is served because "public" is
        # the cluster's default IngressClass (docs/semantics.md §3).
        assert served(rs, "shop.io") == "web"
        g = rs.generation
        rs.delete("IngressClass", None, "public")
        assert rs.generation > g
        assert served(rs, "shop.io") == "404"
        info = rs.find("shop", "web")
        assert info is not None and not info.served
        with pytest.raises(ingroute.NotFoundError) as ei:
            rs.delete("IngressClass", "ignored", "public")
        assert "IngressClass public" in str(ei.value)
        # And back: loading it again serves web again.
        rs.load_text(DEFAULT_CLASS)
        assert served(rs, "shop.io") == "web"


def test_delete_ingress_and_bad_kinds():
    with ingroute.Ruleset(namespace="shop") as rs:
        rs.load_text(CLASSLESS)
        with pytest.raises(ingroute.InvalidArgumentError) as ei:
            rs.delete("Deployment", "shop", "web")
        assert isinstance(ei.value, ValueError)
        with pytest.raises(ingroute.InvalidArgumentError):
            rs.delete("ingress", "shop", "web")  # kinds are case-sensitive
        with pytest.raises(ingroute.NotFoundError):
            rs.delete("Ingress", "other", "web")
        assert served(rs, "shop.io") == "web"
        rs.delete("Ingress", None, "web")  # None: the default namespace
        assert len(rs) == 0 and served(rs, "shop.io") == "404"
        with pytest.raises(ingroute.NotFoundError) as ei:
            rs.delete("Ingress", "shop", "web")
        assert "Ingress shop/web" in str(ei.value)


def test_stats_reads_only_what_the_library_filled(monkeypatch):
    with ingroute.Ruleset() as rs:
        rs.load_text(CLASSLESS)
        rs.load_text(ingress("web", "shop.io", "/", "web2"))
        g = rs.generation
        assert g == 2
        with rs.compile() as r:
            assert r.stats().generation == g
            # A struct as a 0.2 caller passes it ends before generation:
            # the library fills only that much, and the binding must not
            # report ctypes' zero as the generation.
            v1 = _ffi.CStats.generation.offset
            monkeypatch.setattr(_ffi, "STATS_SIZE", v1)
            with pytest.raises(ingroute.IngrouteError, match="generation"):
                r.stats()
    assert ctypes.sizeof(_ffi.CStats) > v1


def test_kept_code_value():
    assert DiagCode.KEPT == 15 and DiagCode(15) is DiagCode.KEPT
