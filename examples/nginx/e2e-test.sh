#!/usr/bin/env bash
# End-to-end test of ngx_http_ingroute_module: real nginx, real requests.
#
#   usage: e2e-test.sh [BUILD_DIR]     (default: BUILD_DIR = <repo>/build)
#
# 1. Builds the module with build.sh against BUILD_DIR (a plain, not
#    sanitized, meson build of ingroute with libingroute.a).
# 2. Starts one small HTTP backend per NS/SERVICE:PORT that the spec tables
#    expect (e2e_helper.py, one python3 process, 127.0.0.1 only), each
#    answering "X-Backend: NS/SERVICE:PORT", all mapped with
#    ingroute_upstream_map; "*" goes to a backend named "unmapped".
# 3. For every tests/data/route/*.expect without an options: line, starts
#    nginx (-p TMPDIR, daemon off, listen 127.0.0.1:PORT) on its manifest
#    and sends every route row byte for byte (a "-" Host as HTTP/1.0 without
#    Host), checking the backend that answered and the decision, backend,
#    Ingress and rule the module reports, 404 for none and 503 for a
#    resource backend. Rows that are not origin-form targets, and rows
#    nginx itself answers 400 (a path above the root, a Host with ".."),
#    are skipped and listed.
# 3b. For every tests/data/gateway/*.expect (the Gateway API conformance
#    suite's HTTPRoute tests and ingroute's own), for each Gateway its rows
#    go to, starts nginx with ingroute_gateway on base.yaml and the case's
#    manifest, the location proxying to $ingroute_upstream with
#    $ingroute_upstream_uri and $ingroute_upstream_host, and sends every
#    row with its method and headers (random=N as the header named by
#    ingroute_random_header). The backends echo the path, Host and headers
#    they received; status, Location, the backend, what it received and
#    the response headers must be the row's. A mirror (ingroute_mirror to
#    an internal location) must reach its backend once, with the same path
#    (the backends count what they get).
# 4. Reload under load: a bounded client loop runs while `nginx -s reload`
#    switches to another manifest directory; the new routing must apply and
#    no request may fail or answer 5xx. Then a broken manifest: `nginx -t`
#    must fail with the ingroute diagnostic (FILE:LINE:COL), a SIGHUP reload
#    must be refused and the running routing kept.
# 5. Reloads keep the last good version (ingroute_strict off): an edit that
#    makes a served Ingress invalid passes `nginx -t` with the diagnostic as
#    a warning; after `nginx -s reload` the old route still answers with
#    its backend, the error log names the INGROUTE_D_KEPT error at
#    FILE:LINE:COL, and an Ingress whose file was deleted is gone. A reload
#    that changes the directives and then fails must not lose the kept
#    version. Fixing the edit serves the new route.
# 6. Load limits: each ingroute_max_* directive set low makes `nginx -t`
#    fail with the library's limit diagnostic, valid values in nginx's size
#    syntax pass, and 0, negative or malformed values are refused naming
#    the directive. On a running nginx (ingroute_strict off) a reload that
#    hits a limit is refused and the routing kept, and a reload that
#    changes a limit starts a fresh ruleset: the kept version is dropped.
#
# Needs: nginx nginx-dev python3 (and what building ingroute needs).
# Installs nothing. Stops everything it started (trap EXIT). Prints
# "N passed, M failed, K skipped" last; exits 1 on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
helper="python3 $here/e2e_helper.py"
NGINX=${NGINX:-nginx}
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); echo "ok $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

