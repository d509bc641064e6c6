"""The shared spec tables of tests/data through the binding and the real
shared library, compared as tests/test-data.c and tests/test-route.c do."""

from __future__ import annotations

from pathlib import Path

import pytest

import ingroute
from conftest import DATA
from spec import (
    data_cases,
    first_options_line,
    fmt_match,
    fmt_tls,
    format_ingress,
    lines_of,
    read_data_expect,
    read_text,
    route_cases,
    route_options,
    unhost,
)

DATA_CASES = data_cases(DATA / "validation", DATA / "decode", DATA / "load")
ROUTE_CASES = route_cases(DATA / "route")


def _diff(what: str, want: list, got: list) -> str:
    lines = [f"{what} differ"]
    lines += [f"  missing:    {w}" for w in want if w not in got]
    lines += [f"  unexpected: {g}" for g in got if g not in want]
    return "\n".join(lines)


def test_tables_found():
    # The C runner has the same cases; an empty directory must not pass.
    assert len(DATA_CASES) > 100
    assert len(ROUTE_CASES) > 20


@pytest.mark.parametrize("d,manifest", DATA_CASES,
                         ids=[f"{d.name}/{m}" for d, m in DATA_CASES])
def test_data_table(d: Path, manifest: str):
    exp = read_data_expect(d / (manifest.rsplit(".", 1)[0] + ".expect"))
    data = (d / manifest).read_bytes()
    with ingroute.Ruleset(exp.options) as rs:
        try:
            diags = rs.load_text(data, manifest)
            status = 0
        except ingroute.IngrouteError as e:
            diags = e.diagnostics
            status = e.status
        ingresses = [format_ingress(i) for i in rs.ingresses()]
    got_diags = sorted(str(x) for x in diags if x.severity != ingroute.Severity.NOTE)
    got_notes = sorted(str(x) for x in diags if x.severity == ingroute.Severity.NOTE)

    assert status == exp.status, (
        f"status {status} ({ingroute.strerror(status)}), want {exp.status}\n"
        + "\n".join(got_diags))
    assert got_diags == sorted(exp.diags), _diff("diagnostics", exp.diags, got_diags)
    assert ingresses == exp.ingresses, _diff("ingresses", exp.ingresses, ingresses)
    if exp.notes:
        assert got_notes == sorted(exp.notes), _diff("notes", exp.notes, got_notes)


@pytest.mark.parametrize("d,manifest", ROUTE_CASES,
                         ids=[m for _, m in ROUTE_CASES])
def test_route_table(d: Path, manifest: str):
    text = read_text(d / (manifest.rsplit(".", 1)[0] + ".expect"))
    opts = route_options(first_options_line(text))
    router = ingroute.Router.load((d / manifest).read_bytes(), name=manifest,
                                  options=opts)
    with router:
        errors = [str(x) for x in router.diagnostics
                  if x.severity == ingroute.Severity.ERROR]
        assert not errors, "the manifest does not load cleanly:\n" + "\n".join(errors)
        bad, rows = [], 0
        for line in lines_of(text):
            if " => " not in line:
                continue
            want = line.split(" => ", 1)[1]
            if line.startswith("route: "):
                host, path = line[7:].split()[:2]
                m = router.match(unhost(host), path)
                got = fmt_match(m)
                # without a Gateway, route() answers as match() does
                r = router.route("GET", unhost(host), path)
                assert (r.decision, r.backend, r.route, r.rule, r.vhost_kind,
                        r.default_source, r.status) == (
                    m.decision, m.backend, m.ingress, m.rule, m.vhost_kind,
                    m.default_source, 0 if m else 404), line
            elif line.startswith("tls: "):
                host = line[5:].split()[0]
                got = fmt_tls(router.tls(unhost(host)))
            else:
                continue
            rows += 1
            if got != want:
                bad.append(f"{line}\n    got  {got}")
        assert not bad, "\n".join(bad)
        assert rows > 0
