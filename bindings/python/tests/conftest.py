"""Test setup: the package under test, the shared library, the spec tables.

- The package: the source tree (bindings/python/src) unless
  INGROUTE_PY_INSTALLED=1, which tests the pip-installed copy instead.
- The library: INGROUTE_LIBRARY (path to libingroute.so.1), else the
  system loader.
- The spec tables: tests/data of the repository this file lives in, or
  INGROUTE_TESTDATA.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
REPO = HERE.parent.parent.parent

if os.environ.get("INGROUTE_PY_INSTALLED") != "1":
    sys.path.insert(0, str(SRC))

DATA = Path(os.environ.get("INGROUTE_TESTDATA", REPO / "tests" / "data"))
if not (DATA / "route").is_dir():
    raise RuntimeError(f"spec tables not found at {DATA}; set INGROUTE_TESTDATA")

EXAMPLES = REPO / "examples" / "manifests"


def pytest_report_header(config):  # noqa: ARG001
    import ingroute

    return [
        f"ingroute {ingroute.version()} from {ingroute.library_path()}",
        f"package: {Path(ingroute.__file__).parent}",
        f"spec tables: {DATA}",
    ]


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