for tool in "$NGINX" python3; do
	command -v "$tool" >/dev/null || { echo "e2e: $tool not installed (apt-get install -y nginx nginx-dev python3)" >&2; exit 1; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/ingroute-nginx-e2e.XXXXXX")
chmod 755 "$T"
ngx_pid="" backends_pid="" load_pid=""

stop_nginx() {
	[ -n "$ngx_pid" ] || return 0
	local workers i
	workers=$(pgrep -P "$ngx_pid" 2>/dev/null || true)
	kill -QUIT "$ngx_pid" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$ngx_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$ngx_pid" 2>/dev/null; then
		kill -KILL "$ngx_pid" 2>/dev/null
	fi
	# workers of a killed master, or old workers still draining
	for w in $workers $(pgrep -P "$ngx_pid" 2>/dev/null || true); do
		kill -KILL "$w" 2>/dev/null
	done
	wait "$ngx_pid" 2>/dev/null
	ngx_pid=""
}

cleanup() {
	[ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
	stop_nginx
	[ -n "$backends_pid" ] && kill "$backends_pid" 2>/dev/null && wait "$backends_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---------------------------------------------------------------- the module
echo "== build the module ($build)"
so=$(bash "$here/build.sh" "$build" | tail -n1) || { echo "e2e: build.sh failed" >&2; echo "0 passed, 1 failed"; exit 1; }
[ -f "$so" ] || { echo "e2e: no module at '$so'" >&2; echo "0 passed, 1 failed"; exit 1; }

# ---------------------------------------------------------------- backends
specs=()
for f in "$repo"/tests/data/route/*.expect; do
	if grep -q '^options:' "$f"; then
		echo "skip $(basename "$f"): has options: (the e2e uses the defaults)"
		continue
	fi
	specs+=("$f")
done

gwdata="$repo/tests/data/gateway"
{
	$helper names "${specs[@]}"
	$helper gwnames "$gwdata"/*.yaml
	printf '%s\n' e2e/v1:80 e2e/v2:80 e2e/v3:80 unmapped
} >"$T/names"
$helper backends "$T/names" "$T/ports" 240 &
backends_pid=$!
for i in $(seq 100); do [ -f "$T/ports" ] && break; sleep 0.1; done
[ -f "$T/ports" ] || { echo "e2e: backends did not start" >&2; exit 1; }
awk '$1 == "unmapped" { print "* 127.0.0.1:" $2; next } { print $1, "127.0.0.1:" $2 }' \
	"$T/ports" >"$T/upstreams.map"
echo "== $(wc -l <"$T/ports") backends on 127.0.0.1"

# ---------------------------------------------------------------- nginx
port=$(free_port)
mkdir -p "$T/tmp"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"
cat >"$T/nginx.conf" <<EOF
load_module $so;
$user_line
worker_processes 1;
daemon off;
master_process on;
pid $T/nginx.pid;
error_log $T/error.log notice;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $T/tmp/body;
    proxy_temp_path $T/tmp/proxy;
    fastcgi_temp_path $T/tmp/fastcgi;
    uwsgi_temp_path $T/tmp/uwsgi;
    scgi_temp_path $T/tmp/scgi;

    include $T/ingroute.conf;
    ingroute_upstream_map $T/upstreams.map;

    server {
        listen 127.0.0.1:$port;
        location / {
            add_header X-Ingroute-Decision \$ingroute_decision always;
            add_header X-Ingroute-Backend \$ingroute_backend always;
            add_header X-Ingroute-Ingress \$ingroute_ingress always;
            add_header X-Ingroute-Rule \$ingroute_rule always;
            if (\$ingroute_decision = none) {
                return 404;
            }
            if (\$ingroute_upstream = "") {
                return 503;
            }
            proxy_pass http://\$ingroute_upstream;
        }
    }
}
EOF
# The same server for a Gateway: the module answers 404, 500 and
# redirects itself; the rest is proxied with the rewritten path and Host,
# and mirrors go through an internal location.
sed -e '/add_header X-Ingroute-Decision/,/proxy_pass http:\/\/\$ingroute_upstream;/c\
            proxy_set_header Host \$ingroute_upstream_host;\
            proxy_pass http://\$ingroute_upstream\$ingroute_upstream_uri;' \
	-e '/^        location \/ {/i\
        location = /_ingroute_mirror {\
            internal;\
            proxy_pass_request_body off;\
            proxy_set_header Content-Length "";\
            proxy_set_header Host \$ingroute_upstream_host;\
            proxy_pass http://\$ingroute_upstream\$ingroute_upstream_uri;\
        }' \
	"$T/nginx.conf" >"$T/nginx-gateway.conf"
conf="$T/nginx.conf"
ngx() { "$NGINX" -p "$T/" -c "$conf" "$@"; }

start_nginx() {
	local i
	"$NGINX" -p "$T/" -c "$conf" >>"$T/nginx.out" 2>&1 &
	ngx_pid=$!
	for i in $(seq 100); do
		if ! kill -0 "$ngx_pid" 2>/dev/null; then
			wait "$ngx_pid" 2>/dev/null; ngx_pid=""
			echo "e2e: nginx exited:" >&2; tail -n 20 "$T/nginx.out" >&2
			return 1
		fi
		python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2).close()' "$port" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "e2e: nginx does not listen on $port" >&2
	return 1
}

# ---------------------------------------------------------------- spec tables
echo "== spec tables through nginx on 127.0.0.1:$port"
: >"$T/results"
for f in "${specs[@]}"; do
	echo "ingroute_manifests ${f%.expect}.yaml; ingroute_strict off;" >"$T/ingroute.conf"
	if ! start_nginx; then
		bad "$(basename "$f"): nginx did not start"
		continue
	fi
	$helper check "$f" "$port" "$T/results" >"$T/check.out" 2>&1 ||
		bad "$(basename "$f"): the check itself failed"
	grep -v '^skip' "$T/check.out" | sed 's/^/  /'
	grep '^skip' "$T/check.out" | sed 's/^/  /' >>"$T/skips"
	stop_nginx
done
read -r p fl s < <(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$T/results")
passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
echo "== skipped rows:"; cat "$T/skips" 2>/dev/null

# ---------------------------------------------------------------- Gateway API
echo "== the Gateway API's tables through nginx (ingroute_gateway)"
conf="$T/nginx-gateway.conf"
: >"$T/gw-results"
: >"$T/skips"
for f in "$gwdata"/*.expect; do
	controller=$(sed -n 's/^options: --controller //p' "$f")
	for gw in $($helper gwgateways "$f"); do
		gwport=0
		case $gw in *:*) gwport=${gw#*:} ;; esac
		{
			echo "ingroute_manifests $gwdata/base.yaml ${f%.expect}.yaml;"
			echo "ingroute_strict off; ingroute_gateway ${gw%%:*};"
			echo "ingroute_gateway_port $gwport; ingroute_random_header X-Test-Random;"
			echo "ingroute_mirror /_ingroute_mirror;"
			[ -n "$controller" ] && echo "ingroute_controller $controller;"
		} >"$T/ingroute.conf"
		if ! start_nginx; then
			bad "$(basename "$f") ($gw): nginx did not start"
			continue
		fi
		$helper gwcheck "$f" "$gw" "$port" "$T/gw-results" "$T/ports" >"$T/check.out" 2>&1 ||
			bad "$(basename "$f") ($gw): the check itself failed"
		grep -v '^skip' "$T/check.out" | sed 's/^/  /'
		grep '^skip' "$T/check.out" | sed 's/^/  /' >>"$T/skips"
		stop_nginx
	done
done
read -r p fl s < <(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$T/gw-results")
passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
echo "== skipped rows:"; cat "$T/skips" 2>/dev/null

# An internal redirect (error_page) restarts the request in nginx: its
# mirror must still be sent once, and the backend stay the first pick.
echo "== a mirror survives an internal redirect once"
sed -e '/^        location \/ {/i\
        location = /mirror {\
            error_page 418 = /fallback;\
            return 418;\
        }\
        location = /fallback {\
            internal;\
            proxy_set_header Host \$ingroute_upstream_host;\
            proxy_pass http://\$ingroute_upstream\$ingroute_upstream_uri;\
        }' "$T/nginx-gateway.conf" >"$T/nginx-redirect.conf"
conf="$T/nginx-redirect.conf"
{
	echo "ingroute_manifests $gwdata/base.yaml $gwdata/conformance-request-mirror.yaml;"
	echo "ingroute_strict off; ingroute_gateway gateway-conformance-infra/same-namespace;"
	echo "ingroute_mirror /_ingroute_mirror; ingroute_controller ingroute.example/gateway;"
} >"$T/ingroute.conf"
if start_nginx; then
	mport=$(awk '$1 == "gateway-conformance-infra/infra-backend-v2:8080" { print $2 }' "$T/ports")
	before=$($helper count "$mport")
	got=$($helper request 192.0.2.1 /mirror "$port")
	sleep 0.5
	after=$($helper count "$mport")
	if [ "${got%% *}" = 200 ] && [ "$(echo "$got" | cut -d' ' -f2)" = gateway-conformance-infra/infra-backend-v1:8080 ] &&
		[ $((after - before)) -eq 1 ]; then
		ok "internal redirect: one mirror, backend v1 ($got)"
	else
		bad "internal redirect: $got; mirror copies $((after - before)), want 1"
	fi
	stop_nginx
else
	bad "internal redirect: nginx did not start"
fi
conf="$T/nginx.conf"

# ---------------------------------------------------------------- reload
echo "== reload under load"
ingress() { # NAME HOST SERVICE
	cat <<EOF
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: $1, namespace: e2e}
spec:
  rules:
  - host: $2
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: $3, port: {number: 80}}}}
---
EOF
}
mkdir -p "$T/m1" "$T/m2" "$T/m3"
ingress reload reload.test v1 >"$T/m1/reload.yaml"
ingress reload reload.test v2 >"$T/m2/reload.yaml"
ingress new new.reload.test v3 >"$T/m2/new.yaml"
cp "$T/m2/"*.yaml "$T/m3/"
cat >"$T/m3/bad.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bad, namespace: e2e}
spec:
  rules:
  - host: bad.reload.test
    http:
      paths:
      - path: no-slash
        pathType: Prefix
        backend: {service: {name: v1, port: {number: 80}}}
EOF

req() { $helper request "$1" "$2" "$port" 2>/dev/null || echo "error"; }

echo "ingroute_manifests $T/m1;" >"$T/ingroute.conf"
if start_nginx; then
	r=$(req reload.test /)
	[ "$r" = "200 e2e/v1:80 path" ] && ok "before reload: reload.test -> e2e/v1:80" || bad "before reload: reload.test -> '$r'"

	rm -f "$T/stop"
	$helper load "$port" 20000 30 "$T/stop" "$T/load.json" reload.test/ new.reload.test/x reload.test/a/b &
	load_pid=$!
	sleep 1
	echo "ingroute_manifests $T/m2;" >"$T/ingroute.conf"
	if ngx -s reload >>"$T/nginx.out" 2>&1; then ok "nginx -s reload"; else bad "nginx -s reload failed"; fi
	r=""
	for i in $(seq 100); do
		r=$(req new.reload.test /x)
		[ "$r" = "200 e2e/v3:80 path" ] && break
		sleep 0.1
	done
	[ "$r" = "200 e2e/v3:80 path" ] && ok "after reload: new.reload.test -> e2e/v3:80" || bad "after reload: new.reload.test -> '$r'"
	r=$(req reload.test /)
	[ "$r" = "200 e2e/v2:80 path" ] && ok "after reload: reload.test -> e2e/v2:80" || bad "after reload: reload.test -> '$r'"
	sleep 1

	# A broken manifest: nginx -t fails with the diagnostic, a reload is refused.
	echo "ingroute_manifests $T/m3;" >"$T/ingroute.conf"
	out=$(ngx -t 2>&1); rc=$?
	echo "$out" | sed 's/^/  | /'
	if [ $rc -ne 0 ] && echo "$out" | grep -q "ingroute: $T/m3/bad.yaml:9:15: error: Ingress e2e/bad: spec.rules\[0\].http.paths\[0\].path: Invalid value: \"no-slash\": must be an absolute path in $T/ingroute.conf:1"; then
		ok "nginx -t fails with the ingroute diagnostic (FILE:LINE:COL)"
	else
		bad "nginx -t with a broken manifest (rc $rc)"
	fi
	kill -HUP "$ngx_pid"
	sleep 1.5
	grep -q 'bad.yaml:9:15: error' "$T/error.log" && ok "SIGHUP with a broken manifest: refused and logged" || bad "SIGHUP with a broken manifest: no diagnostic in error.log"
	r=$(req reload.test /)
	[ "$r" = "200 e2e/v2:80 path" ] && ok "after the refused reload: reload.test -> e2e/v2:80" || bad "after the refused reload: reload.test -> '$r'"
	r=$(req bad.reload.test /)
	[ "${r%% *}" = 404 ] && ok "after the refused reload: bad.reload.test -> 404" || bad "after the refused reload: bad.reload.test -> '$r'"
	echo "ingroute_manifests $T/m2;" >"$T/ingroute.conf"

	touch "$T/stop"
	wait "$load_pid"; load_pid=""
	if python3 - "$T/load.json" <<'EOF'; then
import json, sys
d = json.load(open(sys.argv[1]))
allowed = {"reload.test 200 e2e/v1:80", "reload.test 200 e2e/v2:80",
           "new.reload.test 404 -", "new.reload.test 200 e2e/v3:80"}
print("  %d requests: %s" % (d["requests"], json.dumps(d["counts"], sort_keys=True)))
bad = {k: v for k, v in d["counts"].items() if k not in allowed}
if bad or d["errors"] or d["requests"] < 50:
    print("  unexpected answers: %s; errors: %s" % (bad, d["errors"]))
    sys.exit(1)
if d["counts"].get("new.reload.test 200 e2e/v3:80", 0) == 0:
    print("  the new routing never applied under load")
    sys.exit(1)
EOF
		ok "under load: no request failed, no 5xx, both routings seen"
	else
		bad "under load"
	fi
	stop_nginx
else
	bad "nginx with $T/m1 did not start"
fi

# ---------------------------------------------------------------- keep
echo "== reloads keep the last good version (ingroute_strict off)"
keep_ingress() { # PATH SERVICE
	cat <<EOF
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: keep, namespace: e2e}
spec:
  rules:
  - host: keep.test
    http:
      paths:
      - path: $1
        pathType: Prefix
        backend: {service: {name: $2, port: {number: 80}}}
EOF
}
# The worker set, to know when a reload has taken over: with one worker
# process, a single worker that was not there before.
workers() { pgrep -P "$ngx_pid" 2>/dev/null | sort | tr '\n' ' '; }
wait_reloaded() { # WORKERS_BEFORE
	local i w
	for i in $(seq 100); do
		w=$(workers)
		if [ -n "$w" ] && [ "$w" != "$1" ] && [ "$(echo "$w" | wc -w)" = 1 ]; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}
wait_log() { # FIXED_STRING
	local i
	for i in $(seq 100); do
		grep -qF -- "$1" "$T/error.log" && return 0
		sleep 0.1
	done
	return 1
}
mkdir -p "$T/m4"
keep_ingress /v1 v1 >"$T/m4/keep.yaml"
ingress other other.keep.test v3 >"$T/m4/other.yaml"
keep_conf="ingroute_manifests $T/m4; ingroute_strict off;"
echo "$keep_conf" >"$T/ingroute.conf"
if start_nginx; then
	r=$(req keep.test /v1/x)
	[ "$r" = "200 e2e/v1:80 path" ] && ok "keep: keep.test/v1/x -> e2e/v1:80" || bad "keep: keep.test/v1/x -> '$r'"
	r=$(req other.keep.test /)
	[ "$r" = "200 e2e/v3:80 path" ] && ok "keep: other.keep.test -> e2e/v3:80" || bad "keep: other.keep.test -> '$r'"

	# The edit: the path loses its leading slash; another file goes away.
	keep_ingress v2 v2 >"$T/m4/keep.yaml"
	rm "$T/m4/other.yaml"
	invalid="ingroute: $T/m4/keep.yaml:9:15: error: Ingress e2e/keep: spec.rules[0].http.paths[0].path: Invalid value: \"v2\": must be an absolute path in $T/ingroute.conf:1"
	kept_line="ingroute: $T/m4/keep.yaml:1:1: error: Ingress e2e/keep: this version is invalid and not applied; the valid version loaded from $T/m4/keep.yaml:1:1 stays in effect in $T/ingroute.conf:1"
	# nginx -t is a process of its own: nothing was loaded before in it, so
	# it reports the version's error, as a warning, and no kept version.
	out=$(ngx -t 2>&1); rc=$?
	echo "$out" | sed 's/^/  | /'
	if [ $rc -eq 0 ] && echo "$out" | grep -F "[warn]" | grep -qF "$invalid"; then
		ok "keep: nginx -t passes and warns with the diagnostic (FILE:LINE:COL)"
	else
		bad "keep: nginx -t with an invalid edit (rc $rc)"
	fi

	before=$(workers)
	if ngx -s reload >>"$T/nginx.out" 2>&1 && wait_reloaded "$before"; then
		ok "keep: nginx -s reload with the invalid edit"
	else
		bad "keep: nginx -s reload with the invalid edit did not take over"
	fi
	grep -F "[warn]" "$T/error.log" | grep -F "$kept_line" | sed 's/^/  | /'
	grep -F "[warn]" "$T/error.log" | grep -qF "$kept_line" &&
		ok "keep: the error log names the kept version (FILE:LINE:COL)" ||
		bad "keep: no INGROUTE_D_KEPT line in the error log"
	r=$(req keep.test /v1/x)
	[ "$r" = "200 e2e/v1:80 path" ] && ok "keep: after the invalid edit keep.test/v1/x -> e2e/v1:80" || bad "keep: after the invalid edit keep.test/v1/x -> '$r'"
	r=$(req keep.test /v2)
	[ "${r%% *}" = 404 ] && ok "keep: the invalid version is not applied (keep.test/v2 -> 404)" || bad "keep: keep.test/v2 -> '$r'"
	r=$(req other.keep.test /)
	[ "${r%% *}" = 404 ] && ok "keep: the deleted file's Ingress is gone" || bad "keep: other.keep.test -> '$r'"

	# Other directives (a fresh ruleset) in a configuration that then fails
	# after the module ran (an unknown variable is found at the end of the
	# http block): the kept version must survive it.
	printf '%s\n' "$keep_conf ingroute_default_namespace e2e;" \
		'add_header X-E2E $e2e_no_such_variable;' >"$T/ingroute.conf"
	before=$(workers)
	kill -HUP "$ngx_pid"
	if wait_log 'unknown "e2e_no_such_variable" variable' &&
	   grep -qF "ingroute: the manifests, class, namespace or limits changed" "$T/error.log"; then
		ok "keep: a reload with other directives ran the module, then failed"
	else
		bad "keep: the failing reload did not fail as planned"
	fi
	sleep 0.5
	[ "$(workers)" = "$before" ] && ok "keep: the failed reload left the workers" || bad "keep: the workers changed: '$before' -> '$(workers)'"
	echo "$keep_conf" >"$T/ingroute.conf"
	before=$(workers)
	n=$(grep -cF "$kept_line" "$T/error.log")
	if ngx -s reload >>"$T/nginx.out" 2>&1 && wait_reloaded "$before"; then
		r=$(req keep.test /v1/x)
		[ "$r" = "200 e2e/v1:80 path" ] && [ "$(grep -cF "$kept_line" "$T/error.log")" -gt "$n" ] &&
			ok "keep: after the failed reload, the kept version still serves" ||
			bad "keep: after the failed reload keep.test/v1/x -> '$r'"
	else
		bad "keep: nginx -s reload after the failed one"
	fi

	# Fixed: the new version applies.
	keep_ingress /v2 v2 >"$T/m4/keep.yaml"
	before=$(workers)
	if ngx -s reload >>"$T/nginx.out" 2>&1 && wait_reloaded "$before"; then
		r=$(req keep.test /v2)
		[ "$r" = "200 e2e/v2:80 path" ] && ok "keep: fixed, keep.test/v2 -> e2e/v2:80" || bad "keep: fixed, keep.test/v2 -> '$r'"
		r=$(req keep.test /v1/x)
		[ "${r%% *}" = 404 ] && ok "keep: fixed, the old route is gone" || bad "keep: fixed, keep.test/v1/x -> '$r'"
	else
		bad "keep: nginx -s reload with the fix"
	fi
	stop_nginx
else
	bad "nginx with $T/m4 did not start"
fi

# ---------------------------------------------------------------- limits
echo "== load limits (ingroute_max_*)"
mkdir -p "$T/m5"
keep_ingress /v1 v1 >"$T/m5/keep.yaml"
# One alias, and two objects that are not Ingresses (a note each).
cat >"$T/m5/more.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: aliased, namespace: e2e}
spec:
  rules:
  - host: a.limits.test
    http:
      paths: &paths
      - {path: /, pathType: Prefix, backend: {service: {name: v3, port: {number: 80}}}}
  - host: b.limits.test
    http:
      paths: *paths
---
apiVersion: v1
kind: ConfigMap
metadata: {name: one, namespace: e2e}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: two, namespace: e2e}
EOF
# past 1 KiB, for a limit written "1k"
printf '# padding\n%.0s' $(seq 120) >>"$T/m5/more.yaml"
limits_conf="ingroute_manifests $T/m5; ingroute_strict off;"
t_limit() { # DIRECTIVES WANT_STATUS FIXED_STRING
	local out rc
	echo "$limits_conf $1" >"$T/ingroute.conf"
	out=$(ngx -t 2>&1); rc=$?
	if [ "$rc" -eq "$2" ] && echo "$out" | grep -qF -- "$3"; then
		ok "limits: nginx -t with '$1' (exit $rc)"
	else
		echo "$out" | sed 's/^/  | /'
		bad "limits: nginx -t with '$1' (exit $rc, want $2 and '$3')"
	fi
}
in_conf="in $T/ingroute.conf:1"
t_limit "" 0 "test is successful"
t_limit "ingroute_max_nodes 20;" 1 "input exceeds the limit of 20 nodes in a document $in_conf"
t_limit "ingroute_max_input_bytes 100;" 1 "exceeds the limit of 100 bytes $in_conf"
t_limit "ingroute_max_input_bytes 1k;" 1 "exceeds the limit of 1024 bytes $in_conf"
t_limit "ingroute_max_depth 3;" 1 "input exceeds the limit of 3 levels of nesting $in_conf"
t_limit "ingroute_max_scalar_bytes 5;" 1 "input exceeds the limit of 5 bytes in a scalar $in_conf"
t_limit "ingroute_max_alias_nodes 3;" 1 "input exceeds the limit of 3 nodes reached through aliases $in_conf"
t_limit "ingroute_max_alias_bytes 10;" 1 "input exceeds the limit of 10 bytes reached through aliases $in_conf"
t_limit "ingroute_max_diagnostics 1;" 0 "too many diagnostics; the rest are counted, not kept $in_conf"
t_limit "ingroute_max_input_bytes 2g; ingroute_max_alias_bytes 64m; ingroute_max_scalar_bytes 512k; ingroute_max_depth 100; ingroute_max_nodes 10000000; ingroute_max_alias_nodes 200000; ingroute_max_diagnostics 50;" 0 "test is successful"
t_limit "ingroute_max_nodes 0;" 1 "invalid value \"0\" in \"ingroute_max_nodes\" directive, it must be at least 1 $in_conf"
t_limit "ingroute_max_scalar_bytes 0k;" 1 "invalid value \"0k\" in \"ingroute_max_scalar_bytes\" directive, it must be at least 1 $in_conf"
t_limit "ingroute_max_depth -1;" 1 "\"ingroute_max_depth\" directive invalid number $in_conf"
t_limit "ingroute_max_alias_nodes 1k;" 1 "\"ingroute_max_alias_nodes\" directive invalid number $in_conf"
t_limit "ingroute_max_input_bytes 1t;" 1 "\"ingroute_max_input_bytes\" directive invalid value $in_conf"
t_limit "ingroute_max_input_bytes -1;" 1 "\"ingroute_max_input_bytes\" directive invalid value $in_conf"
# Options the library refuses, in its words, under the directive.
t_limit "ingroute_default_backend e2e/Web:80;" 1 "ingroute_default_backend: Invalid value: \"e2e/Web:80\": service: a lowercase RFC 1123 label must consist of"
t_limit "ingroute_default_namespace Team_A;" 1 "ingroute_default_namespace: Invalid value: \"Team_A\": a lowercase RFC 1123 label must consist of"

count_log() { grep -cF -- "$1" "$T/error.log"; }
changed="ingroute: the manifests, class, namespace or limits changed"
echo "$limits_conf" >"$T/ingroute.conf"
if start_nginx; then
	r=$(req keep.test /v1/x)
	[ "$r" = "200 e2e/v1:80 path" ] && ok "limits: keep.test/v1/x -> e2e/v1:80" || bad "limits: keep.test/v1/x -> '$r'"

	# A reload that hits a limit is refused; the routing stays.
	echo "$limits_conf ingroute_max_nodes 20;" >"$T/ingroute.conf"
	before=$(workers)
	n=$(count_log "limit of 20 nodes in a document")
	kill -HUP "$ngx_pid"
	for i in $(seq 100); do
		[ "$(count_log "limit of 20 nodes in a document")" -gt "$n" ] && break
		sleep 0.1
	done
	sleep 0.5
	if [ "$(count_log "limit of 20 nodes in a document")" -gt "$n" ] &&
	   [ "$(workers)" = "$before" ]; then
		ok "limits: a reload over ingroute_max_nodes is refused and logged"
	else
		bad "limits: the reload over ingroute_max_nodes was not refused"
	fi
	r=$(req keep.test /v1/x)
	[ "$r" = "200 e2e/v1:80 path" ] && ok "limits: after the refused reload keep.test/v1/x -> e2e/v1:80" || bad "limits: after the refused reload keep.test/v1/x -> '$r'"

	# An invalid edit: the version before keeps serving...
	keep_ingress v2 v2 >"$T/m5/keep.yaml"
	echo "$limits_conf" >"$T/ingroute.conf"
	before=$(workers)
	if ngx -s reload >>"$T/nginx.out" 2>&1 && wait_reloaded "$before"; then
		r=$(req keep.test /v1/x)
		[ "$r" = "200 e2e/v1:80 path" ] && ok "limits: an invalid edit keeps keep.test/v1/x" || bad "limits: after the invalid edit keep.test/v1/x -> '$r'"
	else
		bad "limits: nginx -s reload with the invalid edit"
	fi
	# ...until a limit changes: a fresh ruleset has no earlier version.
	echo "$limits_conf ingroute_max_nodes 100000;" >"$T/ingroute.conf"
	n=$(count_log "$changed")
	before=$(workers)
	if ngx -s reload >>"$T/nginx.out" 2>&1 && wait_reloaded "$before"; then
		r=$(req keep.test /v1/x)
		if [ "${r%% *}" = 404 ] && [ "$(count_log "$changed")" -gt "$n" ]; then
			ok "limits: a changed ingroute_max_nodes starts afresh (keep.test/v1/x -> 404)"
		else
			bad "limits: after changing ingroute_max_nodes keep.test/v1/x -> '$r'"
		fi
		r=$(req b.limits.test /)
		[ "$r" = "200 e2e/v3:80 path" ] && ok "limits: b.limits.test -> e2e/v3:80 (through the alias)" || bad "limits: b.limits.test -> '$r'"
	else
		bad "limits: nginx -s reload with a changed limit"
	fi
	stop_nginx
else
	bad "nginx with $T/m5 did not start"
fi

echo "== nginx error log (warnings and worse):"
grep -E '\[(warn|error|crit|alert|emerg)\]' "$T/error.log" 2>/dev/null | grep -v 'bad.yaml\|invalid object\|keep.yaml\|e2e_no_such_variable\|exceeds\|cannot load' | head -n 20 | sed 's/^/  /'
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
