#!/usr/bin/env python3
"""Helpers of e2e-test.sh and bench.sh (standard library only).

  backends NAMES_FILE PORTS_FILE MAX_SECONDS
      One HTTP server on 127.0.0.1 per line of NAMES_FILE (a backend name,
      NS/SERVICE:PORT), each on a free port, answering every request with
      200, "X-Backend: NAME" and NAME as the body. Writes "NAME PORT" lines
      to PORTS_FILE (atomically, once every server listens) and exits by
      itself after MAX_SECONDS. GET /.e2e-count answers how many requests
      the server had before (X-Count) and the last one's path (X-Last-Path).
  names EXPECT...
      The service backends (NS/SERVICE:PORT) the route rows expect, one a line.
  check EXPECT PORT RESULTS
      Sends each route row of EXPECT to nginx on 127.0.0.1:PORT and checks
      the answer; prints one line per row, appends "passed failed skipped"
      to RESULTS.
  request HOST PATH PORT
      One request; prints "STATUS BACKEND DECISION".
  count PORT
      How many requests the backend on 127.0.0.1:PORT has had.
  gwnames MANIFEST...
      Every port of every Service the Gateway API tables name
      (NS/SERVICE:PORT, and :8080 for each), one a line.
  gwgateways EXPECT
      The Gateways (NS/NAME or NS/NAME:PORT) the request rows go to.
  gwcheck EXPECT GATEWAY PORT RESULTS PORTS_FILE
      Sends the request rows of EXPECT for GATEWAY to nginx serving it on
      127.0.0.1:PORT and checks status, Location, the backend reached and
      what it received (path, Host, headers: the backends echo them), the
      response headers, and that each mirror backend got one more request
      with the same path (counted by the backends of PORTS_FILE); appends
      "passed failed skipped" to RESULTS.
  load PORT MAX_REQUESTS MAX_SECONDS STOP_FILE OUT HOST...
      Requests round-robin over HOST (each "host/path") until MAX_REQUESTS,
      MAX_SECONDS or STOP_FILE exists; writes a JSON summary to OUT.
  handconf DUMP_JSON UPSTREAM OUT [return]
      From `ingroute dump --json`, the hand-written nginx equivalent: a
      server block per host (server_name HOST, *.DOMAIN for wildcards),
      "location = /p" for Exact, "location /p/" + "location = /p" for
      Prefix ("location /" for /), a "location /" for the default backend
      where one applies, a default server for the rest; every location
      proxies to UPSTREAM (with "return": answers 200 itself) and adds
      "X-Route: NS/SERVICE:PORT".
  routes PORT TRACE N OUT
      The first N lines of TRACE ("HOST PATH") as requests; writes
      "HOST PATH STATUS X-ROUTE" lines to OUT.
  agree A B
      Compares two routes outputs; prints "K of N agree" and the first
      differences.
"""
import json
import os
import socket
import sys
import threading
import time


# ------------------------------------------------------------------ backends

def backends(names_file, ports_file, max_seconds):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    def handler_for(name):
        body = (name + "\n").encode()
        seen = {"count": 0, "path": ""}
        lock = threading.Lock()

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def answer(self, with_body):
                if self.path == "/.e2e-count":
                    with lock:
                        count, path = seen["count"], seen["path"]
                    self.send_response(200)
                    self.send_header("X-Count", str(count))
                    self.send_header("X-Last-Path", path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with lock:
                    seen["count"] += 1
                    seen["path"] = self.path
                self.send_response(200)
                self.send_header("X-Backend", name)
                # what the backend received, for the Gateway API's filters
                self.send_header("X-Echo-Path", self.path)
                self.send_header("X-Echo-Host", self.headers.get("Host", ""))
                self.send_header("X-Echo-Headers", json.dumps(
                    [[k.lower(), v] for k, v in self.headers.items()]))
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def do_GET(self):
                self.answer(True)

            def do_HEAD(self):
                self.answer(False)

            def do_POST(self):
                self.answer(True)

            do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

            def log_message(self, *args):
                pass

        return H

    names = [l.strip() for l in open(names_file) if l.strip()]
    servers = []
    for name in names:
        srv = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(name))
        srv.daemon_threads = True
        servers.append((name, srv))
    tmp = ports_file + ".tmp"
    with open(tmp, "w") as f:
        for name, srv in servers:
            f.write("%s %d\n" % (name, srv.server_address[1]))
    os.rename(tmp, ports_file)
    for _, srv in servers:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    time.sleep(max_seconds)     # bounded: never outlives its caller's budget
    os._exit(0)


