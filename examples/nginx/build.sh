#!/usr/bin/env bash
# Builds ngx_http_ingroute_module.so for the nginx installed from Debian's
# packages, the way Debian builds its own dynamic modules (debhelper's
# nginx_mod build system): nginx's ./configure from the nginx-dev package
# (/usr/share/nginx/src), run with the installed nginx's configure flags
# (conf_flags, which include --with-compat) and --add-dynamic-module, then
# `make modules`. The module's signature therefore matches /usr/sbin/nginx.
#
#   usage: build.sh INGROUTE [OUTDIR]
#
#   INGROUTE  a meson build directory of ingroute (has meson-info/), or an
#             installed prefix (has include/ingroute.h and lib/.../libingroute.*;
#             a `meson install --destdir STAGE` stage plus its prefix works,
#             e.g. STAGE/usr/local)
#   OUTDIR    where to build [INGROUTE/nginx-module for a build directory,
#             ./nginx-module otherwise]; the module ends up in
#             OUTDIR/ngx_http_ingroute_module.so, whose path is the last
#             line printed
#
# Environment: INGROUTE_LINK=static (default) links libingroute.a and
# libyaml.a into the module with their symbols hidden (-Wl,--exclude-libs),
# so nginx needs nothing else at run time; INGROUTE_LINK=shared links
# libingroute.so.1 with an rpath to INGROUTE's library directory;
# INGROUTE_LINK=system links it with no rpath, for a package that depends
# on the library's package (debian/rules).
#
# Needs: nginx, nginx-dev (brings gcc's inputs: libpcre2-dev, libssl-dev,
# zlib1g-dev, dpkg-dev), make, gcc, libyaml-dev, libpcre2-dev.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	sed -n '9,19p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
ngx_src=/usr/share/nginx/src
link=${INGROUTE_LINK:-static}
die() { echo "build.sh: $*" >&2; exit 1; }

[ -f "$ngx_src/configure" ] && [ -f "$ngx_src/conf_flags" ] ||
	die "$ngx_src not found: apt-get install -y nginx nginx-dev"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] ||
	die "nginx not installed: apt-get install -y nginx nginx-dev"

in=$(cd "$1" && pwd)
if [ -d "$in/meson-info" ]; then
	# A build directory: the header is in the source tree.
	srcdir=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["directories"]["source"])' \
		"$in/meson-info/meson-info.json")
	incdir=$srcdir/include
	libdir=$in/lib
	out=${2:-$in/nginx-module}
else
	incdir=$in/include
	libdir=$(dirname "$(find "$in"/lib* -name 'libingroute.so.1' -o -name 'libingroute.a' 2>/dev/null | head -n1)")
	out=${2:-$PWD/nginx-module}
fi
[ -f "$incdir/ingroute.h" ] || die "no ingroute.h in $incdir"

case $link in
static)
	[ -f "$libdir/libingroute.a" ] ||
		die "no libingroute.a in $libdir (build with default_library=both or static)"
	# libingroute.a's objects are PIC (meson's b_staticpic). libyaml.a from
	# libyaml-dev and libpcre2-8.a from libpcre2-dev are too; xxHash is
	# inlined into the library (no symbol).
	yaml_a=$(pkg-config --variable=libdir yaml-0.1 2>/dev/null)/libyaml.a
	if [ -f "$yaml_a" ]; then yaml=$yaml_a; else yaml=-lyaml; fi
	pcre_a=$(pkg-config --variable=libdir libpcre2-8 2>/dev/null)/libpcre2-8.a
	if [ -f "$pcre_a" ]; then pcre=$pcre_a; else pcre=-lpcre2-8; fi
	libs="-Wl,--exclude-libs,ALL $libdir/libingroute.a $yaml $pcre"
	;;
shared)
	[ -f "$libdir/libingroute.so.1" ] || die "no libingroute.so.1 in $libdir"
	libs="-L$libdir -Wl,-rpath,$libdir -lingroute"
	;;
system)
	# as a distribution package links it: libingroute.so.1 found by the
	# runtime linker where the library package put it, no rpath
	[ -f "$libdir/libingroute.so.1" ] || die "no libingroute.so.1 in $libdir"
	libs="-L$libdir -lingroute"
	;;
*)
	die "INGROUTE_LINK must be static, shared or system"
	;;
esac

mkdir -p "$out"
out=$(cd "$out" && pwd)

# nginx's configure writes into its source tree: work on a copy.
flags() { dpkg-buildflags --get "$1" 2>/dev/null || true; }
cc_opt="$(flags CFLAGS) -fPIC $(flags CPPFLAGS)"
ld_opt="$(flags LDFLAGS) -fPIC"
stamp="$(nginx -v 2>&1) | $cc_opt | $ld_opt | $incdir | $libs | $here"
if [ ! -f "$out/nginx-src/objs/Makefile" ] ||
   [ "$(cat "$out/configure.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$out/nginx-src"
	cp -a "$ngx_src" "$out/nginx-src"
	echo "== configure (log: $out/configure.log)"
	(
		cd "$out/nginx-src"
		# shellcheck disable=SC1091
		. ./conf_flags
		INGROUTE_INCS=$incdir INGROUTE_LIBS=$libs ./configure \
			--with-cc-opt="$cc_opt" --with-ld-opt="$ld_opt" \
			"${NGX_CONF_FLAGS[@]}" \
			--add-dynamic-module="$here"
	) >"$out/configure.log" 2>&1 || { tail -n 30 "$out/configure.log" >&2; die "configure failed"; }
	echo "$stamp" >"$out/configure.stamp"
fi

echo "== make modules (log: $out/make.log)"
make -C "$out/nginx-src" -f objs/Makefile modules >"$out/make.log" 2>&1 ||
	{ tail -n 40 "$out/make.log" >&2; die "make failed"; }
cp "$out/nginx-src/objs/ngx_http_ingroute_module.so" "$out/"
so=$out/ngx_http_ingroute_module.so

# Debian's own check for a module: nginx -t with load_module.
tconf=$(mktemp "$out/test-XXXXXX.conf")
printf 'load_module %s;\nevents {}\nhttp { }\n' "$so" >"$tconf"
LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
nginx -q -t -p "$out" -c "$tconf" -g "error_log stderr; pid $out/test.pid;" ||
	{ rm -f "$tconf"; die "nginx -t does not load the module"; }
rm -f "$tconf" "$out/test.pid"

if [ "$link" = static ]; then
	if readelf -d "$so" | grep -q 'NEEDED.*libingroute'; then
		die "static link still needs libingroute.so"
	fi
fi
echo "== ok: $(readelf -d "$so" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
echo "$so"
