"""Readers and formatters for the spec tables (tests/data/README.md and
tests/data/route/README.md), written to behave as the C runners
tests/test-data.c and tests/test-route.c do, with the answer text of
tests/routefmt.h."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

import ingroute

STATUS = {
    "OK": 0, "EINVAL": -1, "ENOMEM": -2, "EIO": -3, "ESYNTAX": -4,
    "ELIMIT": -5, "EINVALID": -6, "ENOENT": -7,
}


def read_text(p: Path) -> str:
    """Bytes as they are: the comparison is byte for byte."""
    return p.read_bytes().decode("utf-8", "surrogateescape")


def lines_of(text: str) -> List[str]:
    """strtok(..., "\\n") then one trailing CR dropped, skipping empty
    lines (test-data.c)."""
    out = []
    for line in text.split("\n"):
        if line.endswith("\r"):
            line = line[:-1]
        if line:
            out.append(line)
    return out


def data_cases(*dirs: Path) -> List[Tuple[Path, str]]:
    """(dir, manifest) for every *.yaml, *.yml, *.json with a NAME.expect
    beside it, in byte order of names (scandir + alphasort)."""
    cases = []
    for d in dirs:
        for name in sorted(p.name for p in d.iterdir()):
            if name.endswith((".yaml", ".yml", ".json")) and \
                    (d / (name.rsplit(".", 1)[0] + ".expect")).is_file():
                cases.append((d, name))
    return cases


def route_cases(d: Path) -> List[Tuple[Path, str]]:
    return [(d, n) for n in sorted(p.name for p in d.iterdir())
            if n.endswith((".yaml", ".json"))]


@dataclass
class DataExpect:
    options: ingroute.Options
    status: int = 0
    ingresses: List[str] = field(default_factory=list)
    diags: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)


def data_options(words: List[str]) -> ingroute.Options:
    kw: dict = {}
    it = iter(words)
    for w in it:
        if w == "--strict":
            kw["strict"] = True
        elif w == "--default-class":
            kw["default_class"] = True
        elif w == "--class":
            kw["class_"] = next(it)
        elif w == "--namespace":
            kw["namespace"] = next(it)
        else:
            raise AssertionError(f"unknown option {w}")
    return ingroute.Options(**kw)


def read_data_expect(p: Path) -> DataExpect:
    words: List[str] = []
    e = DataExpect(options=ingroute.Options())
    for line in lines_of(read_text(p)):
        if line.startswith("#"):
            continue
        if line.startswith("options: "):
            words = line[9:].split()
        elif line.startswith("status: "):
            e.status = STATUS[line[8:]]
        elif line.startswith("ingress: "):
            e.ingresses.append(line[9:])
        elif line.startswith("diag: "):
            e.diags.append(line[6:])
        elif line.startswith("note: "):
            e.notes.append(line[6:])
        else:
            raise AssertionError(f"{p.name}: cannot read line: {line}")
    e.options = data_options(words)
    return e


def format_ingress(i: ingroute.IngressInfo) -> str:
    return (f"{i.namespace}/{i.name} served={int(i.served)} rules={i.rules} "
            f"paths={i.paths} tls={i.tls} default={int(i.has_default_backend)}")


def route_options(words: List[str]) -> ingroute.Options:
    kw: dict = {}
    it = iter(words)
    for w in it:
        if w == "--class":
            kw["class_"] = next(it)
        elif w == "--default-class":
            kw["default_class"] = True
        elif w == "--impl-specific":
            m = next(it)
            kw["impl_specific"] = {"exact": "exact", "string-prefix": "string-prefix"
                                   }.get(m, "prefix")
        elif w == "--fallthrough":
            kw["fallthrough"] = True
        elif w == "--no-normalize":
            kw["normalize"] = False
        elif w == "--default-backend":
            kw["default_backend"] = next(it)
        elif w == "--namespace":
            kw["namespace"] = next(it)
        else:
            raise AssertionError(f"unknown option {w}")
    return ingroute.Options(**kw)


def first_options_line(text: str) -> List[str]:
    for line in text.split("\n"):
        if line.startswith("options: "):
            return line[9:].rstrip("\r").split()
    return []


def fmt_backend(b: ingroute.Backend) -> str:
    if b.service is not None:
        if b.port_name is not None:
            return f"{b.namespace}/{b.service}:{b.port_name}"
        return f"{b.namespace}/{b.service}:{b.port_number}"
    r = b.resource
    assert r is not None
    return f"resource:{r.api_group if r.api_group is not None else '-'}/{r.kind}/{r.name}"


def fmt_match(m: ingroute.Match) -> str:
    """routefmt.h's fmt_match()."""
    if m.decision == ingroute.Decision.NONE:
        return "none"
    assert m.backend is not None
    be = fmt_backend(m.backend)
    if m.decision == ingroute.Decision.PATH:
        assert m.rule is not None and m.ingress is not None
        return (f"path {be} via {m.ingress.namespace}/{m.ingress.name} "
                f"{m.rule.host or '-'} {m.rule.path_type} {m.rule.path}")
    if m.ingress is not None:
        return f"default {be} via {m.ingress.namespace}/{m.ingress.name}"
    return f"default {be} via option"


def fmt_tls(t: Optional[ingroute.TLS]) -> str:
    if t is None:
        return "none"
    return (f"{t.secret_namespace}/{t.secret_name} via "
            f"{t.ingress.namespace}/{t.ingress.name}")


def unhost(h: str) -> str:
    return "" if h == "-" else h