# ------------------------------------------------------------------ requests

def request(port, host, path, timeout=5.0):
    """One request on a fresh connection, the target sent byte for byte.
    host None: HTTP/1.0 without a Host header. Returns (status, headers)."""
    if host is None:
        req = "GET %s HTTP/1.0\r\n\r\n" % path
    else:
        req = ("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
               % (path, host))
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(req.encode("latin-1"))
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) < 2 or not parts[1].isdigit():
        raise IOError("bad status line %r" % lines[0])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return int(parts[1]), headers


def parse_rows(path):
    """(lineno, host, path, answer tokens) of every route: row."""
    rows = []
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if not line.startswith("route:"):
            continue
        left, right = line[len("route:"):].split("=>", 1)
        host, target = left.split()
        rows.append((n, host, target, right.split()))
    return rows


def expect_of(tokens):
    """The answer of a row as the headers the test configuration adds."""
    e = {"decision": tokens[0]}
    if tokens[0] == "none":
        return e
    e["backend"] = tokens[1]
    assert tokens[2] == "via"
    e["ingress"] = None if tokens[3] == "option" else tokens[3]
    if tokens[0] == "path":
        e["rule"] = " ".join(tokens[4:7])
    return e


def names(files):
    seen = []
    for f in files:
        for _, _, _, tokens in parse_rows(f):
            e = expect_of(tokens)
            b = e.get("backend")
            if b and not b.startswith("resource:") and b not in seen:
                seen.append(b)
    print("\n".join(seen))


def check(expect_file, port, results):
    base = os.path.basename(expect_file)
    passed = failed = skipped = 0
    for n, host, target, tokens in parse_rows(expect_file):
        where = "%s:%d %s %s" % (base, n, host, target)
        if not target.startswith("/"):
            print("skip %s: not an origin-form request target" % where)
            skipped += 1
            continue
        e = expect_of(tokens)
        try:
            status, h = request(port, None if host == "-" else host, target)
        except (OSError, IOError) as err:
            print("FAIL %s: %s" % (where, err))
            failed += 1
            continue
        got_decision = h.get("x-ingroute-decision")
        if status == 400 and got_decision is None:
            # nginx refused the request line or Host before any module ran
            # (a path above the root, "..", a malformed Host).
            print("skip %s: nginx answers 400 itself" % where)
            skipped += 1
            continue
        problems = []
        if got_decision != e["decision"]:
            problems.append("decision %s, want %s" % (got_decision,
                                                      e["decision"]))
        if e["decision"] == "none":
            if status != 404:
                problems.append("status %d, want 404" % status)
        else:
            want = e["backend"]
            if want.startswith("resource:"):
                if status != 503:
                    problems.append("status %d, want 503 (resource)" % status)
                if h.get("x-ingroute-backend") != want:
                    problems.append("backend %s, want %s"
                                    % (h.get("x-ingroute-backend"), want))
            else:
                if status != 200:
                    problems.append("status %d, want 200" % status)
                if h.get("x-backend") != want:
                    problems.append("answered by %s, want %s"
                                    % (h.get("x-backend"), want))
            if h.get("x-ingroute-ingress") != e["ingress"]:
                problems.append("ingress %s, want %s"
                                % (h.get("x-ingroute-ingress"), e["ingress"]))
            if "rule" in e and h.get("x-ingroute-rule") != e["rule"]:
                problems.append("rule %r, want %r"
                                % (h.get("x-ingroute-rule"), e["rule"]))
        if problems:
            print("FAIL %s: %s" % (where, "; ".join(problems)))
            failed += 1
        else:
            passed += 1
    print("%s: %d passed, %d failed, %d skipped" % (base, passed, failed,
                                                    skipped))
    with open(results, "a") as f:
        f.write("%d %d %d\n" % (passed, failed, skipped))


