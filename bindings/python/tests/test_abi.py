"""The ctypes structures against the real header: every member's offset
and size from offsetof()/sizeof() of a C program compiled against
include/ingroute.h, and the library's own size functions."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys

import pytest

import ingroute
from ingroute import _ffi
from conftest import REPO

STRUCTS = {
    "ingroute_allocator": _ffi.Allocator,
    "ingroute_options": _ffi.COptions,
    "ingroute_diag": _ffi.CDiag,
    "ingroute_ingress_info": _ffi.CIngressInfo,
    "ingroute_match": _ffi.CMatch,
    "ingroute_tls_match": _ffi.CTLSMatch,
    "ingroute_stats": _ffi.CStats,
    "ingroute_compile_options": _ffi.CCompileOptions,
    "ingroute_request": _ffi.CRequest,
    "ingroute_route": _ffi.CRoute,
    "ingroute_filter": _ffi.CFilter,
    "ingroute_header_edit": _ffi.CHeaderEdit,
}


def test_library_sizes_match():
    assert ctypes.sizeof(_ffi.COptions) == _ffi.lib.ingroute_options_size()
    assert ctypes.sizeof(_ffi.CMatch) == _ffi.lib.ingroute_match_size()
    assert ctypes.sizeof(_ffi.CStats) == _ffi.lib.ingroute_stats_size()
    assert (ctypes.sizeof(_ffi.CCompileOptions)
            == _ffi.lib.ingroute_compile_options_size())
    assert ctypes.sizeof(_ffi.CRequest) == _ffi.lib.ingroute_request_size()
    assert ctypes.sizeof(_ffi.CRoute) == _ffi.lib.ingroute_route_size()
    assert ctypes.sizeof(_ffi.CFilter) == _ffi.lib.ingroute_filter_size()


def test_version():
    assert ingroute.version() == "%d.%d.%d" % ingroute.version_info()
    assert ingroute.version_info()[0] == _ffi.HEADER_MAJOR
    # The package needs what 0.5 added (ingroute_kubernetes_version,
    # ingroute_stats.controller_annotated).
    assert (_ffi.HEADER_MAJOR, _ffi.HEADER_MINOR) == (0, 5)
    assert ingroute.version_info()[1] >= _ffi.HEADER_MINOR
    pyproject = (REPO / "bindings" / "python" / "pyproject.toml").read_text()
    assert f'\nversion = "{ingroute.__version__}"\n' in pyproject
    assert ingroute.__version__.split(".")[:2] == ["0", str(_ffi.HEADER_MINOR)]


@pytest.mark.skipif(not shutil.which(os.environ.get("CC", "cc")), reason="no C compiler")
def test_diag_codes_match_header(tmp_path):
    lines = ["#include <stdio.h>", "#include <ingroute.h>", "int main(void) {"]
    lines += [f'printf("{c.name} %d\\n", (int)INGROUTE_D_{c.name});'
              for c in ingroute.DiagCode]
    lines += ['printf("MINOR %d\\n", INGROUTE_VERSION_MINOR);', "return 0;", "}"]
    src = tmp_path / "codes.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "codes"
    subprocess.run([os.environ.get("CC", "cc"), "-std=c89", "-I", str(REPO / "include"),
                    str(src), "-o", str(exe)], check=True)
    got = dict(l.split(" ", 1) for l in subprocess.run(
        [str(exe)], check=True, capture_output=True, text=True).stdout.splitlines())
    assert {c.name: int(c) for c in ingroute.DiagCode} == \
        {k: int(v) for k, v in got.items() if k != "MINOR"}
    assert ingroute.DiagCode.OPTION == 16
    assert int(got["MINOR"]) == _ffi.HEADER_MINOR


@pytest.mark.skipif(not shutil.which(os.environ.get("CC", "cc")), reason="no C compiler")
def test_offsets_match_header(tmp_path):
    header_dir = REPO / "include"
    lines = ["#include <stdio.h>", "#include <stddef.h>", "#include <ingroute.h>",
             "int main(void) {"]
    for cname, cls in STRUCTS.items():
        lines.append(f'printf("{cname} %zu\\n", sizeof({cname}));')
        for fname, _ in cls._fields_:
            lines.append(
                f'printf("{cname}.{fname} %zu %zu\\n", offsetof({cname}, {fname}), '
                f"sizeof((({cname} *)0)->{fname}));")
    lines += ["return 0;", "}"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run([os.environ.get("CC", "cc"), "-std=c89", "-I", str(header_dir),
                    str(src), "-o", str(exe)], check=True)
    got = dict(l.split(" ", 1) for l in subprocess.run(
        [str(exe)], check=True, capture_output=True, text=True).stdout.splitlines())
    for cname, cls in STRUCTS.items():
        assert int(got[cname]) == ctypes.sizeof(cls), cname
        for fname, _ in cls._fields_:
            d = getattr(cls, fname)
            assert got[f"{cname}.{fname}"] == f"{d.offset} {d.size}", f"{cname}.{fname}"


@pytest.mark.skipif(not shutil.which(os.environ.get("CC", "cc")), reason="no C compiler")
def test_older_library_refused_at_import(tmp_path):
    """A 0.3 library (no ingroute_options_check) is refused by version,
    naming both, before ctypes could fail on a missing symbol."""
    src = tmp_path / "old.c"
    src.write_text("\n".join([
        "#include <stddef.h>",
        "unsigned ingroute_version(void) { return 0x000400; }",
        'const char *ingroute_version_string(void) { return "0.4.0"; }',
        "size_t ingroute_match_size(void) { return 120; }",
        "size_t ingroute_options_size(void) { return 112; }",
    ]))
    lib = tmp_path / "libingroute.so.1"
    subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", str(src), "-o", str(lib)],
                   check=True)
    package = os.path.dirname(os.path.dirname(ingroute.__file__))
    run = subprocess.run(
        [sys.executable, "-c", "import ingroute"], capture_output=True, text=True,
        env=dict(os.environ, INGROUTE_LIBRARY=str(lib), PYTHONPATH=package))
    assert run.returncode != 0
    assert run.stderr.strip().splitlines()[-1] == (
        "ImportError: ingroute: library version 0.4.0 is not compatible with these "
        "bindings (0.5.x)")
