#!/usr/bin/env python3
"""The ingroute command-line tool, run as a user would run it, on the
shipped example manifests: text and JSON output, exit codes, targets from
arguments and from standard input, and help for every command.

usage: test-cli.py PATH/TO/ingroute PATH/TO/examples/manifests
"""
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

CLI, MANIFESTS = sys.argv[1], sys.argv[2]
results = []


def run(*args, stdin=None):
    p = subprocess.run([CLI, *args], input=stdin, capture_output=True,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def case(fn):
    try:
        fn()
        results.append((fn.__name__, None))
    except AssertionError as e:
        results.append((fn.__name__, e))
    except Exception as e:  # a crash of the test itself is a failure too
        results.append((fn.__name__, e))
    return fn


def eq(got, want):
    assert got == want, "\n got: %r\nwant: %r" % (got, want)


SERVED = ["--class", "public", "-f", MANIFESTS]


@case
def check_reports_the_invalid_ingress_and_exits_1():
    code, out, _ = run("check", *SERVED)
    eq(code, 1)
    lines = out.splitlines()
    assert (MANIFESTS + "/legacy.yaml:27:15: error: Ingress legacy/blog: "
            "spec.rules[0].http.paths[0].path: Invalid value: \"blog\": "
            "must be an absolute path") in lines, out
    assert any("Ingress legacy/admin: spec.ingressClassName: not served: "
               "class \"internal\" is not \"public\"" in l for l in lines), out
    assert any("Ingress shop/storefront: metadata.annotations: not applied: "
               "nginx.ingress.kubernetes.io/ssl-redirect (ingress-nginx)" in l
               for l in lines), out
    eq(lines[-1], "5 Ingresses served, 1 skipped (class), 1 invalid; "
       "5 virtual hosts, 11 paths; 0 conflicts, 0 shadowed rules; "
       "1 with controller annotations not applied; validated as "
       "Kubernetes v1.37.2")


@case
def check_json_and_a_clean_input_exit_0():
    code, out, _ = run("check", "--json", *SERVED)
    eq(code, 1)
    doc = json.loads(out)
    eq(doc["summary"]["served"], 5)
    eq(doc["summary"]["invalid"], 1)
    eq(doc["summary"]["errors"], 1)
    eq(doc["summary"]["controllerAnnotated"], 1)
    eq(doc["summary"]["kubernetes"], "v1.37.2")
    err = [d for d in doc["diagnostics"] if d["severity"] == "error"][0]
    eq((err["line"], err["column"], err["namespace"], err["name"], err["field"]),
       (27, 15, "legacy", "blog", "spec.rules[0].http.paths[0].path"))
    code, out, _ = run("check", "-f", MANIFESTS + "/shop.yaml")
    eq(code, 0)
    assert out.endswith("2 Ingresses served, 0 skipped (class), 0 invalid; "
                        "3 virtual hosts, 8 paths; 0 conflicts, 0 shadowed "
                        "rules; 1 with controller annotations not applied; "
                        "validated as Kubernetes v1.37.2\n"), out


MATCHES = [
    ("https://shop.example.com/cart/42",
     "shop/cart:8080 (Ingress shop/storefront, shop.example.com Prefix /cart)"),
    ("https://shop.example.com/cart/checkout",
     "shop/checkout:https (Ingress shop/storefront, shop.example.com Exact "
     "/cart/checkout)"),
    ("http://SHOP.example.com:8080/cart/./checkout?step=2",
     "shop/checkout:https (Ingress shop/storefront, shop.example.com Exact "
     "/cart/checkout)"),
    ("shop.example.com/cartx",
     "shop/storefront:80 (Ingress shop/storefront, shop.example.com Prefix /)"),
    ("shop.example.com/static/app.js",
     "resource shop/Bucket.storage.example.com/shop-assets (Ingress "
     "shop/storefront, shop.example.com ImplementationSpecific /static/)"),
    ("https://api.example.com/v1",
     "shop/api-v1:http (Ingress shop/shop-api, api.example.com Prefix /v1/)"),
    ("https://api.example.com/v3",
     "default shop/api-gateway:8080 (Ingress shop/shop-api)"),
    ("https://pr-7.preview.example.com/x",
     "platform/preview-router:80 (Ingress platform/previews, "
     "*.preview.example.com Prefix /)"),
    ("https://a.b.preview.example.com/x",
     "default platform/not-found:80 (Ingress platform/default-backend)"),
    ("https://admin.example.com/",
     "default platform/not-found:80 (Ingress platform/default-backend)"),
    ("/healthz", "default platform/not-found:80 (Ingress platform/default-backend)"),
    ("docs.example.com/healthz",
     "docs/health:8081 (Ingress docs/docs, docs.example.com Exact /healthz)"),
]


@case
def match_text_lines():
    code, out, err = run("match", *SERVED, *[t for t, _ in MATCHES])
    eq(code, 0)
    eq(out.splitlines(), ["%s -> %s" % m for m in MATCHES])
    assert "legacy.yaml:27:15: error" in err, err


@case
def match_without_a_default_says_404():
    code, out, _ = run("match", "-q", "-f", MANIFESTS + "/docs.json",
                       "https://nowhere.example.com/")
    eq((code, out), (0, "https://nowhere.example.com/ -> no match (404)\n"))
    # shop-api's defaultBackend is the last resort for every host
    # (docs/semantics.md §6 step 3: else the defaultBackend of the
    # highest-precedence Ingress that has one at all).
    code, out, _ = run("match", "-q", "-f", MANIFESTS + "/shop.yaml",
                       "https://nowhere.example.com/")
    eq(out, "https://nowhere.example.com/ -> default shop/api-gateway:8080 "
       "(Ingress shop/shop-api)\n")


@case
def match_json_lines_have_exactly_the_keys():
    targets = ["https://Shop.Example.com/cart/../cart/checkout",
               "shop.example.com/static/x", "https://api.example.com/v9",
               "https://nowhere.org/"]
    code, out, _ = run("match", "--json", "-q", "-f", MANIFESTS + "/shop.yaml",
                       "-f", MANIFESTS + "/docs.json", *targets)
    eq(code, 0)
    docs = [json.loads(l) for l in out.splitlines()]
    eq(len(docs), 4)
    for d in docs:
        eq(sorted(d), sorted(["target", "host", "path", "decision", "backend",
                              "ingress", "rule"]))
    eq(docs[0], {"target": targets[0], "host": "shop.example.com",
                 "path": "/cart/checkout", "decision": "path",
                 "backend": {"service": {"name": "checkout",
                                         "port": {"name": "https"}}},
                 "ingress": {"namespace": "shop", "name": "storefront"},
                 "rule": {"host": "shop.example.com", "path": "/cart/checkout",
                          "pathType": "Exact"}})
    eq(docs[1]["backend"], {"resource": {"apiGroup": "storage.example.com",
                                         "kind": "Bucket",
                                         "name": "shop-assets"}})
    eq((docs[2]["decision"], docs[2]["rule"], docs[2]["ingress"]),
       ("default", None, {"namespace": "shop", "name": "shop-api"}))
    eq((docs[3]["decision"], docs[3]["rule"], docs[3]["ingress"]),
       ("default", None, {"namespace": "shop", "name": "shop-api"}))
    code, out, _ = run("match", "--json", "-q", "-f", MANIFESTS + "/docs.json",
                       "https://nowhere.org/")
    d = json.loads(out)
    eq((d["decision"], d["backend"], d["ingress"], d["rule"], d["host"],
        d["path"]), ("none", None, None, None, "nowhere.org", "/"))


@case
def match_reads_targets_from_stdin():
    lines = ["https://shop.example.com/cart/1", "", "docs.example.com/healthz\r",
             "/x"]
    code, out, _ = run("match", "-q", *SERVED, stdin="\n".join(lines) + "\n")
    eq(code, 0)
    eq([l.split(" -> ")[0] for l in out.splitlines()],
       ["https://shop.example.com/cart/1", "docs.example.com/healthz", "/x"])
    code, out2, _ = run("match", "-q", *SERVED, "-", stdin="\n".join(lines))
    eq(out2, out)
    many = "".join("shop.example.com/cart/%d\n" % i for i in range(20000))
    code, out, _ = run("match", "-q", *SERVED, stdin=many)
    eq((code, len(out.splitlines())), (0, 20000))
    assert out.splitlines()[-1].startswith("shop.example.com/cart/19999 -> "
                                           "shop/cart:8080"), out[-200:]


@case
def manifests_from_stdin():
    with open(os.path.join(MANIFESTS, "shop.yaml")) as f:
        text = f.read()
    code, out, _ = run("match", "-f", "-", "shop.example.com/cart", stdin=text)
    eq(code, 0)
    assert out.startswith("shop.example.com/cart -> shop/cart:8080"), out
    code, _, err = run("match", "-f", "-", stdin=text)
    eq(code, 2)
    assert "standard input already holds the manifests" in err, err


@case
def unloadable_input_exits_1():
    code, _, err = run("match", "-f", "/nonexistent/x.yaml", "/")
    eq(code, 1)
    assert "/nonexistent/x.yaml: error: cannot open: No such file or directory" in err, err
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        f.write("kind: [unclosed\n")
        f.flush()
        code, _, err = run("dump", "-f", f.name)
        eq(code, 1)
        assert "the manifests could not be loaded" in err, err
        code, out, _ = run("check", "-f", f.name)
        eq(code, 1)
        assert ": error: " in out, out


@case
def an_endless_stdin_stops_at_the_limit():
    # More than the input limit arrives on a pipe: reading stops one byte
    # past it, with an error, instead of taking all there is.
    lines = subprocess.Popen(["yes", "x: y"], stdout=subprocess.PIPE)
    p = subprocess.run([CLI, "check", "--max-input-bytes", "1M", "-f", "-"],
                       stdin=lines.stdout, capture_output=True, text=True,
                       timeout=60)
    lines.stdout.close()
    lines.kill()
    lines.wait()
    eq(p.returncode, 1)
    assert "<stdin>: error: input exceeds the limit of 1048576 bytes" in p.stderr, p.stderr


@case
def an_endless_stream_of_zeros_stops_at_the_first():
    # A NUL byte is an error where it stands in text without a UTF-16
    # byte order mark: reading stops there, not 1 GiB later at the limit.
    with open("/dev/zero", "rb") as zeros:
        p = subprocess.run([CLI, "check", "-f", "-"], stdin=zeros,
                           capture_output=True, text=True, timeout=60)
    eq(p.returncode, 1)
    eq(p.stdout.splitlines()[0],
       "<stdin>:1:1: error: control characters are not allowed")
    code, out, _ = run("check", "-f", "-", stdin="a: b\nc: d\0e\n")
    eq((code, out.splitlines()[0]),
       (1, "<stdin>:2:5: error: control characters are not allowed"))
    # UTF-16 has NUL bytes and is read whole.
    text = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
            "metadata: {name: a}\nspec: {defaultBackend: {service: "
            "{name: s, port: {number: 80}}}}\n").encode("utf-16")
    p = subprocess.run([CLI, "check", "-f", "-"], input=text,
                       capture_output=True, timeout=60)
    eq(p.returncode, 0)
    assert p.stdout.startswith(b"1 Ingress served"), p.stdout


