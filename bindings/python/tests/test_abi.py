"""The ctypes structures against the real header: every member's offset
and size from offsetof()/sizeof() of a C program compiled against
include/ingroute.h, and the library's own size functions."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess

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
}


def test_library_sizes_match():
    assert ctypes.sizeof(_ffi.COptions) == _ffi.lib.ingroute_options_size()
    assert ctypes.sizeof(_ffi.CMatch) == _ffi.lib.ingroute_match_size()
    assert ctypes.sizeof(_ffi.CStats) == _ffi.lib.ingroute_stats_size()
    assert (ctypes.sizeof(_ffi.CCompileOptions)
            == _ffi.lib.ingroute_compile_options_size())


def test_version():
    assert ingroute.version() == "%d.%d.%d" % ingroute.version_info()
    assert ingroute.version_info()[0] == _ffi.HEADER_MAJOR


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
