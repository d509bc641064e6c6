#!/usr/bin/env bash
# nginx + ngx_http_ingroute_module against nginx with the equivalent
# hand-written server/location configuration, with wrk, on loopback.
#
#   usage: bench.sh [BUILD_DIR [SECONDS]]   (defaults: <repo>/build, 10)
#
# For each workload of bench/ingroute-gen (W1: 1,000 paths on 100 hosts;
# W2: 100,000 paths on 10,000 hosts; 10 % wildcard hosts, 40 % Exact, a
# global default backend), in the same run:
#
#   hand-written  `ingroute dump --json` turned into a server block per host
#                 (server_name HOST or *.DOMAIN), "location = /p" per Exact
#                 path, "location /p/" + "location = /p" per Prefix path,
#                 "location /" for the default backend, a default_server
#   ingroute      one server, one location: 404 when $ingroute_decision is
#                 none, else proxy_pass http://$ingroute_upstream (the
#                 upstream map sends every Service, "*", to the backend)
#
# Each in two modes: "proxy", through the same upstream{} block with
# keepalive to one static backend (a second nginx answering 200 "ok"), and
# "return", nginx answering 200 itself (hand-written: return 200 in each
# location; ingroute: return 200 "$ingroute_backend"), which leaves the
# routing as most of the work. One worker per nginx; "X-Route:
# NS/SERVICE:PORT" added to each answer. wrk: 1 thread, 32 connections,
# SECONDS each, a Lua script cycling through the workload's trace (Host +
# path, hits and misses, never one repeated key). Before measuring, the
# first 1,000 trace lines are sent to both front ends and their X-Route
# answers compared (the "agree" column; nginx's *.DOMAIN also matches
# deeper names, Ingress wildcards one label only).
#
# Needs: nginx nginx-dev wrk python3 procps. Prints a markdown table last.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
secs=${2:-10}
helper="python3 $here/e2e_helper.py"
conns=32

for tool in nginx wrk python3; do
	command -v "$tool" >/dev/null || { echo "bench: $tool not installed (apt-get install -y nginx nginx-dev wrk python3)" >&2; exit 1; }