@case
def the_largest_input_limit_reads_everything():
    shop = MANIFESTS + "/shop.yaml"
    for src, stdin in ((shop, None), ("-", open(shop).read())):
        code, out, _ = run("check", "--max-input-bytes", str(2 ** 64 - 1),
                           "-f", src, stdin=stdin)
        eq((src, code), (src, 0))
        assert out.splitlines()[-1].startswith("2 Ingresses served"), out
    # A first byte 0xFF without 0xFE after it is no byte order mark: the
    # NUL behind it still ends the read.
    p = subprocess.run([CLI, "check", "-f", "-"], input=b"\xff\x00" * 4096,
                       capture_output=True, timeout=60)
    eq(p.returncode, 1)


@case
def refused_options_are_named_with_their_flag():
    for args, want in (
            (["--default-backend", "oops"],
             'ingroute: --default-backend: Invalid value: "oops": must be '
             "NAMESPACE/SERVICE:PORT (no '/')\n"),
            (["--default-backend", "shop/web:0"],
             'ingroute: --default-backend: Invalid value: "shop/web:0": '
             "port: must be between 1 and 65535, inclusive\n"),
            (["--namespace", "a.b"],
             'ingroute: --namespace: Invalid value: "a.b": must not contain '
             "dots\n"),
            (["--class", ""],
             'ingroute: --class: Invalid value: "": must not be empty (unset, '
             "every class is served)\n")):
        code, out, err = run("match", *args, "-f", MANIFESTS, "x.org/")
        eq((args, code, out, err), (args, 2, "", want))