# ------------------------------------------------------ the Gateway API

def gwnames(files):
    import re
    seen = []
    for f in files:
        for doc in open(f).read().split("\n---"):
            if not re.search(r"(?m)^kind: Service\s*$", doc):
                continue
            name = re.search(r"(?m)^  name: (\S+)", doc)
            ns = re.search(r"(?m)^  namespace: (\S+)", doc)
            if not name or not ns:
                continue
            ports = re.findall(r"(?m)^\s*-? *port: (\d+)", doc) + ["8080"]
            for p in ports:
                n = "%s/%s:%s" % (ns.group(1), name.group(1), p)
                if n not in seen:
                    seen.append(n)
    print("\n".join(seen))


def gwrows(path):
    rows = []
    for n, line in enumerate(open(path), 1):
        line = line.strip()
        if line.startswith("request: "):
            left, want = line[len("request: "):].split(" => ", 1)
            rows.append((n, left.split(" "), want))
    return rows


def gwgateways(path):
    seen = []
    for _, w, _ in gwrows(path):
        if w[0] not in seen:
            seen.append(w[0])
    print("\n".join(seen))


def unescape(s):
    return s.replace("%20", " ").replace("%25", "%")


def raw_request(port, method, host, path, headers, timeout=5.0):
    lines = ["%s %s HTTP/1.1" % (method, path)]
    if host is not None:
        lines.append("Host: %s" % host)
    lines += ["%s: %s" % (k, v) for k, v in headers]
    lines.append("Connection: close")
    req = "\r\n".join(lines) + "\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(req.encode("latin-1"))
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    status = int(lines[0].split(" ")[1])
    hdrs = []
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs.append((k.strip().lower(), v.strip()))
    return status, hdrs


def backend_count(port):
    _, h = raw_request(port, "GET", "127.0.0.1", "/.e2e-count", [])
    h = dict(h)
    return int(h["x-count"]), h.get("x-last-path", "")


