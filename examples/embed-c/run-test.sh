#!/usr/bin/env bash
# Installs a build into a staging directory, checks the installed layout,
# then builds embed.c against the INSTALLED copy, shared and static, with
# nothing but pkg-config, runs both and compares their output.
#
#   usage: run-test.sh BUILD_DIR SOURCE_DIR
#
# Registered as the meson test "abi install embed-c". Environment: CC
# (default cc), MESON (default meson). Exit 0 pass, 1 fail, 77 skipped (a
# sanitizer or coverage build, whose objects only link with the same
# instrumentation).
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
cc=${CC:-cc}
meson=${MESON:-meson}
fail() { echo "FAIL: $*" >&2; exit 1; }

# The build's configuration, from meson's introspection files.
eval "$(python3 - "$build/meson-info/intro-buildoptions.json" <<'PY'
import json, shlex, sys
opts = {o['name']: o['value'] for o in json.load(open(sys.argv[1]))}
for k in ('prefix', 'libdir', 'includedir', 'bindir', 'mandir',
          'default_library', 'b_sanitize', 'b_coverage'):
    print('%s=%s' % (k, shlex.quote(str(opts.get(k, '')))))
PY
)"
if [ "$b_sanitize" != none ] || [ "$b_coverage" = True ]; then
	echo "SKIP: b_sanitize=$b_sanitize b_coverage=$b_coverage: an" \
	     "instrumented library does not link into a plain program"
	exit 77
fi
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
case $includedir in /*) ;; *) includedir=$prefix/$includedir ;; esac
case $bindir in /*) ;; *) bindir=$prefix/$bindir ;; esac
case $mandir in /*) ;; *) mandir=$prefix/$mandir ;; esac

stage=$build/embed-c/stage
work=$build/embed-c/work
rm -rf "$build/embed-c"
mkdir -p "$work"

echo "== meson install --destdir $stage (prefix $prefix)"
"$meson" install -C "$build" --no-rebuild --quiet --destdir "$stage"

echo "== installed layout"
want=("$includedir/ingroute.h" "$libdir/pkgconfig/ingroute.pc"
	"$bindir/ingroute" "$mandir/man1/ingroute.1")
if [ "$default_library" != static ]; then
	want+=("$libdir/libingroute.so" "$libdir/libingroute.so.1")
fi
if [ "$default_library" != shared ]; then
	want+=("$libdir/libingroute.a")
fi
for f in "${want[@]}"; do
	[ -e "$stage$f" ] || fail "$f not installed"
	echo "ok $f"
done
cmp -s "$src/include/ingroute.h" "$stage$includedir/ingroute.h" ||
	fail "the installed ingroute.h differs from include/ingroute.h"
# One public header, and nothing but the library and its .pc in libdir:
# internal headers or the test-only static library must not leak.
extra=$(cd "$stage$includedir" && find . -mindepth 1 ! -name ingroute.h)
[ -z "$extra" ] || fail "unexpected files in $includedir: $extra"
extra=$(cd "$stage$libdir" && find . -mindepth 1 ! -name 'libingroute.*' \
	! -path ./pkgconfig ! -path ./pkgconfig/ingroute.pc)
[ -z "$extra" ] || fail "unexpected files in $libdir: $extra"
if [ "$default_library" != static ]; then
	soname=$(readelf -d "$stage$libdir/libingroute.so.1" |
		sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	[ "$soname" = libingroute.so.1 ] || fail "SONAME is '$soname'"
	[ "$(readlink "$stage$libdir/libingroute.so")" = libingroute.so.1 ] ||
		fail "libingroute.so does not point at libingroute.so.1"
	echo "ok SONAME $soname"
fi

# The installed .pc says prefix=/usr/local; PKG_CONFIG_SYSROOT_DIR puts the
# stage in front of its -I and -L. PKG_CONFIG_PATH comes before the system
# directories, so an ingroute.pc installed on this machine is not used.
export PKG_CONFIG_PATH="$stage$libdir/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$stage"
version=$(pkg-config --modversion ingroute)
cflags=$(pkg-config --cflags ingroute)
case $cflags in *"$stage"*) ;; *) fail "pkg-config --cflags: '$cflags' is not in the stage" ;; esac

expected="libingroute $version: 6 Ingresses, 1 errors: success
shop.example.com/cart/42 -> shop/cart:8080 (Ingress shop/storefront)
shop.example.com/cart/checkout -> shop/checkout:https (Ingress shop/storefront)
SHOP.example.com:8080/static/app.js -> resource shop/Bucket.storage.example.com/shop-assets (Ingress shop/storefront)
api.example.com/v3 -> default shop/api-gateway:8080 (Ingress shop/shop-api)
pr-481.preview.example.com/ -> platform/preview-router:80 (Ingress platform/previews)
admin.example.com/ -> default platform/not-found:80 (Ingress platform/default-backend)
tls pr-481.preview.example.com -> platform/preview-wildcard-tls"

check_output() { # NAME OUTPUT
	if [ "$2" != "$expected" ]; then
		echo "FAIL: $1 printed:" >&2
		diff <(echo "$expected") <(echo "$2") >&2 || true
		exit 1
	fi
	echo "ok $1: output as expected"
}

manifests=$src/examples/manifests
legs=0
if [ "$default_library" != static ]; then
	echo "== shared: $cc embed.c \$(pkg-config --cflags --libs ingroute)"
	# shellcheck disable=SC2046
	"$cc" -Wall -Wextra -Werror -o "$work/embed-shared" \
		"$src/examples/embed-c/embed.c" $(pkg-config --cflags --libs ingroute)
	export LD_LIBRARY_PATH="$stage$libdir"
	# The staged copy is the one loaded, not a build-tree or system one.
	# (Output captured first: with pipefail, grep -q closing the pipe early
	# would fail the pipeline through SIGPIPE.)
	deps=$(ldd "$work/embed-shared")
	case $deps in
	*"libingroute.so.1 => $stage$libdir/"*) ;;
	*) fail "embed-shared does not load the staged libingroute.so.1: $deps" ;;
	esac
	check_output embed-shared "$("$work/embed-shared" "$manifests" 2>/dev/null)"
	unset LD_LIBRARY_PATH
	legs=$((legs + 1))
fi
if [ "$default_library" != shared ]; then
	echo "== static: $cc embed.c \$(pkg-config --static --cflags --libs ingroute) -static"
	# shellcheck disable=SC2046
	"$cc" -Wall -Wextra -Werror -static -o "$work/embed-static" \
		"$src/examples/embed-c/embed.c" \
		$(pkg-config --static --cflags --libs ingroute) ||
		fail "static link with pkg-config --static failed (see the .pc's Requires.private/Libs.private)"
	needed=$(readelf -d "$work/embed-static" 2>/dev/null | grep NEEDED || true)
	[ -z "$needed" ] || fail "embed-static is not static: $needed"
	check_output embed-static "$("$work/embed-static" "$manifests" 2>/dev/null)"
	legs=$((legs + 1))
fi
echo "$legs passed"