@case
def a_fifo_fails_at_once():
    d = tempfile.mkdtemp()
    try:
        fifo = os.path.join(d, "x.yaml")
        os.mkfifo(fifo)
        with open(os.path.join(d, "a.yaml"), "w") as f:
            f.write("apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                    "metadata: {name: a}\nspec:\n  defaultBackend:\n"
                    "    service: {name: web, port: {number: 80}}\n")
        code, _, err = run("match", "-f", fifo, "/")
        eq(code, 1)
        assert fifo + ": error: not read: a FIFO, not a regular file" in err, err
        # In a directory: skipped with the error, the rest routes.
        code, out, err = run("match", "-f", d, "a.example.com/a")
        eq(code, 0)
        assert "-> default default/web:80" in out, out
        assert "not a regular file; skipped" in err, err
    finally:
        shutil.rmtree(d)


LIMITS = ["--max-input-bytes", "--max-depth", "--max-nodes",
          "--max-alias-nodes", "--max-alias-bytes", "--max-scalar-bytes",
          "--max-diagnostics"]
SHOP = MANIFESTS + "/shop.yaml"


@case
def limits_reach_the_library():
    # Each limit, set low enough that the shop manifests hit it, fails the
    # load with the library's diagnostic naming the value given.
    for flag, value, msg in (
            ("--max-nodes", "20", "input exceeds the limit of 20 nodes in a "
             "document"),
            ("--max-depth", "3", "input exceeds the limit of 3 levels of "
             "nesting"),
            ("--max-scalar-bytes", "5", "input exceeds the limit of 5 bytes "
             "in a scalar"),
            ("--max-input-bytes", "100", "exceeds the limit of 100 bytes")):
        for cmd in ("check", "match", "explain", "dump"):
            args = [cmd, flag, value, "-f", SHOP]
            if cmd == "explain":
                args.append("/")
            code, out, err = run(*args)
            eq((args, code), (args, 1))
            assert msg in out + err, (args, out + err)
    # Raised, the same manifests load.
    code, out, _ = run("check", "--max-nodes", "100000", "--max-depth", "10",
                       "--max-scalar-bytes", "100", "--max-input-bytes", "1M",
                       "-f", SHOP)
    eq(code, 0)


ALIASED = ("apiVersion: networking.k8s.io/v1\n"
           "kind: Ingress\n"
           "metadata: {name: a, namespace: shop}\n"
           "spec:\n"
           "  rules:\n"
           "  - host: a.test\n"
           "    http:\n"
           "      paths: &paths\n"
           "      - path: /\n"
           "        pathType: Prefix\n"
           "        backend: {service: {name: a, port: {number: 80}}}\n"
           "  - host: b.test\n"
           "    http:\n"
           "      paths: *paths\n")


@case
def alias_limits_reach_the_library():
    code, out, _ = run("check", "-f", "-", stdin=ALIASED)
    eq(code, 0)
    code, out, _ = run("check", "--max-alias-nodes", "3", "-f", "-",
                       stdin=ALIASED)
    eq(code, 1)
    assert ("input exceeds the limit of 3 nodes reached through aliases"
            in out), out
    code, out, _ = run("check", "--max-alias-bytes", "10", "-f", "-",
                       stdin=ALIASED)
    eq(code, 1)
    assert ("input exceeds the limit of 10 bytes reached through aliases"
            in out), out


@case
def max_diagnostics_keeps_that_many():
    code, out, _ = run("check", "--max-diagnostics", "1", *SERVED)
    eq(code, 1)
    lines = out.splitlines()
    eq(len(lines), 3)
    assert lines[0].endswith("note: Deployment legacy/blog: skipped: not a "
                             "kind ingroute reads (apiVersion apps/v1)"), out
    assert lines[1].endswith("too many diagnostics; the rest are counted, "
                             "not kept"), out
    # Counted all the same: the error past the limit still fails check.
    code, out, _ = run("check", "--json", "--max-diagnostics", "1", *SERVED)
    doc = json.loads(out)
    eq((code, len(doc["diagnostics"]), doc["summary"]["errors"]), (1, 2, 1))


@case
def byte_limits_take_k_m_g():
    code, out, _ = run("check", "--max-input-bytes", "1K", "-f", SHOP)
    eq(code, 1)
    assert "exceeds the limit of 1024 bytes" in out, out
    for value in ("2K", "2k", "1M", "1m", "1G", "1g"):
        code, out, _ = run("check", "--max-input-bytes", value, "-f", SHOP)
        eq((value, code), (value, 0))
    code, out, _ = run("check", "--max-scalar-bytes", "1k", "-f", SHOP)
    eq(code, 0)
    # G: a sparse file one byte over 1 GiB fails on its size, unread.
    with tempfile.TemporaryDirectory() as d:
        big = os.path.join(d, "big.yaml")
        with open(big, "wb") as f:
            f.truncate((1 << 30) + 1)
        code, out, _ = run("check", "--max-input-bytes", "1G", "-f", big)
        eq(code, 1)
        assert ("input of 1073741825 bytes exceeds the limit of 1073741824 "
                "bytes") in out, out


