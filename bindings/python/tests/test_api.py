"""The binding's own API: loading, results, diagnostics, errors, lifetime,
threads."""

from __future__ import annotations

import gc
import json
import threading
import weakref
from pathlib import Path

import pytest

import ingroute
from ingroute import Decision, DefaultSource, PathType, Severity, VHostKind

SHOP = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  creationTimestamp: "2025-01-01T00:00:00Z"
spec:
  ingressClassName: public
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
  tls:
  - {hosts: [shop.example.com, "*.shop.example.com"], secretName: shop-tls}
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /cart, pathType: Exact, backend: {service: {name: cart, port: {name: http}}}}
      - path: /static/
        pathType: ImplementationSpecific
        backend: {resource: {apiGroup: storage.example.com, kind: Bucket, name: assets}}
  - host: "*.shop.example.com"
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: preview, port: {number: 8080}}}}
"""

OTHER = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: internal, namespace: ops}
spec:
  ingressClassName: internal
  rules:
  - host: ops.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: ops, port: {number: 80}}}}
"""


@pytest.fixture
def router():
    with ingroute.Router.load(text=SHOP + "---\n" + OTHER, name="shop.yaml",
                              class_="public") as r:
        yield r


def test_match_path_service(router):
    m = router.match("Shop.Example.com:443", "/cart?x=1")
    assert m.decision is Decision.PATH and m
    assert m.backend == ingroute.Backend("shop", "cart", None, "http")
    assert m.backend.port == "http" and str(m.backend) == "shop/cart:http"
    assert m.ingress == ingroute.IngressRef("shop", "web")
    assert m.rule == ingroute.Rule("shop.example.com", "/cart", PathType.EXACT)
    assert m.vhost_kind is VHostKind.EXACT
    assert m.default_source is DefaultSource.NONE


def test_match_port_number_and_prefix(router):
    m = router.match("shop.example.com", "/cart/../x")
    assert m.backend.port_number == 80 and m.backend.port_name is None
    assert m.rule.path == "/" and str(m.rule.path_type) == "Prefix"


def test_match_resource(router):
    m = router.match("shop.example.com", "/static/app.js")
    assert m.backend.service is None
    assert m.backend.resource == ingroute.Resource("storage.example.com", "Bucket", "assets")
    assert str(m.backend) == "resource:storage.example.com/Bucket/assets"
    assert m.rule.path_type is PathType.IMPLEMENTATION_SPECIFIC


def test_match_wildcard(router):
    m = router.match("pr-1.shop.example.com", "/")
    assert m.vhost_kind is VHostKind.WILDCARD
    assert m.rule.host == "*.shop.example.com"


def test_match_default_and_none(router):
    m = router.match("elsewhere.test", "/")
    assert m.decision is Decision.DEFAULT
    assert m.rule is None and m.ingress == ingroute.IngressRef("shop", "web")
    assert str(m.backend) == "shop/fallback:80"
    assert m.vhost_kind is VHostKind.NONE
    assert m.default_source in (DefaultSource.ANY, DefaultSource.RULELESS)
    # the class filter dropped ops/internal; no host at all goes to the default
    assert router.match("ops.example.com", "/").rule is None
    assert router.match(None, "/").decision is Decision.DEFAULT
    assert router.match(b"", b"/").decision is Decision.DEFAULT


def test_none_decision():
    with ingroute.Router.load(text=OTHER) as r:
        m = r.match("nowhere.test", "/")
        assert m.decision is Decision.NONE and not m
        assert m.backend is None and m.ingress is None and m.rule is None


def test_default_backend_option():
    with ingroute.Router.load(text=OTHER, default_backend="ops/fallback:http") as r:
        m = r.match("nowhere.test", "/")
        assert m.decision is Decision.DEFAULT and m.ingress is None
        assert m.default_source is DefaultSource.OPTION
        assert str(m.backend) == "ops/fallback:http"


def test_normalize_off_and_fallthrough():
    with ingroute.Router.load(text=SHOP, normalize=False) as r:
        assert r.match("Shop.Example.com", "/cart").rule is None
        assert r.match("shop.example.com", "/cart").rule.path == "/cart"
    with ingroute.Router.load(text=SHOP, fallthrough=True) as r:
        assert r.match("shop.example.com", "/x").rule.path == "/"


def test_impl_specific_modes():
    for mode, want in (("prefix", None), ("string-prefix", "/static/"),
                       (ingroute.ImplSpecific.EXACT, None)):
        with ingroute.Router.load(text=SHOP, impl_specific=mode) as r:
            m = r.match("shop.example.com", "/static/a")
            if mode == "prefix":
                assert m.rule.path == "/static/"
            elif want:
                assert m.rule.path == want
            else:
                assert m.rule.path == "/"
    with pytest.raises(ingroute.InvalidArgumentError):
        ingroute.Router.load(text=SHOP, impl_specific="regex")