def gwcheck(expect_file, gateway, port, results, ports_file):
    base = os.path.basename(expect_file)
    passed = failed = skipped = 0
    ports = dict(l.split() for l in open(ports_file) if l.strip())
    for n, w, want in gwrows(expect_file):
        if w[0] != gateway:
            continue
        where = "%s:%d %s %s %s" % (base, n, w[1], w[2], w[3])
        # A row without random= means random 0 (tests/data/gateway/README.md);
        # left out, the module would draw its own number.
        headers, effects = [("X-Test-Random", "0")], []
        for tok in w[4:]:
            if tok.startswith("random="):
                headers[0] = ("X-Test-Random", tok[7:])
            else:
                k, v = tok.split(":", 1)
                headers.append((k, unescape(v)))
        answer, _, rest = want.partition(" via ")
        if " rule " in rest:
            effects = rest.split(" ")[3:]
        mirrors = [e[7:] for e in effects if e.startswith("mirror=")]
        try:
            before = {m: backend_count(int(ports[m])) for m in mirrors}
            status, h = raw_request(port, w[1], None if w[2] == "-" else w[2],
                                    unescape(w[3]), headers)
        except (OSError, IOError, ValueError, IndexError) as err:
            print("FAIL %s: %s" % (where, err))
            failed += 1
            continue
        hd = {}
        for k, v in h:
            hd.setdefault(k, []).append(v)
        problems = []
        a = answer.split(" ")
        if a[0] == "status":
            if status != int(a[1]):
                problems.append("status %d, want %s" % (status, a[1]))
        elif a[0] == "redirect":
            if status != int(a[1]) or hd.get("location") != [a[2]]:
                problems.append("%d Location %s, want %s %s"
                                % (status, hd.get("location"), a[1], a[2]))
        else:
            got = hd.get("x-backend", ["-"])[0]
            if status != 200 or got != a[1]:
                problems.append("%d from %s, want 200 from %s"
                                % (status, got, a[1]))
            echoed = json.loads(hd.get("x-echo-headers", ["[]"])[0])
            got_h = {}
            for k, v in echoed:
                got_h.setdefault(k, []).append(v)
            for e in effects:
                k, _, v = e.partition("=")
                name, _, value = v.partition(":")
                name = name.lower()
                if k == "path" and hd.get("x-echo-path") != [v]:
                    problems.append("upstream path %s, want %s"
                                    % (hd.get("x-echo-path"), v))
                elif k == "host" and hd.get("x-echo-host") != [v]:
                    problems.append("upstream Host %s, want %s"
                                    % (hd.get("x-echo-host"), v))
                elif k == "set" and got_h.get(name) != [value]:
                    problems.append("%s: %s, want [%s]"
                                    % (name, got_h.get(name), value))
                elif k == "add" and value not in got_h.get(name, []):
                    problems.append("%s: %s, want %s among them"
                                    % (name, got_h.get(name), value))
                elif k == "remove" and name in got_h:
                    problems.append("%s not removed" % name)
                elif k == "resp-set" and hd.get(name) != [value]:
                    problems.append("response %s: %s, want [%s]"
                                    % (name, hd.get(name), value))
                elif k == "resp-add" and value not in hd.get(name, []):
                    problems.append("response %s: %s, want %s among them"
                                    % (name, hd.get(name), value))
                elif k == "resp-remove" and name in hd:
                    problems.append("response %s not removed" % name)
                elif k == "mirror":
                    # a background subrequest: it may land after the answer
                    want_path = hd.get("x-echo-path", ["?"])[0]
                    for _ in range(50):
                        count, path = backend_count(int(ports[v]))
                        if count > before[v][0]:
                            # and no second copy close behind
                            time.sleep(0.2)
                            count, path = backend_count(int(ports[v]))
                            break
                        time.sleep(0.05)
                    if count != before[v][0] + 1 or path != want_path:
                        problems.append("mirror %s: %d request(s), last %s; "
                                        "want 1 with %s"
                                        % (v, count - before[v][0], path,
                                           want_path))
        if problems:
            print("FAIL %s: %s" % (where, "; ".join(problems)))
            failed += 1
        else:
            passed += 1
    print("%s (%s): %d passed, %d failed, %d skipped"
          % (base, gateway, passed, failed, skipped))
    with open(results, "a") as f:
        f.write("%d %d %d\n" % (passed, failed, skipped))


def one(host, path, port):
    status, h = request(port, host, path)
    print(status, h.get("x-backend", "-"), h.get("x-ingroute-decision", "-"))


def load(port, max_requests, max_seconds, stop_file, out, targets):
    targets = [t.split("/", 1) for t in targets]
    counts = {}
    errors = []
    deadline = time.monotonic() + max_seconds
    n = 0
    while n < max_requests and time.monotonic() < deadline:
        if n % 20 == 0 and os.path.exists(stop_file):
            break
        host, path = targets[n % len(targets)]
        try:
            status, h = request(port, host, "/" + path, timeout=5.0)
            key = "%s %d %s" % (host, status, h.get("x-backend", "-"))
        except (OSError, IOError) as err:
            key = "%s error" % host
            if len(errors) < 10:
                errors.append(str(err))
        counts[key] = counts.get(key, 0) + 1
        n += 1
    with open(out, "w") as f:
        json.dump({"requests": n, "counts": counts, "errors": errors}, f,
                  indent=1, sort_keys=True)


def backend_name(b):
    if b is None:
        return None
    if "service" in b:
        port = b["service"]["port"]
        return "%s/%s:%s" % (b["namespace"], b["service"]["name"],
                             port.get("number", port.get("name")))
    r = b["resource"]
    return "resource:%s/%s/%s" % (r.get("apiGroup") or "-", r["kind"],
                                  r["name"])