@case
def bad_limits_are_refused():
    code, out, err = run("match", "--max-nodes", "-5", "-f", SHOP, "/")
    eq((code, out, err), (2, "", 'ingroute: --max-nodes: invalid value "-5": '
                          'a positive count is required\n'))
    code, _, err = run("check", "--max-input-bytes", "2T", "-f", SHOP)
    eq((code, err), (2, 'ingroute: --max-input-bytes: invalid value "2T": a '
                     'positive count of bytes is required, optionally '
                     'followed by K, M or G\n'))
    code, _, err = run("check", "--max-depth", "99999999999999999999999",
                       "-f", SHOP)
    eq(code, 2)
    assert err.startswith('ingroute: --max-depth: invalid value '
                          '"99999999999999999999999": too large'), err
    code, _, err = run("check", "--max-alias-bytes", "17179869184G",
                       "-f", SHOP)
    eq(code, 2)
    assert err.startswith('ingroute: --max-alias-bytes: invalid value '
                          '"17179869184G": too large'), err
    for flag in LIMITS:
        bad = ["-1", "0", "", "x", "1.5", " 1", "+1", "1 ", "0x10"]
        if flag.endswith("-bytes"):
            bad += ["0K", "K", "1KB", "1T"]
        else:
            bad += ["1K", "1M", "1G"]
        for value in bad:
            for cmd in ("check", "match", "explain", "dump"):
                code, out, err = run(cmd, flag, value, "-f", SHOP, "/")
                eq((flag, value, cmd, code, out), (flag, value, cmd, 2, ""))
                assert err.startswith('ingroute: %s: invalid value "%s": '
                                      % (flag, value)), err


@case
def usage_errors_exit_2():
    for args in (["match", "/"], ["frobnicate"], [],
                 ["match", "--impl-specific", "fuzzy", "-f", MANIFESTS],
                 ["match", "--default-backend", "oops", "-f", MANIFESTS],
                 ["explain", "-f", MANIFESTS], ["dump", "-f", MANIFESTS, "x"],
                 ["match", "--no-such-flag", "-f", MANIFESTS]):
        code, _, _ = run(*args)
        eq((args, code), (args, 2))


@case
def every_command_has_help():
    for cmd in ("check", "match", "explain", "dump"):
        code, out, _ = run(cmd, "--help")
        eq(code, 0)
        assert out.startswith("usage: ingroute " + cmd), out
        assert "--filename" in out and "--impl-specific" in out, out
        assert "--previous PATH" in out, out
        for flag in LIMITS:
            assert flag + " N" in out, (flag, out)
    code, out, _ = run("--help")
    eq(code, 0)
    assert "commands:" in out
    code, out, _ = run("--version")
    eq((code, out.startswith("ingroute ")), (0, True))
    assert out.rstrip().endswith("(validation: Kubernetes v1.37.2)"), out


@case
def explain_text_and_json():
    code, out, _ = run("explain", *SERVED, "https://shop.example.com/cartx")
    eq(code, 0)
    assert "element boundary       /cart" in out, out
    assert "* matched                /  " in out, out
    assert out.rstrip().endswith("decision     path -> shop/storefront:80 "
                                 "(shop.example.com Prefix /)"), out
    code, out, _ = run("explain", "--json", *SERVED, "https://x.org/")
    doc = json.loads(out)
    eq((doc["decision"], doc["default"]["ingress"]),
       ("default", {"namespace": "platform", "name": "default-backend"}))


@case
def dump_text_and_json():
    code, out, _ = run("dump", *SERVED)
    eq(code, 0)
    assert "*.preview.example.com (wildcard)" in out, out
    assert "global default -> platform/not-found:80" in out, out
    code, out, _ = run("dump", "--json", *SERVED)
    doc = json.loads(out)
    eq(doc["stats"]["paths"], 11)
    eq([v["host"] for v in doc["virtualHosts"]],
       ["api.example.com", "docs.example.com", "shop.example.com",
        "www.shop.example.com", "*.preview.example.com"])


@case
def options_reach_the_router():
    # Without a class every Ingress is served, the "internal" one included.
    code, out, _ = run("match", "-q", "-f", MANIFESTS, "https://admin.example.com/")
    assert "legacy/admin:80" in out, out
    code, out, _ = run("match", "-q", "--impl-specific", "exact", *SERVED,
                       "shop.example.com/static/x")
    assert "shop/storefront:80" in out, out
    code, out, _ = run("match", "-q", "--no-normalize", *SERVED,
                       "https://SHOP.example.com/cart")
    assert "default platform/not-found:80" in out, out
    code, out, _ = run("match", "-q", "--default-backend", "ops/fallback:8080",
                       "-f", MANIFESTS + "/docs.json", "https://x.org/")
    eq(out, "https://x.org/ -> default ops/fallback:8080 (--default-backend)\n")


def ingress(name, path, service):
    return ("apiVersion: networking.k8s.io/v1\n"
            "kind: Ingress\n"
            "metadata: {name: %s, namespace: shop}\n"
            "spec:\n"
            "  rules:\n"
            "  - host: %s.test\n"
            "    http:\n"
            "      paths:\n"
            "      - path: %s\n"
            "        pathType: Prefix\n"
            "        backend: {service: {name: %s, port: {number: 80}}}\n"
            % (name, name, path, service))


def edit(root):
    """old/ and new/ under root: in new/, a's path lost its leading slash,
    b is gone, c is new; old/ also holds an Ingress, x, that was invalid
    then and is gone now."""
    old, new = os.path.join(root, "old"), os.path.join(root, "new")
    os.mkdir(old)
    os.mkdir(new)
    for d, name, path, svc in ((old, "a", "/v1", "a1"), (old, "b", "/", "b1"),
                               (old, "x", "rel", "x1"), (new, "a", "v2", "a2"),
                               (new, "c", "/", "c1")):
        with open(os.path.join(d, name + ".yaml"), "w") as f:
            f.write(ingress(name, path, svc))
    return old, new


