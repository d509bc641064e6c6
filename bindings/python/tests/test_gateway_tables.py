"""The Gateway API's spec tables (tests/data/gateway, README.md there)
through the binding: every request: row routed with Router.route() and
written in the row's words, as tests/test-gateway.c does in C."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

import ingroute
from conftest import DATA
from spec import lines_of, read_text

GW = DATA / "gateway"
CASES = sorted(p.name for p in GW.glob("*.expect"))


def unescape(s: str) -> str:
    return s.replace("%20", " ").replace("%25", "%")


def describe(r: ingroute.Route) -> str:
    if r.status == 404:
        return "status 404"
    via = f"via {r.route} rule {r.rule_index}"
    if r.status == 500:
        return f"status 500 {via}"
    if r.status:
        return f"redirect {r.status} {r.location} {via}"
    assert r.backend is not None
    out = [f"backend {r.backend} {via}"]
    for f in r.filters:
        if f.type == ingroute.FilterType.URL_REWRITE:
            if f.path_modifier != "keep":
                out.append(f"path={r.upstream_path}")
            if f.hostname:
                out.append(f"host={f.hostname}")
        elif f.type in (ingroute.FilterType.REQUEST_HEADER,
                        ingroute.FilterType.RESPONSE_HEADER):
            pre = "resp-" if f.type == ingroute.FilterType.RESPONSE_HEADER else ""
            for e in f.edits:
                v = f":{e.value}" if e.value is not None else ""
                out.append(f"{pre}{e.op}={e.name}{v}")
        elif f.type == ingroute.FilterType.MIRROR:
            out.append(f"mirror={f.mirror}")
    return " ".join(out)


def route_row(router: ingroute.Router, row: str) -> tuple[str, str]:
    left, want = row.split(" => ", 1)
    words = left.split(" ")
    gw, method, host, path = words[:4]
    port = 0
    if ":" in gw:
        gw, p = gw.split(":")
        port = int(p)
    headers: List[tuple] = []
    random = 0
    for w in words[4:]:
        if w.startswith("random="):
            random = int(w[7:])
        else:
            name, value = w.split(":", 1)
            headers.append((name, unescape(value)))
    r = router.route(method, None if host == "-" else host, unescape(path),
                     headers, gateway=gw, port=port, random=random)
    return describe(r), want


def test_tables_found():
    assert len(CASES) > 40


@pytest.mark.parametrize("expect", CASES)
def test_gateway_table(expect: str):
    text = read_text(GW / expect)
    controller = None
    rows, want_diags = [], []
    for line in lines_of(text):
        if line.startswith("options: --controller "):
            controller = line.split(" ", 2)[2]
        elif line.startswith("request: "):
            rows.append(line[9:])
        elif line.startswith("diag: "):
            want_diags.append(line[6:])
    opts = ingroute.Options(gateway_controller=controller)
    with ingroute.Ruleset(opts) as rs:
        diags = rs.load_text((GW / "base.yaml").read_bytes(), "base.yaml")
        manifest = expect.rsplit(".", 1)[0] + ".yaml"
        diags += rs.load_text((GW / manifest).read_bytes(), manifest)
        with rs.compile() as router:
            diags += router.diagnostics
            got = sorted(str(d) for d in diags
                         if d.severity != ingroute.Severity.NOTE)
            assert got == sorted(want_diags)
            bad = []
            for row in rows:
                desc, want = route_row(router, row)
                if desc != want:
                    bad.append(f"{row}\n    got  {desc}")
            assert not bad, "\n".join(bad)
            assert rows
