#!/usr/bin/env python3
"""Compare the built libingroute.so.1 with the committed abidw baseline.

usage: check-abi.py BASELINE.abi LIBRARY.so INCLUDE_DIR HAS_DEBUG_INFO

abidiff (libabigail) reads the types of every exported function from the
DWARF of LIBRARY.so; --headers-dir2 INCLUDE_DIR and --drop-private-types
keep only the types declared in the public header, so internal structures
may change freely. Verdict:

 - abidiff's exit bit 8 (ABIDIFF_ABI_INCOMPATIBLE_CHANGE: a function or
   variable removed, ...) fails the test;
 - bit 4 (ABIDIFF_ABI_CHANGE) alone is not enough to tell, because
   libabigail sets only bit 4 for a reordered struct, a changed member
   type or a changed parameter. The leaf report is therefore read line by
   line, and only two kinds of change pass: functions added, and members
   appended at the end of the size-first structs (their first member is
   their size, so older callers keep working, see abi/POLICY.md). Both
   pass with the report printed and a reminder to update the baseline.
   Anything else, including report lines this script does not recognise,
   fails: a guard that fails open is no guard.
 - bits 1 and 2 (abidiff itself failed) fail the test.

Exit 0 (same ABI, or compatible additions), 1 (incompatible change or
error), 77 (meson: skipped) when abidiff is missing or the library was
built without debug info (-Ddebug=false), which abidiff needs to see types.
"""
import os
import re
import shutil
import subprocess
import sys

# Structs whose first member is their size: the only ones that may grow.
# ingroute_allocator is not among them: the library copies sizeof of it.
SIZE_FIRST = {'ingroute_options', 'ingroute_diag', 'ingroute_ingress_info',
              'ingroute_match', 'ingroute_tls_match', 'ingroute_stats',
              'ingroute_compile_options'}

ABIDIFF_ERROR = 1
ABIDIFF_USAGE_ERROR = 2
ABIDIFF_ABI_CHANGE = 4
ABIDIFF_ABI_INCOMPATIBLE_CHANGE = 8

UPDATE_HINT = ('If the change is intended and compatible, regenerate the '
               'baseline in the same commit:\n    abi/update-baseline.sh '
               'BUILD_DIR\n(see abi/POLICY.md).')


def classify(report):
    """Return (problems, additions) from an abidiff --leaf-changes-only
    report. problems lists the lines that make the change incompatible."""
    problems, additions = [], []
    lines = report.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        i += 1
        if not s:
            continue
        # Summaries: any removal or change of a function or variable is
        # fatal; additions are listed further down.
        m = re.match(r'.*summary: (.*)$', s)
        if m:
            for count, what in re.findall(r'(\d+) (Removed|Changed)',
                                          m.group(1)):
                if int(count):
                    problems.append(s)
                    break
            continue
        if re.match(r'\d+ Added (function|variable)( symbol)?s?\b', s):
            continue
        if s.startswith('[A] '):
            additions.append(s)
            continue
        # A changed type: "'struct NAME at FILE:L:C' changed:" then indented
        # detail lines.
        m = re.match(r"'(struct|union|enum|typedef|class) ([A-Za-z_]\w*)"
                     r"( at [^']*)?' changed:$", s)
        if m:
            kind, name = m.group(1), m.group(2)
            block = []
            while i < len(lines) and lines[i].startswith('  '):
                block.append(lines[i].strip())
                i += 1
            bad = check_type_block(kind, name, block)
            if bad:
                problems.append('%s %s: %s' % (kind, name, bad))
            else:
                additions.append('%s %s: %s' % (kind, name, '; '.join(block)))
            continue
        problems.append('unrecognised report line: ' + s)
    return problems, additions


def check_type_block(kind, name, block):
    """None when block only appends members to a size-first struct, else
    the reason it does not."""
    if kind != 'struct' or name not in SIZE_FIRST:
        return 'only size-first structs may change, and only by appending'
    old = new = None
    for s in block:
        m = re.match(r'type size changed from (\d+) to (\d+) \(in bits\)$', s)
        if m:
            old, new = int(m.group(1)), int(m.group(2))
            continue
        if re.match(r'\d+ data member insertions?:$', s):
            continue
        m = re.match(r"'[^']*', at offset (\d+) \(in bits\)", s)
        if m and old is not None and int(m.group(1)) >= old:
            continue
        return 'not an append at the end: ' + s
    if old is None or new <= old:
        return 'members changed but the size did not grow'
    return None


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    baseline, lib, include_dir, debug = argv[1:]
    abidiff = os.environ.get('ABIDIFF') or shutil.which('abidiff')
    if not abidiff:
        print('SKIP: abidiff not found; install libabigail '
              '(Debian: apt-get install abigail-tools)')
        return 77
    if debug != 'true':
        print('SKIP: the library was built without debug info '
              '(-Ddebug=false); abidiff needs DWARF to compare types')
        return 77
    with open(baseline, encoding='utf-8') as f:
        text = f.read()
    # Without source locations libabigail takes every type of the baseline
    # for a private one and silently filters every change out.
    if not re.search(r"filepath='ingroute\.h' line='\d+'", text):
        print('FAIL %s: has no locations in ingroute.h; regenerate it with '
              'abi/update-baseline.sh' % baseline)
        return 1

    cmd = [abidiff, '--leaf-changes-only', '--no-show-locs',
           '--headers-dir2', include_dir, '--drop-private-types',
           '--exported-interfaces-only', baseline, lib]
    print('$ ' + ' '.join(cmd))
    run = subprocess.run(cmd, capture_output=True, text=True)
    rc = run.returncode
    print(run.stdout, end='')
    if run.stderr:
        print(run.stderr, end='', file=sys.stderr)

    if rc & (ABIDIFF_ERROR | ABIDIFF_USAGE_ERROR):
        print('FAIL: abidiff failed (exit status %d)' % rc)
        return 1
    problems, additions = classify(run.stdout)
    if rc & ABIDIFF_ABI_INCOMPATIBLE_CHANGE or problems:
        print('FAIL: incompatible ABI change against %s (abidiff exit '
              'status %d):' % (os.path.basename(baseline), rc))
        for p in problems or ['abidiff flagged an incompatible change']:
            print('    ' + p)
        print('Breaking the ABI needs a new SONAME; see abi/POLICY.md.')
        return 1
    if rc & ABIDIFF_ABI_CHANGE and not additions:
        print('FAIL: abidiff reports a change (exit status %d) this script '
              'could not identify as an addition' % rc)
        return 1
    if additions:
        print('NOTE: compatible additions, not in the baseline yet:')
        for a in additions:
            print('    ' + a)
        print(UPDATE_HINT)
        return 0
    print('ok: the ABI matches %s' % os.path.basename(baseline))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
