#!/usr/bin/env python3
"""Checks that lib/ reads as a one-way pipeline (docs/architecture.md).

- No include cycle among lib/'s headers.
- The router side (compile, normalize, match, explain) includes nothing
  from the document side (doc.h, decode.h, validate.h, yaml.h), and the
  document side includes nothing of the router (router.h).
- No call cycle between files: for every ingroute__ function, the file
  that defines it is found, and the graph "file A calls a function of
  file B" must have no cycle.
"""
import os
import re
import sys

lib = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), '..', 'lib')
files = {f: open(os.path.join(lib, f), encoding='utf-8').read()
         for f in sorted(os.listdir(lib)) if f.endswith(('.c', '.h'))}
failures = []
checks = 0


def strip_comments(text):
    return re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)


def includes(name):
    return re.findall(r'^#include\s+[<"]([^>"]+)[>"]', files[name], re.M)


def closure(name, seen=None):
    seen = set() if seen is None else seen
    for inc in includes(name):
        if inc not in seen:
            seen.add(inc)
            if inc in files:
                closure(inc, seen)
    return seen


def check(ok, message):
    global checks
    checks += 1
    if not ok:
        failures.append(message)


def find_cycle(graph):
    state = {}

    def visit(n, stack):
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                c = visit(m, stack + [m])
                if c:
                    return c
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            c = visit(n, [n])
            if c:
                return c
    return None


headers = {h: [i for i in includes(h) if i in files]
           for h in files if h.endswith('.h')}
cycle = find_cycle(headers)
check(not cycle, 'include cycle: %s' % ' -> '.join(cycle or []))

document_side = {'doc.h', 'decode.h', 'validate.h', 'yaml.h'}
router_files = [f for f in files if f.endswith('.c') and
                re.match(r'(compile|normalize|match|explain)', f)]
check(router_files, 'no router files found in ' + lib)
for f in router_files:
    bad = closure(f) & document_side
    check(not bad, '%s reaches the document side: %s' % (f, sorted(bad)))
for f in ('doc.c', 'decode.c', 'validate.c', 'model.c', 'load.c'):
    check(f in files and 'router.h' not in closure(f),
          '%s missing or reaches the router (router.h)' % f)
for f in files:
    check(f == 'doc.c' or 'yaml.h' not in includes(f),
          '%s includes yaml.h; only doc.c may' % f)
    check(f == 'hash.h' or 'xxhash.h' not in includes(f),
          '%s includes xxhash.h; only hash.h may' % f)

defined = {}
for f, text in files.items():
    if f.endswith('.c'):
        for sym in re.findall(r'^[a-z][\w \*]*?\b(ingroute__\w+)\s*\(',
                              strip_comments(text), re.M):
            defined[sym] = f
calls = {}
for f, text in files.items():
    if not f.endswith('.c'):
        continue
    for sym in set(re.findall(r'\b(ingroute__\w+)\s*\(', strip_comments(text))):
        target = defined.get(sym)
        if target and target != f:
            calls.setdefault(f, set()).add(target)
cycle = find_cycle(calls)
check(not cycle, 'call cycle: %s' % ' -> '.join(cycle or []))
for a, b in (('decode.c', 'validate.c'), ('validate.c', 'decode.c'),
             ('validate.c', 'doc.c')):
    check(b not in calls.get(a, ()), '%s calls into %s' % (a, b))

for f in failures:
    print('FAIL: ' + f)
print('%d passed, %d failed' % (checks - len(failures), len(failures)))
sys.exit(1 if failures else 0)