@case
def previous_keeps_the_old_route_on_an_invalid_edit():
    with tempfile.TemporaryDirectory() as root:
        old, new = edit(root)
        targets = ["a.test/v1/x", "a.test/v2"]
        code, out, _ = run("match", "-q", "--previous", old, "-f", new, *targets)
        eq(code, 0)
        eq(out.splitlines(),
           ["a.test/v1/x -> shop/a1:80 (Ingress shop/a, a.test Prefix /v1)",
            "a.test/v2 -> no match (404)"])
        # What a proxy loading afresh would serve instead.
        code, out, _ = run("match", "-q", "-f", new, *targets)
        eq(out.splitlines(), ["a.test/v1/x -> no match (404)",
                              "a.test/v2 -> no match (404)"])
        # Every command that loads takes it.
        code, out, _ = run("explain", "--previous", old, "-f", new, "a.test/v1")
        eq(code, 0)
        assert out.rstrip().endswith("decision     path -> shop/a1:80 "
                                     "(a.test Prefix /v1)"), out
        code, out, _ = run("dump", "-q", "--previous", old, "-f", new)
        eq(code, 0)
        assert "a.test (exact)" in out and "shop/a1:80" in out, out


@case
def previous_removes_what_the_new_sources_dropped():
    with tempfile.TemporaryDirectory() as root:
        old, new = edit(root)
        code, out, _ = run("match", "-q", "--previous", old, "-f", new,
                           "b.test/", "c.test/")
        eq((code, out.splitlines()),
           (0, ["b.test/ -> no match (404)",
                "c.test/ -> shop/c1:80 (Ingress shop/c, c.test Prefix /)"]))
        # A removed file is removed from the state even when it was the
        # only source: the new sources are the whole desired state.
        os.remove(os.path.join(new, "a.yaml"))
        code, out, _ = run("match", "-q", "--previous", old, "-f", new,
                           "a.test/v1")
        eq(out, "a.test/v1 -> no match (404)\n")


@case
def check_previous_reports_the_kept_version():
    with tempfile.TemporaryDirectory() as root:
        old, new = edit(root)
        na, oa = os.path.join(new, "a.yaml"), os.path.join(old, "a.yaml")
        code, out, err = run("check", "--previous", old, "-f", new)
        eq(code, 1)
        eq(out.splitlines(), [
            na + ":9:15: error: Ingress shop/a: spec.rules[0].http.paths[0].path: "
            "Invalid value: \"v2\": must be an absolute path",
            na + ":1:1: error: Ingress shop/a: this version is invalid and not "
            "applied; the valid version loaded from " + oa + ":1:1 stays in "
            "effect",
            "2 Ingresses served, 0 skipped (class), 1 invalid; 2 virtual hosts, "
            "2 paths; 0 conflicts, 0 shadowed rules; 0 with controller "
            "annotations not applied; validated as Kubernetes v1.37.2"])
        # old/x.yaml was invalid, but it is not part of the new state: its
        # error is not reported.
        assert "x.yaml" not in out + err, out + err
        code, out, _ = run("check", "--json", "--previous", old, "-f", new)
        doc = json.loads(out)
        kept = [d for d in doc["diagnostics"] if d["code"] == 15]
        eq(len(kept), 1)
        eq((kept[0]["severity"], kept[0]["file"], kept[0]["name"]),
           ("error", na, "a"))
        eq((doc["summary"]["served"], doc["summary"]["errors"]), (2, 2))
        # Fixed: the new version replaces the old one; no error.
        with open(na, "w") as f:
            f.write(ingress("a", "/v2", "a2"))
        code, out, _ = run("check", "--previous", old, "-f", new)
        eq(code, 0)
        eq(out.splitlines(), [
            na + ":1:1: note: Ingress shop/a: replaces the one loaded from "
            + oa + ":1:1",
            "2 Ingresses served, 0 skipped (class), 0 invalid; 2 virtual hosts, "
            "2 paths; 0 conflicts, 0 shadowed rules; 0 with controller "
            "annotations not applied; validated as Kubernetes v1.37.2"])


@case
def previous_and_standard_input():
    with tempfile.TemporaryDirectory() as root:
        old, new = edit(root)
        with open(os.path.join(new, "a.yaml")) as f:
            new_a = f.read()
        with open(os.path.join(old, "a.yaml")) as f:
            old_a = f.read()
        # The new state from standard input: one buffer, one reload.
        code, out, _ = run("check", "--previous", old, "-f", "-", stdin=new_a)
        eq(code, 1)
        assert ("<stdin>:1:1: error: Ingress shop/a: this version is invalid and "
                "not applied; the valid version loaded from "
                + os.path.join(old, "a.yaml") + ":1:1") in out, out
        code, out, _ = run("match", "-q", "--previous", old, "-f", "-",
                           "a.test/v1", "b.test/", stdin=new_a)
        eq(out.splitlines(), ["a.test/v1 -> shop/a1:80 (Ingress shop/a, a.test "
                              "Prefix /v1)", "b.test/ -> no match (404)"])
        # The previous state from standard input, as `git show` gives it.
        code, out, _ = run("match", "-q", "--previous", "-", "-f", new,
                           "a.test/v1", stdin=old_a)
        eq(out, "a.test/v1 -> shop/a1:80 (Ingress shop/a, a.test Prefix /v1)\n")
        code, _, err = run("match", "--previous", "-", "-f", new, stdin=old_a)
        eq(code, 2)
        assert "standard input already holds the manifests" in err, err
        # Refused: stdin read twice, or files and a buffer in one reload.
        code, out, err = run("match", "--previous", "-", "-f", "-", "a.test/",
                             stdin=old_a)
        eq((code, out), (2, ""))
        assert "standard input can hold only one of" in err, err
        code, out, err = run("match", "--previous", old, "-f", "-", "-f", new,
                             "a.test/", stdin=new_a)
        eq((code, out), (2, ""))
        assert "with --previous, -f - must be the only -f" in err, err


