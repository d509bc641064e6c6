"""Every C object is freed: load, route, explain, dump and fail thousands of
times and watch the resident set size (/proc/self/statm) stay flat."""

from __future__ import annotations

import gc
import os

import pytest

import ingroute

MANIFEST = b"""
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  defaultBackend: {service: {name: fallback, port: {number: 80}}}
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /cart, pathType: Exact, backend: {service: {name: cart, port: {name: http}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: broken, namespace: shop}
spec:
  rules:
  - http:
      paths:
      - {path: bad, pathType: Exact, backend: {service: {name: cart, port: {name: http}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api, namespace: shop}
spec:
  rules:
  - host: "*.api.example.com"
    http:
      paths:
      - {path: /v1, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}
"""

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/statm"),
                                reason="needs /proc/self/statm")


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def churn(n: int) -> None:
    for i in range(n):
        with ingroute.Router.load(MANIFEST, name="leak.yaml") as r:
            assert r.match("shop.example.com", "/cart").backend.port_name == "http"
            assert r.tls("shop.example.com") is not None
            if i % 4 == 0:
                r.explain("x.api.example.com", "/v1/a")
                r.dump()
        # error paths: syntax error, strict failure, bad options
        with pytest.raises(ingroute.ManifestSyntaxError):
            ingroute.Router.load(b"a: [", name="bad.yaml")
        if i % 4 == 0:
            with pytest.raises(ingroute.ValidationError):
                ingroute.Router.load(MANIFEST, strict=True)
            with pytest.raises(ingroute.InvalidArgumentError):
                ingroute.Router.load(MANIFEST, default_backend="not a backend")
        # the __del__ safety net
        ingroute.Router.load(MANIFEST).match("a", "/")
        # reloads: a valid state, one that keeps an old version (a KEPT
        # error), one that fails, and a delete
        if i % 2 == 0:
            with ingroute.Ruleset() as rs:
                rs.reload_text(MANIFEST, "v1.yaml")
                rs.reload_text(MANIFEST.replace(b"path: /cart", b"path: cart"),
                               "v2.yaml")
                with pytest.raises(ingroute.ManifestSyntaxError):
                    rs.reload_text(b"a: [")
                rs.delete("Ingress", "shop", "api")
                with rs.compile() as r:
                    assert r.stats().generation == rs.generation


def test_rss_stays_flat():
    churn(300)  # warm up: allocator arenas, ctypes caches, interned strings
    gc.collect()
    before = rss_bytes()
    churn(3000)
    gc.collect()
    grown = rss_bytes() - before
    # A leak of even one small allocation per router would be > 1 MiB here
    # (3000 routers, rulesets and diagnostic lists, plus the failures).
    assert grown < 1 << 20, f"RSS grew by {grown} bytes over 3000 routers"