done
[ -x "$build/bench/ingroute-gen" ] && [ -x "$build/tools/ingroute" ] ||
	{ echo "bench: no $build/bench/ingroute-gen or $build/tools/ingroute" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/ingroute-nginx-bench.XXXXXX")
chmod 755 "$T"
pids=()
stop_pid() { # PID: nginx master, QUIT then KILL, and its workers
	local p=$1 w i
	w=$(pgrep -P "$p" 2>/dev/null || true)
	kill -QUIT "$p" 2>/dev/null
	for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$p" $w 2>/dev/null
	wait "$p" 2>/dev/null
}
cleanup() {
	local p
	for p in "${pids[@]}"; do stop_pid "$p"; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
user_line=""
[ "$(id -u)" = 0 ] && user_line="user $(id -un) $(id -gn);"

common() { # NAME: the main-context lines
	cat <<EOF
$user_line
worker_processes 1;
daemon off;
master_process on;
pid $T/$1.pid;
error_log $T/$1.log warn;
events { worker_connections 1024; }
EOF
}
http_common() {
	cat <<EOF
    access_log off;
    client_body_temp_path $T/tmp/body;
    proxy_temp_path $T/tmp/proxy;
    fastcgi_temp_path $T/tmp/fastcgi;
    uwsgi_temp_path $T/tmp/uwsgi;
    scgi_temp_path $T/tmp/scgi;
    keepalive_requests 1000000;
EOF
}

# start_nginx NAME PORT: starts $T/NAME.conf, waits until PORT listens
# (bounded: 300 s, W2's hand-written configuration is slow to read).
# Sets started_in (seconds) and ngx_pid.
start_nginx() {
	local t0 i
	t0=$(date +%s.%N)
	nginx -p "$T/" -c "$T/$1.conf" >>"$T/$1.out" 2>&1 &
	ngx_pid=$!
	pids+=("$ngx_pid")
	for i in $(seq 3000); do
		if ! kill -0 "$ngx_pid" 2>/dev/null; then
			echo "bench: nginx $1 exited:" >&2; tail -n 20 "$T/$1.out" "$T/$1.log" >&2
			return 1
		fi
		if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2).close()' "$2" 2>/dev/null; then
			started_in=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN {printf "%.3f", a - b}')
			return 0
		fi
		sleep 0.1
	done
	echo "bench: nginx $1 does not listen" >&2
	return 1
}
stop_nginx() {
	stop_pid "$ngx_pid"
	local p rest=()
	for p in "${pids[@]}"; do [ "$p" != "$ngx_pid" ] && rest+=("$p"); done
	pids=("${rest[@]}")
}

echo "== build the module ($build)"
so=$(bash "$here/build.sh" "$build" | tail -n1) || { echo "bench: build.sh failed" >&2; exit 1; }
mkdir -p "$T/tmp"

# ------------------------------------------------------------- the backend
bport=$(free_port)
{
	common backend
	echo "http {"
	http_common
	echo "    server { listen 127.0.0.1:$bport; location / { return 200 \"ok\\n\"; } }"
	echo "}"
} >"$T/backend.conf"
start_nginx backend "$bport" || exit 1
backend_pid=$ngx_pid

upstream="    upstream backend { server 127.0.0.1:$bport; keepalive 64; }
    proxy_http_version 1.1;
    proxy_set_header Connection \"\";"

# ------------------------------------------------------------- the runs
rows=()
fport=$(free_port)
for w in "W1 1000 100" "W2 100000 10000"; do
	set -- $w
	name=$1 npaths=$2 nhosts=$3
	echo "== $name: $npaths paths, $nhosts hosts"
	(cd "$T" && "$build/bench/ingroute-gen" "$npaths" "$name" >/dev/null) || exit 1
	"$build/tools/ingroute" dump --json -q -f "$T/$name.yaml" >"$T/$name.dump.json" || exit 1
	cat >"$T/$name.lua" <<LUA
local lines = {}
for line in io.lines("$T/$name.trace") do
  local h, p = line:match("^(%S+)%s+(%S+)")
  if h then lines[#lines + 1] = wrk.format("GET", p, {["Host"] = h}) end
end
local i = 0
request = function()
  i = i % #lines + 1
  return lines[i]
end
LUA
	echo '* backend' >"$T/$name.map"

	for mode in proxy return; do
		$helper handconf "$T/$name.dump.json" backend "$T/$name-$mode.servers" $mode || exit 1
		sed -i "s/listen LISTEN/listen 127.0.0.1:$fport/" "$T/$name-$mode.servers"
		if [ $mode = proxy ]; then
			action='proxy_pass http://$ingroute_upstream;'
		else
			action='return 200 "$ingroute_backend\n";'
		fi
		{
			common "$name-$mode-hand"
			echo "http {"
			http_common
			echo "$upstream"
			echo "    server_names_hash_max_size 262144;"
			echo "    server_names_hash_bucket_size 128;"
			echo "    include $T/$name-$mode.servers;"
			echo "}"
		} >"$T/$name-$mode-hand.conf"
		{
			echo "load_module $so;"
			common "$name-$mode-ingroute"
			echo "http {"
			http_common
			echo "$upstream"
			echo "    ingroute_manifests $T/$name.yaml;"
			echo "    ingroute_upstream_map $T/$name.map;"
			echo "    server {"
			echo "        listen 127.0.0.1:$fport default_server;"
			echo "        location / {"
			echo '            add_header X-Route $ingroute_backend;'
			echo '            if ($ingroute_decision = none) { return 404; }'
			echo "            $action"
			echo "        }"
			echo "    }"
			echo "}"
		} >"$T/$name-$mode-ingroute.conf"

		for variant in hand ingroute; do
			conf=$name-$mode-$variant
			start_nginx "$conf" "$fport" || exit 1
			worker=$(pgrep -P "$ngx_pid" | head -n1)
			$helper routes "$fport" "$T/$name.trace" 1000 "$T/$conf.routes"
			echo "-- $conf: listening after ${started_in}s; wrk ${secs}s"
			wrk -t1 -c$conns -d"${secs}s" --latency -s "$T/$name.lua" "http://127.0.0.1:$fport/" >"$T/$conf.wrk" 2>&1
			rss=$(ps -o rss= -p "$worker" | awk '{printf "%.0f", $1 / 1024}')
			sed 's/^/   /' "$T/$conf.wrk"
			stop_nginx
			rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$T/$conf.wrk")
			lat=$(awk '$1 == "Latency" && NF >= 4 {print $2; exit}' "$T/$conf.wrk")
			p50=$(awk '$1 == "50%" {print $2}' "$T/$conf.wrk")
			p99=$(awk '$1 == "99%" {print $2}' "$T/$conf.wrk")
			total=$(awk '/requests in/ {print $1}' "$T/$conf.wrk")
			non2xx=$(awk '/Non-2xx/ {print $NF}' "$T/$conf.wrk")
			errs=$(awk '/Socket errors/ {print $0}' "$T/$conf.wrk")
			eval "rps_$variant=\$rps"
			if [ "$variant" = ingroute ]; then
				agreement=$($helper agree "$T/$name-$mode-hand.routes" "$T/$conf.routes")
				echo "$agreement" | sed 's/^/   /'
				agreed=$(echo "$agreement" | head -n1 | awk '{print $1 "/" $3}')
				label="ingroute module"
			else
				agreed="-"
				label="hand-written server/location"
			fi
			rows+=("| $name ($npaths paths, $nhosts hosts) | $mode | $label | ${rps:-0} | ${lat:--} | ${p50:--} | ${p99:--} | ${non2xx:-0} of $total | ${rss} MiB | ${started_in}s | $agreed |${errs:+ $errs}")
		done
		rows+=("| | $mode | ingroute / hand-written | $(python3 -c "print('%.2fx' % (${rps_ingroute:-0} / max(${rps_hand:-0}, 1)))") | | | | | | | |")
	done
done

echo
echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), wrk -t1 -c$conns -d${secs}s, one worker per nginx, $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| workload | answer | front end | requests/s | latency avg | p50 | p99 | non-2xx | worker RSS after | config load | agree (1,000 trace lines) |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