ROUTES = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: routes, namespace: shop}
spec:
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /app, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
      - path: /static/
        pathType: ImplementationSpecific
        backend: {service: {name: static, port: {number: 80}}}
  - http:
      paths:
      - {path: /any, pathType: Prefix, backend: {service: {name: anyhost, port: {number: 80}}}}
"""


def test_compile_with_options():
    """One ruleset, loaded once, compiled into routers that answer
    differently."""

    def service(r: ingroute.Router, host: str, path: str) -> str:
        m = r.match(host, path)
        b = m.backend.service if m.backend else ""
        return ("=" if m.decision is Decision.DEFAULT else "") + (b or "")

    with ingroute.Ruleset(fallthrough=True, default_backend="ops/fallback:http") as rs:
        rs.load_text(ROUTES)
        with rs.compile() as r:  # the ruleset's own options
            assert service(r, "a.example.com", "/any/1") == "anyhost"
            assert r.options == rs.options
        with rs.compile(fallthrough=False) as r:
            assert service(r, "a.example.com", "/any/1") == "=fallback"
            assert r.options.fallthrough is False
        with rs.compile(normalize=False) as r:
            assert service(r, "A.example.com", "/app") == "=fallback"
            assert service(r, "a.example.com", "/app") == "app"
            assert r.options.normalize is False
        with rs.compile(normalize=True) as r:
            assert service(r, "A.example.com:443", "/x/../app") == "app"
        # /static/ as ImplementationSpecific, for /static/a and /static
        for mode, want in (("prefix", ("static", "static")),
                           ("exact", ("=fallback", "=fallback")),
                           (ingroute.ImplSpecific.STRING_PREFIX, ("static", "=fallback"))):
            with rs.compile(impl_specific=mode) as r:
                assert (service(r, "a.example.com", "/static/a"),
                        service(r, "a.example.com", "/static")) == want, mode
                assert service(r, "a.example.com", "/static/") == "static"
        with rs.compile(default_backend="ops/other:81") as r:
            m = r.match("nowhere.test", "/")
            assert m.default_source is DefaultSource.OPTION
            assert str(m.backend) == "ops/other:81"
            assert r.options.default_backend == "ops/other:81"
        with rs.compile(default_backend="") as r:
            assert r.match("nowhere.test", "/").decision is Decision.NONE
            assert r.options.default_backend is None
        with rs.compile() as r:
            assert service(r, "nowhere.test", "/") == "=fallback"
        with pytest.raises(ingroute.InvalidArgumentError):
            rs.compile(default_backend="not-a-backend")
        with pytest.raises(ingroute.InvalidArgumentError):
            rs.compile(impl_specific="regex")


def test_tls(router):
    t = router.tls("SHOP.example.com")
    assert t == ingroute.TLS("shop", "shop-tls", "shop.example.com",
                             ingroute.IngressRef("shop", "web"))
    assert router.tls("a.shop.example.com").host == "*.shop.example.com"
    assert router.tls("example.org") is None


def test_explain_and_dump(router):
    e = router.explain("shop.example.com", "/cartx")
    assert isinstance(e, dict)
    assert json.loads(router.explain_text("shop.example.com", "/cartx")) == e
    assert e["decision"] == "path"
    verdicts = {c["path"]: c for c in e["candidates"]}
    assert "/cart" in verdicts
    d = router.dump()
    hosts = [v["host"] for v in d["virtualHosts"]]
    assert "shop.example.com" in hosts and "*.shop.example.com" in hosts
    assert d["tls"]


def test_load_paths(examples: Path):
    with ingroute.Router.load(examples, class_="public") as r:
        m = r.match("admin.example.com", "/")
        assert m.decision is Decision.DEFAULT and str(m.backend) == "platform/not-found:80"
        assert r.match("shop.example.com", "/cart/42").backend.service == "cart"
    files = sorted(examples.glob("*.yaml"))
    with ingroute.Router.load(files, class_="public") as r:
        assert r.match("shop.example.com", "/cart/42").backend.service == "cart"
    with ingroute.Router.load(str(examples / "shop.yaml")) as r:
        assert r.match("api.example.com", "/v2/orders/1").backend.port_number == 9000


def test_diagnostics_objects(examples: Path):
    with ingroute.Router.load(examples, class_="public") as r:
        errs = [d for d in r.diagnostics if d.severity is Severity.ERROR]
        assert len(errs) == 1
        d = errs[0]
        assert d.code is ingroute.DiagCode.INVALID
        assert d.file.endswith("legacy.yaml") and (d.line, d.column) == (27, 15)
        assert (d.kind, d.namespace, d.name) == ("Ingress", "legacy", "blog")
        assert d.field == "spec.rules[0].http.paths[0].path"
        assert d.message == 'Invalid value: "blog": must be an absolute path'
        assert str(d).endswith(
            "legacy.yaml:27:15: error: Ingress legacy/blog: "
            'spec.rules[0].http.paths[0].path: Invalid value: "blog": must be an absolute path')
        notes = [d for d in r.diagnostics if d.severity is Severity.NOTE]
        assert {d.code for d in notes} == {ingroute.DiagCode.SKIPPED_KIND,
                                           ingroute.DiagCode.CLASS,
                                           ingroute.DiagCode.CONTROLLER}


def test_conflict_warning_from_compile():
    twice = SHOP + "---\n" + SHOP.replace("name: web", "name: web2")
    with ingroute.Router.load(text=twice) as r:
        codes = {d.code for d in r.diagnostics}
        assert ingroute.DiagCode.CONFLICT in codes
        # the older one wins: web has a creationTimestamp
        assert r.match("shop.example.com", "/cart").ingress.name == "web"


def test_stats(router, examples: Path):
    st = router.stats()
    assert isinstance(st, ingroute.Stats)
    assert (st.ingresses_served, st.ingresses_skipped, st.ingresses_invalid) == (1, 1, 0)
    assert (st.virtual_hosts, st.paths, st.tls_entries) == (2, 4, 2)
    assert (st.conflicts, st.shadowed, st.controller_annotated) == (0, 0, 0)
    assert st.index_bytes > 0 and st.string_bytes > 0
    # the figures `ingroute check` prints for the examples
    with ingroute.Router.load(examples, class_="public") as r:
        st = r.stats()
        assert (st.ingresses_served, st.ingresses_skipped, st.ingresses_invalid,
                st.virtual_hosts, st.paths, st.conflicts, st.shadowed) == (5, 1, 1, 5, 11, 0, 0)
        # the storefront's ingress-nginx ssl-redirect, with its note
        assert st.controller_annotated == 1
        notes = [d for d in r.diagnostics if d.code == ingroute.DiagCode.CONTROLLER]
        assert [(d.name, d.field) for d in notes] == [("storefront", "metadata.annotations")]
        assert "nginx.ingress.kubernetes.io/ssl-redirect (ingress-nginx)" in notes[0].message
    assert ingroute.kubernetes_version().startswith("v1.")
    assert (st.gateway_listeners, st.httproutes_attached, st.gateway_matches) == (0, 0, 0)
    # the migration example's Gateway: one listener, two routes, four
    # matches; another controller's Gateway is not served
    mig = examples.parent / "migration" / "httproutes.yaml"
    with ingroute.Router.load(mig) as r:
        st = r.stats()
        assert (st.gateway_listeners, st.httproutes_attached, st.gateway_matches) == (1, 2, 4)
    with ingroute.Router.load(mig, options=ingroute.Options(
            gateway_controller="nobody.example/none")) as r:
        assert r.stats().gateway_listeners == 0
    twice = SHOP + "---\n" + SHOP.replace("name: web", "name: web2")
    with ingroute.Router.load(text=twice) as r:
        # four paths, and the default backend of each of the two hosts
        assert r.stats().conflicts == 6
    router.close()
    with pytest.raises(ingroute.ClosedError):
        router.stats()


def test_syntax_error():
    with pytest.raises(ingroute.ManifestSyntaxError) as ei:
        ingroute.Router.load(text="kind: [", name="broken.yaml")
    e = ei.value
    assert e.status == -4 and isinstance(e, ingroute.IngrouteError)
    assert e.errors and e.errors[0].code is ingroute.DiagCode.SYNTAX
    assert e.errors[0].file == "broken.yaml" and e.errors[0].line >= 1
    assert "broken.yaml" in str(e)


def test_strict_error():
    bad = OTHER.replace("path: /", "path: rel")
    r = ingroute.Router.load(text=bad)  # not strict: dropped, reported
    assert r.diagnostics[0].severity is Severity.ERROR
    r.close()
    with pytest.raises(ingroute.ValidationError) as ei:
        ingroute.Router.load(text=bad, strict=True)
    assert ei.value.errors[0].field == "spec.rules[0].http.paths[0].path"


def test_io_error(tmp_path):
    with pytest.raises(ingroute.LoadIOError) as ei:
        ingroute.Router.load(tmp_path / "missing.yaml")
    assert ei.value.errors[0].code is ingroute.DiagCode.IO


def test_limit_error():
    with pytest.raises(ingroute.LimitError):
        ingroute.Router.load(text=SHOP, options=ingroute.Options(max_input_bytes=10))


def test_invalid_option():
    with pytest.raises(ingroute.InvalidArgumentError) as ei:
        ingroute.Router.load(text=SHOP, default_backend="no-port")
    assert isinstance(ei.value, ValueError)
    with pytest.raises(TypeError):
        ingroute.Router.load()
    with pytest.raises(TypeError):
        ingroute.Router()


def test_close_and_context_manager():
    r = ingroute.Router.load(text=SHOP)
    m = r.match("shop.example.com", "/cart")
    with r as same:
        assert same is r
    assert r.closed
    r.close()  # twice is fine
    assert m.backend.service == "cart"  # results outlive the router
    for call in (lambda: r.match("a", "/"), lambda: r.tls("a"),
                 lambda: r.explain("a", "/"), r.dump):
        with pytest.raises(ingroute.ClosedError):
            call()
    assert "closed" in repr(r)


def test_del_safety_net():
    r = ingroute.Router.load(text=SHOP)
    ref = weakref.ref(r)
    del r
    gc.collect()
    assert ref() is None


def test_ruleset_keyed_state():
    with ingroute.Ruleset(class_="public") as rs:
        rs.load_text(SHOP, "a.yaml")
        rs.load_text(OTHER, "b.yaml")
        assert len(rs) == 2
        infos = {f"{i.namespace}/{i.name}": i for i in rs}
        assert infos["shop/web"].served and not infos["ops/internal"].served
        assert infos["shop/web"].paths == 4 and infos["shop/web"].tls == 1
        assert infos["ops/internal"].ingress_class == "internal"
        diags = rs.load_text(SHOP, "again.yaml")  # replaces, keeps its place
        assert any(d.code is ingroute.DiagCode.REPLACED for d in diags)
        assert rs.find("shop", "web").file == "again.yaml"
        assert rs.find("shop", "nope") is None
        r1 = rs.compile()
        rs.remove("shop", "web")
        with pytest.raises(ingroute.NotFoundError):
            rs.remove("shop", "web")
        r2 = rs.compile()
    # routers outlive their ruleset and do not change with it
    with r1, r2:
        assert r1.match("shop.example.com", "/cart").decision is Decision.PATH
        assert r2.match("shop.example.com", "/cart").decision is Decision.NONE
    with pytest.raises(ingroute.ClosedError):
        len(rs)


def test_default_namespace():
    with ingroute.Ruleset(namespace="team") as rs:
        rs.load_text(OTHER.replace("namespace: ops", "labels: {}"))
        assert rs.ingresses()[0].namespace == "team"


def test_normalize_helpers():
    assert ingroute.normalize_host("Shop.Example.COM.:8443") == "shop.example.com"
    assert ingroute.normalize_host("10.0.0.1") == ""
    assert ingroute.normalize_path("/a//b/../c%7E?q") == "/a/c~"
    assert ingroute.normalize_path("") == "/"
    assert ingroute.normalize_path("/" + "a" * (ingroute.max_path() + 1)) is None
    # results one byte longer than the input, and the longest ones
    assert ingroute.normalize_path("a") == "/a"
    assert ingroute.normalize_path("?q") == "/"
    long = "a" * (ingroute.max_path() - 1)
    assert ingroute.normalize_path(long) == "/" + long
    host = "a." * 126 + "b"
    assert ingroute.normalize_host(host.upper() + ".:80") == host


def test_unicode_and_bytes_inputs(router):
    assert router.match("shop.example.com", "/caf\u00e9").rule.path == "/"
    assert router.match(b"shop.example.com", b"/cart").rule.path == "/cart"


def test_threads_match_while_closing():
    r = ingroute.Router.load(text=SHOP)
    seen = {"ok": 0, "closed": 0}
    lock = threading.Lock()
    start = threading.Barrier(5)

    def worker():
        start.wait()
        for _ in range(2000):
            try:
                m = r.match("shop.example.com", "/cart")
                assert m.backend.service == "cart"
                k = "ok"
            except ingroute.ClosedError:
                k = "closed"
            with lock:
                seen[k] += 1

    ts = [threading.Thread(target=worker) for _ in range(4)]
    for t in ts:
        t.start()
    start.wait()
    for _ in range(200):
        r.match("a", "/")
    r.close()
    for t in ts:
        t.join()
    assert seen["ok"] + seen["closed"] == 8000
