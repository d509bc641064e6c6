#!/usr/bin/env python3
"""Check that the header, the version script and the built .so agree.

usage: check-symbols.py LIBRARY.so ingroute.h ingroute.sym

Why three sources: the header is the promise, the .sym file decides what
the linker exports and under which version node, and the .so is what
users actually get. Any one drifting from the others is an ABI bug:
 (a) the .so exports exactly the functions the header declares (no leaked
     XXH*/yaml_*/ingroute__* internals, no declared-but-missing function);
 (b) each exported symbol carries the version node the .sym file lists it
     in, and every name the .sym file lists is really exported;
 (c) each declared function has a /** doc comment */ with @since, so the
     release that introduced it is on record before it is frozen.
Exit 0 if all hold, 1 otherwise, 77 (meson: skipped) if nm is missing.
"""
import os
import re
import shutil
import subprocess
import sys

# Only declarations at the start of a line: this skips the
# "#define INGROUTE_API __attribute__((...))" line itself.
DECL_RE = re.compile(r'^INGROUTE_API\b[^;(]*?\b([A-Za-z_]\w*)\s*\(', re.M)


def header_functions(text):
    """Map each declared function to its preceding doc comment (or None)."""
    funcs = {}
    for m in DECL_RE.finditer(text):
        before = text[:m.start()].rstrip()
        doc = None
        if before.endswith('*/'):
            start = before.rfind('/*')
            if before.startswith('/**', start):
                doc = before[start:]
        funcs[m.group(1)] = doc
    return funcs


def version_script(text):
    """Map each global name to its version node. Globs are returned apart:
    they cannot be checked name by name, so they are reported."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'#[^\n]*', ' ', text)
    names, globs = {}, []
    for node, body in re.findall(r'([\w.]+)\s*\{(.*?)\}\s*[\w.]*\s*;',
                                 text, flags=re.S):
        scope = 'global'
        for item in body.split(';'):
            item = item.strip()
            label = re.match(r'(global|local)\s*:\s*', item)
            if label:
                scope = label.group(1)
                item = item[label.end():].strip()
            if not item or scope != 'global':
                continue
            if any(c in item for c in '*?['):
                globs.append((node, item))
            else:
                names[item] = node
    return names, globs


def exported_symbols(nm, lib):
    """Map each defined dynamic symbol to its default version (None when
    unversioned). Version-node marker symbols (type A) are not symbols."""
    out = subprocess.run([nm, '-D', '--defined-only', '--with-symbol-versions',
                          lib], check=True, capture_output=True,
                         text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, sym = parts[1], parts[2]
        if kind == 'A' and '@' not in sym:
            continue
        if '@@' in sym:
            name, ver = sym.split('@@', 1)
        elif '@' in sym:
            # A non-default (compat) version; keep it only if nothing
            # better turns up, and make the report say so.
            name, ver = sym.split('@', 1)
            syms.setdefault(name, ver + ' (non-default)')
            continue
        else:
            name, ver = sym, None
        syms[name] = ver
    return syms


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    lib, header, symfile = argv[1:]
    nm = os.environ.get('NM') or shutil.which('nm')
    if not nm:
        print('SKIP: nm not found (set NM=)')
        return 77
    with open(header, encoding='utf-8') as f:
        funcs = header_functions(f.read())
    with open(symfile, encoding='utf-8') as f:
        listed, globs = version_script(f.read())
    exported = exported_symbols(nm, lib)

    passed, failures = 0, []

    def check(ok, msg):
        nonlocal passed
        if ok:
            passed += 1
        else:
            failures.append(msg)

    if not funcs:
        failures.append('(a) no INGROUTE_API declarations parsed from '
                        + header)
    for name in sorted(set(funcs) | set(exported)):
        check(name in exported, '(a) %s: declared in the header but not '
              'exported by the library' % name)
        if name in exported:
            check(name in funcs, '(a) %s: exported by the library but not '
                  'declared in the header (internal symbol leaking?)' % name)
    for node, glob in globs:
        check(False, '(b) %s: global glob "%s" in %s cannot be checked; list '
              'names one by one' % (node, glob, os.path.basename(symfile)))
    for name in sorted(set(listed) | set(exported)):
        if name not in listed:
            check(False, '(b) %s: exported but not listed in %s'
                  % (name, os.path.basename(symfile)))
        elif name not in exported:
            check(False, '(b) %s: listed in %s node %s but not exported'
                  % (name, os.path.basename(symfile), listed[name]))
        else:
            check(exported[name] == listed[name],
                  '(b) %s: exported with version %s, listed in node %s'
                  % (name, exported[name] or '(none)', listed[name]))
    for name in sorted(funcs):
        doc = funcs[name]
        check(doc is not None and '@since' in doc,
              '(c) %s: %s' % (name, 'no /** doc comment */ right before its '
                              'declaration' if doc is None else
                              'doc comment has no @since'))

    for msg in failures:
        print('FAIL ' + msg)
    print('%d passed, %d failed' % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
