#!/usr/bin/env bash
# Builds kube-apiserver and kubectl from the Kubernetes source pinned in
# go.mod into OUTDIR/bin, for the end-to-end tests of bindings/go/kube,
# and apiserver-diff, the differential test of ingroute's validation
# against the same release's API server code (docs/validation.md):
#
#   tests/kube/build.sh OUTDIR
#   INGROUTE_KUBE_BIN=OUTDIR/bin go test ./...   (in bindings/go/kube)
#   OUTDIR/bin/apiserver-diff -ingroute build/tools/ingroute
#
# Release binaries cannot be downloaded where these tests run, so the
# server and client are compiled here; only the Go module proxy is needed.
# GOMODCACHE and GOCACHE are used when set (CI shares them with the other
# Go modules of a run); otherwise they live in OUTDIR/go so that a clean
# of OUTDIR removes everything this script made. A cold build takes about
# six minutes on two cores, so an up-to-date pair is not rebuilt.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1/bin"
out="$(cd "$1" && pwd)"
bin="$out/bin"

export GOMODCACHE="${GOMODCACHE:-$out/go/mod}"
export GOCACHE="${GOCACHE:-$out/go/cache}"
if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
	export PATH="$PATH:/usr/local/go/bin"
fi

cmds=(kube-apiserver kubectl apiserver-diff)
inputs=(go.mod go.sum build.sh)
for c in "${cmds[@]}"; do
	for f in "$here/cmd/$c"/*.go; do
		inputs+=("${f#"$here/"}")
	done
done

up_to_date() {
	local c f
	for c in "${cmds[@]}"; do
		[ -x "$bin/$c" ] || return 1
		for f in "${inputs[@]}"; do
			[ "$bin/$c" -nt "$here/$f" ] || return 1
		done
	done
}

if up_to_date; then
	echo "kube: kube-apiserver, kubectl and apiserver-diff in $bin are up to date"
	exit 0
fi

start=$SECONDS
cd "$here"

# The version is stamped from go.mod so that bumping the require is the
# only edit an upgrade needs. An unstamped build reports v0.0.0-master,
# which kubectl cannot compare with its own version and which the API
# server's compatibility-version checks reject.
version="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"
if [[ ! "$version" =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]]; then
	echo "kube: unexpected k8s.io/kubernetes version '$version' in go.mod" >&2
	exit 1
fi
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitVersion=$version"
	ldflags+=" -X $pkg.gitMajor=${BASH_REMATCH[1]}"
	ldflags+=" -X $pkg.gitMinor=${BASH_REMATCH[2]}"
	ldflags+=" -X $pkg.gitTreeState=clean"
done

# Into a scratch directory first: an interrupted link must not leave a
# binary that is newer than its inputs and so looks up to date next time.
tmp="$(mktemp -d "$bin/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# Static like the upstream release binaries (CGO_ENABLED=0), and
# independent of the checkout they were built in (-trimpath, no VCS
# stamp). -mod=readonly: go.sum is the record of what was verified.
CGO_ENABLED=0 go build -trimpath -buildvcs=false -mod=readonly \
	-ldflags "$ldflags" -o "$tmp/" \
	./cmd/kube-apiserver ./cmd/kubectl ./cmd/apiserver-diff
for c in "${cmds[@]}"; do
	mv -f "$tmp/$c" "$bin/$c"
done

elapsed=$((SECONDS - start))
printf 'kube: built kube-apiserver, kubectl and apiserver-diff %s into %s in %dm%02ds\n' \
	"$version" "$bin" $((elapsed / 60)) $((elapsed % 60))