@case
def previous_failures_exit_1():
    with tempfile.TemporaryDirectory() as root:
        old, new = edit(root)
        missing = os.path.join(root, "missing")
        code, out, err = run("match", "--previous", missing, "-f", new, "a.test/")
        eq((code, out), (1, ""))
        assert ("cannot load the previous manifests (--previous %s)" % missing
                in err), err
        # New sources that fail as a whole change nothing: the previous
        # state is what a proxy keeps serving, and check says so.
        with open(os.path.join(new, "broken.yaml"), "w") as f:
            f.write("kind: [unclosed\n")
        code, out, _ = run("check", "--previous", old, "-f", new)
        eq(code, 1)
        assert "broken.yaml:2:1: error: " in out, out
        assert out.endswith("2 Ingresses served, 0 skipped (class), 1 invalid; "
                            "2 virtual hosts, 2 paths; 0 conflicts, 0 shadowed "
                            "rules; 0 with controller annotations not applied; "
                            "validated as Kubernetes v1.37.2\n"), out
        code, out, err = run("match", "--previous", old, "-f", new, "b.test/")
        eq((code, out), (1, ""))
        assert "the manifests could not be loaded" in err, err


ONE_HOST = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: internal
  rules:
  - host: up.example.com
    http:
      paths:
      - {path: /x, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
"""


@contextlib.contextmanager
def manifest(text):
    """A file holding text, for the time of a with block."""
    with tempfile.TemporaryDirectory() as root:
        m = os.path.join(root, "m.yaml")
        with open(m, "w") as f:
            f.write(text)
        yield m


@case
def options_anywhere_and_double_dash_ends_them():
    with manifest(ONE_HOST) as m:
        # options after a target are options, not targets
        code, out, _ = run("match", "-f", m, "up.example.com/x", "--class",
                           "internal", "--json")
        eq(code, 0)
        doc = json.loads(out)
        eq((doc["decision"], doc["ingress"]["name"]), ("path", "web"))
        eq(len(out.splitlines()), 1)
        # another class after the target: the Ingress is not served
        code, out, _ = run("match", "-f", m, "up.example.com/x", "--json",
                           "--class", "public")
        eq(json.loads(out)["decision"], "none")
        # -- ends the options: what follows is a target
        code, out, _ = run("match", "-q", "-f", m, "--class", "internal", "--",
                           "--json")
        eq((code, out), (0, "--json -> no match (404)\n"))


@case
def schemes_are_case_insensitive():
    with manifest(ONE_HOST) as m:
        for t in ("HTTP://up.example.com/x", "Https://UP.example.com:8443/x?q"):
            code, out, _ = run("match", "-q", "--class", "internal", "-f", m,
                               "--json", t)
            doc = json.loads(out)
            eq((code, doc["host"], doc["path"], doc["decision"]),
               (0, "up.example.com", "/x", "path"))


@case
def output_wide_fail_unmatched_and_stats():
    with manifest(ONE_HOST) as m:
        code, out, _ = run("match", "-q", "--class", "internal", "-f", m, "-o",
                           "wide", "HTTP://UP.example.com/x/y", "other.example/")
        eq(code, 0)
        eq(out.splitlines(), [
            "TARGET\tHOST\tPATH\tDECISION\tBACKEND\tINGRESS\tRULE",
            "HTTP://UP.example.com/x/y\tup.example.com\t/x/y\tpath\tshop/web:80"
            "\tshop/web\tup.example.com Prefix /x",
            "other.example/\tother.example\t/\tnone\t-\t-\t-"])
        code, out, _ = run("match", "-q", "--class", "internal", "-f", m,
                           "-o", "json", "up.example.com/x")
        eq(json.loads(out)["decision"], "path")
        # --fail-unmatched: one target without a backend fails the run
        code, _, _ = run("match", "-q", "--class", "internal", "-f", m,
                         "--fail-unmatched", "up.example.com/x")
        eq(code, 0)
        code, out, _ = run("match", "-q", "--class", "internal", "-f", m,
                           "--fail-unmatched", "up.example.com/x",
                           "other.example/")
        eq(code, 1)
        eq(len(out.splitlines()), 2)
        code, _, err = run("match", "-f", m, "-o", "yaml", "up.example.com/x")
        eq(code, 2)
        assert "-o takes text, json or wide" in err, err
        code, out, err = run("check", "--stats", "--class", "internal", "-f", m)
        eq(code, 0)
        assert err.startswith("ingroute: stats: load and validate "), err
        assert ("1 Ingresses held (0 invalid); compile " in err and
                "1 served, 1 virtual hosts, 1 paths" in err), err


@case
def diff_finds_the_requests_two_configurations_route_apart():
    moved = ONE_HOST.replace("path: /x,", "path: /xy,")
    with manifest(ONE_HOST) as old, manifest(moved) as new:
        # the same configuration: nothing differs, exit 0
        code, out, _ = run("diff", "-q", "-f", old, "--against", old)
        eq(code, 0)
        assert out.endswith(" routed differently\n") and " 0 routed" in out, out
        # generated from both tables: the old rule's path and what lies
        # under it, the new rule's path and its near misses
        code, out, _ = run("diff", "-q", "-f", old, "--against", new)
        eq(code, 1)
        lines = out.splitlines()
        for target in ("up.example.com/x", "up.example.com/x/", "up.example.com/x/x",
                       "up.example.com/xy", "up.example.com/xy/"):
            assert target in lines, (target, out)
        i = lines.index("up.example.com/x")
        eq(lines[i + 1], "  -f:        shop/web:80 (Ingress shop/web, "
                         "up.example.com Prefix /x)")
        eq(lines[i + 2], "  --against: no match (404)")
        # "/xx" (the old path and a byte: no element under /x) is in the
        # trace, and routes to 404 both ways, so it is not listed
        assert "up.example.com/xx" not in lines, out
        n = int(lines[-1].split()[0])
        assert n > len([l for l in lines if not l.startswith(" ")]), out
        assert lines[-1].endswith(" routed differently"), out
        # given targets, and --explain
        code, out, _ = run("diff", "-q", "-f", old, "--against", new,
                           "--explain", "up.example.com/x/y", "up.example.com/other")
        eq(code, 1)
        assert out.startswith("up.example.com/x/y\n"), out
        assert "  -f explains:\ntarget       up.example.com/x/y" in out, out
        assert "decision     none (404)" in out, out
        eq(out.splitlines()[-1], "2 requests, 1 routed differently")
        # --against is diff's, and diff needs it
        code, _, err = run("diff", "-f", old)
        eq(code, 2)
        assert "give --against PATH" in err, err
        code, _, err = run("match", "-f", old, "--against", new, "a/")
        eq(code, 2)


@case
def bash_completion():
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                          "tools", "completion", "ingroute.bash")
    if not shutil.which("bash"):
        return

    def complete(*words):
        line = ("source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _ingroute; "
                "printf '%%s\\n' \"${COMPREPLY[@]}\"" %
                (script, " ".join("'%s'" % w for w in words), len(words) - 1))
        p = subprocess.run(["bash", "-c", line], capture_output=True,
                           text=True, timeout=30)
        eq(p.returncode, 0)
        return sorted(x for x in p.stdout.split("\n") if x)

    eq(complete("ingroute", "ma"), ["match"])
    eq(complete("ingroute", "match", "--fa"), ["--fail-unmatched", "--fallthrough"])
    eq(complete("ingroute", "check", "-o", ""), ["json", "text", "wide"])
    eq(complete("ingroute", "dump", "--impl-specific", "ex"), ["exact"])
    eq(complete("ingroute", "check", "--fa"), ["--fallthrough"])

@case
def gateway_api_manifests_validate_as_the_server_accepts_them():
    # The Gateway API conformance suite's manifests (tests/data/gateway),
    # which its API server accepts: every one checks clean, and a broken
    # one is refused with its field path.
    gw = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                      "gateway")
    base = os.path.join(gw, "base.yaml")
    cases = sorted(f for f in os.listdir(gw)
                   if f.startswith("conformance-") and f.endswith(".yaml"))
    assert len(cases) >= 40, cases
    for f in cases:
        code, out, _ = run("check", "-f", base, "-f", os.path.join(gw, f))
        eq((f, code), (f, 0))
        assert " error: " not in out, out
        # warnings only for what the case's test checks does not attach
        # or resolve, worded as the condition the suite expects
        for line in out.splitlines():
            if " warning: " in line:
                assert ("Accepted=False (" in line or
                        "ResolvedRefs=False (" in line), line
    broken = open(os.path.join(gw, "conformance-matching.yaml")).read()
    broken = broken.replace("value: /v2", "value: v2")
    code, out, _ = run("check", "-f", base, "-f", "-", stdin=broken)
    eq(code, 1)
    assert ("HTTPRoute gateway-conformance-infra/matching: "
            "spec.rules[1].matches[0].path: Invalid value: value must be an "
            "absolute path and start with '/' when type one of ['Exact', "
            "'PathPrefix']") in out, out


MIGRATION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                         "examples", "migration")
GW_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                       "gateway")
GW = ["-f", os.path.join(GW_DATA, "base.yaml"), "--gateway",
      "gateway-conformance-infra/same-namespace"]


@case
def match_through_a_gateway():
    code, out, _ = run("match", "-q", *GW, "-f",
                       os.path.join(GW_DATA, "semantics-filters.yaml"),
                       "http://rewrite.example.com/root/a",
                       "http://redirect.example.com/to-https?x=1",
                       "http://nothing.example.com/")
    eq(code, 0)
    eq(out.splitlines(), [
        "http://rewrite.example.com/root/a -> gateway-conformance-infra/"
        "infra-backend-v2:8080 (HTTPRoute gateway-conformance-infra/prefixes "
        "rule 2, rewrite.example.com PathPrefix /root) [rewrite: path /a] "
        "[request headers: add x-backend: v2]",
        "http://redirect.example.com/to-https?x=1 -> redirect 301 "
        "https://redirect.example.com/to-https?x=1 (HTTPRoute "
        "gateway-conformance-infra/redirects rule 0)",
        "http://nothing.example.com/ -> no match (404)"])
    # method, headers and the weighted pick reach the request
    code, out, _ = run("match", "-q", *GW, "-f",
                       os.path.join(GW_DATA, "semantics-precedence.yaml"),
                       "-X", "POST", "--random", "1", "--json",
                       "http://weights.example.com/split", "http://192.0.2.1/app")
    eq(code, 0)
    docs = [json.loads(l) for l in out.splitlines()]
    eq([d["backend"]["name"] for d in docs],
       ["infra-backend-v2", "infra-backend-v2"])
    eq(docs[1]["route"], {"namespace": "gateway-conformance-infra",
                          "name": "newer", "rule": 2, "match": 0})
    code, out, _ = run("match", "-q", *GW, "-f",
                       os.path.join(GW_DATA, "semantics-precedence.yaml"),
                       "-H", "X-A: 1", "http://192.0.2.1/app")
    assert "HTTPRoute gateway-conformance-infra/newer rule 2" in out, out
    code, out, _ = run("match", "-q", *GW, "-f",
                       os.path.join(GW_DATA, "semantics-precedence.yaml"),
                       "--fail-unmatched", "http://weights.example.com/zero",
                       "http://192.0.2.1/none")
    eq(code, 1)
    assert "-> error 500 (HTTPRoute gateway-conformance-infra/weights rule 1:" \
        " no usable backend)" in out, out


@case
def explain_through_a_gateway():
    code, out, _ = run("explain", "-q", *GW, "-f",
                       os.path.join(GW_DATA, "semantics-precedence.yaml"),
                       "-H", "x-a: 2", "http://192.0.2.1/app")
    eq(code, 0)
    lines = out.splitlines()
    assert "listener     http (port 80, any host): chosen" in lines, out
    assert "hostname     weights.example.com: does not serve the host" in lines
    assert any(l.startswith("    header x-a differs") for l in lines), out
    assert any(l.startswith("  * matched ") and "older rule 1" in l
               for l in lines), out
    eq(lines[-1], "decision     gateway-conformance-infra/infra-backend-v1:8080 "
                  "(HTTPRoute gateway-conformance-infra/older rule 1)")
    code, out, _ = run("explain", "-q", *GW, "-f",
                       os.path.join(GW_DATA, "semantics-precedence.yaml"),
                       "--json", "http://192.0.2.1/tie")
    doc = json.loads(out)
    eq(doc["decision"]["route"]["name"], "older")


@case
def diff_an_ingress_set_against_its_httproutes():
    code, out, _ = run("diff", "-q", "-f", os.path.join(MIGRATION, "ingress.yaml"),
                       "--against", os.path.join(MIGRATION, "httproutes.yaml"),
                       "--against-gateway", "gateway/public")
    eq(code, 1)
    eq(out.splitlines(), [
        "shop.example.com/checkout/",
        "  -f:        shop/web:80 (Ingress shop/storefront, shop.example.com "
        "Prefix /)",
        "  --against: shop/checkout:8080 (HTTPRoute shop/storefront rule 2, "
        "shop.example.com PathPrefix /checkout)",
        "shop.example.com/checkout/x",
        "  -f:        shop/web:80 (Ingress shop/storefront, shop.example.com "
        "Prefix /)",
        "  --against: shop/checkout:8080 (HTTPRoute shop/storefront rule 2, "
        "shop.example.com PathPrefix /checkout)",
        "15 requests, 2 routed differently"])
    # the translation fixed: no difference left
    fixed = open(os.path.join(MIGRATION, "httproutes.yaml")).read().replace(
        "{type: PathPrefix, value: /checkout}", "{type: Exact, value: /checkout}")
    code, out, _ = run("diff", "-q", "-f", os.path.join(MIGRATION, "ingress.yaml"),
                       "--against", "-", "--against-gateway", "gateway/public",
                       stdin=fixed)
    eq((code, out.splitlines()[-1]), (0, "15 requests, 0 routed differently"))


@case
def check_and_dump_show_the_gateway():
    routes = os.path.join(MIGRATION, "httproutes.yaml")
    code, out, _ = run("check", "-f", routes)
    eq(code, 0)
    assert "; 1 Gateway listener, 2 HTTPRoutes attached, 4 matches;" in out, out
    code, out, _ = run("check", "-o", "json", "-f", routes)
    summary = json.loads(out)["summary"]
    eq([summary[k] for k in ("gatewayListeners", "httpRoutesAttached",
                             "gatewayMatches")], [1, 2, 4])
    # another controller's Gateway is not served: a note says why, explain
    # too, and no count is printed
    code, out, _ = run("check", "--controller", "nobody.example/none",
                       "-f", routes)
    eq(code, 0)
    lines = out.splitlines()
    eq(lines[0], routes + ":19:21: note: Gateway gateway/public: "
       "spec.gatewayClassName: not served: its GatewayClass \"public\" names "
       "the controller \"example.com/gateway-controller\", not "
       "\"nobody.example/none\"")
    assert "Gateway listener" not in lines[1], out
    code, out, _ = run("explain", "--controller", "nobody.example/none",
                       "--gateway", "gateway/public", "-f", routes,
                       "http://shop.example.com/")
    assert "listeners    none: its GatewayClass \"public\" names the " \
        "controller" in out, out
    code, out, _ = run("explain", "--gateway", "gateway/none", "-f", routes,
                       "http://shop.example.com/")
    assert "listeners    none: no such Gateway\n" in out, out
    code, out, _ = run("check", "-f", "-", stdin=open(routes).read().replace(
        "protocol: HTTP", "protocol: TCP"))
    assert "<stdin>:21:5: note: Gateway gateway/public: spec.listeners: not " \
        "served: none of its listeners takes HTTP or HTTPS\n" in out, out
    code, out, _ = run("check", "-f", "-", stdin=open(routes).read().replace(
        "gatewayClassName: public", "gatewayClassName: other"))
    assert "spec.gatewayClassName: not served: its GatewayClass \"other\" " \
        "does not exist\n" in out, out
    code, out, _ = run("dump", "-f", routes)
    eq(code, 0)
    lines = out.splitlines()
    i = lines.index("gateway gateway/public listener http (port 80, any host)")
    eq(lines[i + 1], "  blog.example.com")
    assert lines[i + 4].split() == [
        "PathPrefix", "/checkout", "->", "shop/checkout:8080", "(HTTPRoute",
        "shop/storefront", "rule", "2)"], lines[i + 4]


@case
def fields_not_applied_get_a_note():
    cors = os.path.join(GW_DATA, "semantics-cors.yaml")
    code, out, _ = run("check", "-f", os.path.join(GW_DATA, "base.yaml"),
                       "-f", cors)
    eq(code, 0)
    assert (cors + ":15:7: note: HTTPRoute gateway-conformance-infra/cors: "
            "spec.rules[0].filters[1]: not applied: the answer carries no "
            "CORS filter; the proxy must answer CORS itself\n") in out, out
    assert "spec.rules[0].backendRefs[0].filters[0]: not applied" in out, out
    route = """apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: slow, namespace: ns}