def handconf(dump_file, upstream, out, action="proxy"):
    d = json.load(open(dump_file))
    gdefault = backend_name((d.get("defaultBackend") or {}).get("backend"))
    w = []

    def loc(match, backend):
        if action == "return":
            w.append("        location %s { add_header X-Route %s; "
                     "return 200 \"%s\\n\"; }\n" % (match, backend, backend))
        else:
            w.append("        location %s { add_header X-Route %s; "
                     "proxy_pass http://%s; }\n" % (match, backend, upstream))

    def server(names, vh):
        w.append("    server {\n        listen LISTEN;\n")
        if names:
            w.append("        server_name %s;\n" % names)
        seen = set()
        for p in (vh or {}).get("paths", []):
            path, b = p["path"], backend_name(p["backend"])
            if p["pathType"] == "Exact":
                keys = [("=", path)]
            else:   # Prefix; ImplementationSpecific is element-wise too
                base = path.rstrip("/")
                keys = [("", "/")] if base == "" else \
                    [("", base + "/"), ("=", base)]
            for k in keys:
                if k not in seen:       # paths come in precedence order
                    seen.add(k)
                    loc(("= " if k[0] == "=" else "") + k[1], b)
        vdefault = ((vh or {}).get("defaultBackend") or {}).get("backend")
        fallback = backend_name(vdefault) or gdefault
        if ("", "/") not in seen:
            if fallback:
                loc("/", fallback)
            else:
                w.append("        location / { return 404; }\n")
        w.append("    }\n")

    hostless = None
    for vh in d["virtualHosts"]:
        if vh["kind"] == "exact":
            server(vh["host"], vh)
        elif vh["kind"] == "wildcard":
            server(vh["host"], vh)
        else:
            hostless = vh
    # the default server: host-less rules, else the global default
    server(None, hostless)
    text = "".join(w)
    # the last server block written is the default one
    i = text.rfind("listen LISTEN;")
    text = text[:i] + "listen LISTEN default_server;" + \
        text[i + len("listen LISTEN;"):]
    with open(out, "w") as f:
        f.write(text)


def routes(port, trace, n, out):
    with open(trace) as f, open(out, "w") as o:
        for i, line in enumerate(f):
            if i >= n:
                break
            host, path = line.split()
            try:
                status, h = request(port, host, path)
                o.write("%s %s %d %s\n" % (host, path, status,
                                           h.get("x-route", "-")))
            except (OSError, IOError) as err:
                o.write("%s %s error %s\n" % (host, path, err))


def agree(a, b):
    la, lb = open(a).read().splitlines(), open(b).read().splitlines()
    same = sum(1 for x, y in zip(la, lb) if x == y)
    print("%d of %d agree" % (same, max(len(la), len(lb))))
    shown = 0
    for x, y in zip(la, lb):
        if x != y and shown < 5:
            print("  %s  |  %s" % (x, y.split(" ", 2)[2]))
            shown += 1


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "backends" and len(argv) == 5:
        backends(argv[2], argv[3], float(argv[4]))
    elif cmd == "names" and len(argv) >= 3:
        names(argv[2:])
    elif cmd == "check" and len(argv) == 5:
        check(argv[2], int(argv[3]), argv[4])
    elif cmd == "gwnames" and len(argv) >= 3:
        gwnames(argv[2:])
    elif cmd == "gwgateways" and len(argv) == 3:
        gwgateways(argv[2])
    elif cmd == "gwcheck" and len(argv) == 7:
        gwcheck(argv[2], argv[3], int(argv[4]), argv[5], argv[6])
    elif cmd == "count" and len(argv) == 3:
        print(backend_count(int(argv[2]))[0])
    elif cmd == "request" and len(argv) == 5:
        one(None if argv[2] == "-" else argv[2], argv[3], int(argv[4]))
    elif cmd == "load" and len(argv) >= 8:
        load(int(argv[2]), int(argv[3]), float(argv[4]), argv[5], argv[6],
             argv[7:])
    elif cmd == "handconf" and len(argv) in (5, 6):
        handconf(argv[2], argv[3], argv[4], *argv[5:])
    elif cmd == "routes" and len(argv) == 6:
        routes(int(argv[2]), argv[3], int(argv[4]), argv[5])
    elif cmd == "agree" and len(argv) == 4:
        agree(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
