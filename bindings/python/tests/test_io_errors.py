"""A file that cannot be read raises an OSError: FileNotFoundError and
PermissionError with errno and filename, and still LoadIOError."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import ingroute
from ingroute import DiagCode

OPS = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: internal, namespace: ops}
spec:
  rules:
  - host: ops.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: ops, port: {number: 80}}}}
"""


def check_missing(e: BaseException, path: str) -> None:
    assert isinstance(e, ingroute.LoadIOError)
    assert isinstance(e, ingroute.IngrouteError)
    assert isinstance(e, FileNotFoundError) and isinstance(e, OSError)
    assert e.errno == errno.ENOENT and e.filename == path
    assert e.strerror == os.strerror(errno.ENOENT)
    assert e.status == -3 and e.errors[0].code is DiagCode.IO
    # The library's message, not OSError's "[Errno 2] ..."
    assert str(e).startswith("load ") or str(e).startswith("reload ")
    assert path in str(e)


def test_missing_file_is_file_not_found(tmp_path: Path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(FileNotFoundError) as ei:
        ingroute.Router.load(missing)
    check_missing(ei.value, str(missing))
    # Code written for 0.3 catches it as it did.
    with pytest.raises(ingroute.LoadIOError):
        ingroute.Router.load(missing)
    try:
        ingroute.Router.load(missing)
    except OSError as e:  # the idiom for "could not read the file"
        assert e.errno == errno.ENOENT
    good = tmp_path / "ops.yaml"
    good.write_text(OPS)
    with ingroute.Ruleset() as rs:
        with pytest.raises(FileNotFoundError) as ei:
            rs.load_path(missing)
        check_missing(ei.value, str(missing))
        with pytest.raises(FileNotFoundError) as ei:
            rs.reload_paths(good, missing)
        check_missing(ei.value, str(missing))
        gone = str(tmp_path / "gone") + "/"
        with pytest.raises(FileNotFoundError) as ei:
            rs.reload_paths(gone)
        check_missing(ei.value, gone)

        # A link a directory lists whose target is missing is skipped by
        # the library (docs/semantics.md §1.7); named, it is missing.
        links = tmp_path / "links"
        links.mkdir()
        (links / "a.yaml").symlink_to(tmp_path / "nowhere.yaml")
        rs.load_path(links)
        with pytest.raises(FileNotFoundError) as ei:
            rs.load_path(links / "a.yaml")
        check_missing(ei.value, str(links / "a.yaml"))


def unreadable(tmp_path: Path) -> str:
    """A regular file open(2) refuses with EACCES: mode 0 for an ordinary
    user, a write-only /proc/sys file for root."""
    if os.geteuid() != 0:
        p = tmp_path / "secret.yaml"
        p.write_text(OPS)
        p.chmod(0)
        return str(p)
    p = "/proc/sys/vm/drop_caches"
    try:
        with open(p, "rb"):
            pass
    except PermissionError:
        return p
    except OSError as e:
        pytest.skip(f"running as root and {p}: {e}")
    pytest.skip(f"running as root and {p} is readable")


def test_unreadable_file_is_permission_error(tmp_path: Path):
    p = unreadable(tmp_path)
    with pytest.raises(PermissionError) as ei:
        ingroute.Router.load(p)
    e = ei.value
    assert isinstance(e, ingroute.LoadIOError) and not isinstance(e, FileNotFoundError)
    assert (e.errno, e.filename) == (errno.EACCES, p)
    # In a directory, the entry that failed the load is the cause, not the
    # dangling link listed before it, which the library skipped.
    d = tmp_path / "dir"
    d.mkdir()
    (d / "a.yaml").symlink_to(tmp_path / "nowhere")
    (d / "b.yaml").symlink_to(p)
    with pytest.raises(PermissionError) as ei:
        ingroute.Router.load(d)
    assert ei.value.filename == str(d / "b.yaml")


def test_io_error_without_cause(tmp_path: Path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ingroute.LoadIOError) as ei:
        ingroute.Router.load(fifo)
    e = ei.value
    assert type(e) is ingroute.LoadIOError and isinstance(e, OSError)
    assert e.errno is None and e.filename is None
    assert e.errors[0].code is DiagCode.IO and e.errors[0].file == str(fifo)