spec:
  rules:
  - timeouts: {request: 10s}
    backendRefs: [{name: app, port: 80}]
  - backendRefs: [{name: app, port: 80}]
"""
    code, out, _ = run("check", "-o", "json", "-f", "-", stdin=route)
    notes = [d for d in json.loads(out)["diagnostics"]
             if d["severity"] == "note"]
    eq([(d["line"], d["field"], d["message"]) for d in notes],
       [(6, "spec.rules[0].timeouts", "not applied: the answer carries no "
         "timeouts; the proxy's own apply")])


@case
def gateway_options_are_checked():
    for args, want in (
            (["match", "--gateway", "public", "/"], "--gateway takes NAMESPACE/NAME"),
            (["match", "--gateway", "a/b/c", "/"], "--gateway takes NAMESPACE/NAME"),
            (["match", "--against-gateway", "a/b", "/"],
             "--against-gateway is for diff"),
            (["match", "-H", "no-colon", "/"], "-H takes 'NAME: VALUE'"),
            (["match", "--random", "-1", "/"], "--random takes a number"),
            (["match", "--random", "x", "/"], "--random takes a number")):
        code, _, err = run(*args, "-f", MANIFESTS)
        eq(code, 2)
        assert want in err, err


failed = [(n, e) for n, e in results if e is not None]
for name, err in failed:
    print("FAIL %s: %s" % (name, err))
print("%d passed, %d failed" % (len(results) - len(failed), len(failed)))
sys.exit(1 if failed else 0)
