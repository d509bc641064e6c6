#!/bin/sh
# Instructions per lookup under callgrind, for a machine whose PMU is not
# exposed (ingroute-bench then prints no instruction counts of its own):
# `ingroute-bench --lookup-only WORKLOAD IMPL N` runs N lookups of one
# implementation and calls its lookup function nowhere else, so callgrind
# collecting that function alone (--toggle-collect) counts exactly them.
#
#   bench/instructions.sh [BUILD_DIR [WORKLOAD...]]
#
# BUILD_DIR defaults to build, the workloads to W1 W2 H1. Prints a
# markdown table: half a minute for W1, about eight minutes for W2, which
# valgrind loads once per implementation.
set -eu

build=${1:-build}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- W1 W2 H1
bench=$build/bench/ingroute-bench
out=$(mktemp "${TMPDIR:-/tmp}/ingroute-callgrind.XXXXXX")
trap 'rm -f "$out"' EXIT

impls="ingroute ingroute-raw scan floor linear r3"
printf '| workload | ingroute | ingroute, no normalising | per-host scan | floor | linear first-match | libr3 (one host'"'"'s Exact paths) |\n'
printf '|---|---:|---:|---:|---:|---:|---:|\n'
for w in "$@"; do
	printf '| %s |' "$w"
	for impl in $impls; do
		n=100000
		case $impl in
		ingroute*) fn=ingroute_router_match ;;
		scan) fn=scan_lookup ;;
		floor) fn=floor_lookup ;;
		# A linear lookup tries every route: 10^5 instructions at W2.
		linear) fn=linear_match; n=2000; [ "$w" = W2 ] && n=200 ;;
		r3) fn=r3_tree_matchl ;;
		esac
		if valgrind -q --tool=callgrind --callgrind-out-file="$out" \
		    --toggle-collect="$fn" "$bench" --lookup-only "$w" "$impl" "$n" \
		    2>/dev/null; then
			awk -v n="$n" '/^totals:/ { printf " %.0f |", $2 / n }' "$out"
		else
			printf ' - |'   # not built (libr3), or no such workload
		fi
	done
	printf '\n'
done
