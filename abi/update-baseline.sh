#!/bin/sh
# Regenerates abi/libingroute.so.1.abi from a build of this tree, for the
# commit that adds to the API (abi/POLICY.md). The build must have debug
# info (meson's default buildtypes debug and debugoptimized do).
#
#   meson setup build-abi --buildtype=debug && meson compile -C build-abi
#   abi/update-baseline.sh build-abi
#
# The flags keep the file small and independent of where the tree and the
# build directory live: only exported interfaces and the types of the
# public header, file names without directories. Locations must stay in
# (--short-locs, not --no-show-locs): without them abidiff --headers-dir2
# takes every baseline type for a private one and reports nothing.
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/.." && pwd)
lib="$1/lib/libingroute.so.1"
if [ ! -e "$lib" ]; then
	echo "$0: $lib not found; build first" >&2
	exit 1
fi
abidw --no-corpus-path --no-comp-dir-path --short-locs --no-elf-needed \
	--no-parameter-names --type-id-style hash \
	--headers-dir "$top/include" --drop-private-types \
	--exported-interfaces-only \
	--out-file "$top/abi/libingroute.so.1.abi" "$lib"
echo "wrote $top/abi/libingroute.so.1.abi"
