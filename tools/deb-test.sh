#!/usr/bin/env bash
# Builds the Debian packages of debian/ from this checkout, checks them
# with lintian, then installs them with apt into a fresh Debian root
# (debootstrap, as root) that holds nothing else of ingroute, and tries
# them there as a user would:
#
# - the ingroute tool routes a request through the example manifests;
# - a C program builds with pkg-config against libingroute-dev and runs;
# - the nginx module is enabled the Debian way (modules-enabled), nginx -t
#   loads it, and nginx routes a request on 127.0.0.1 by the manifests.
#
#   usage: tools/deb-test.sh OUTDIR
#
# OUTDIR receives the .debs, the build log and the root (OUTDIR/root,
# remade each run; the bootstrapped base is kept as OUTDIR/base.tar to
# save the download next time). Needs: dpkg-dev, debhelper, the build
# dependencies of debian/control, lintian, debootstrap; apt's sources are
# this machine's (/etc/apt/sources.list.d/debian.sources or sources.list).
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
fail() { echo "deb-test: $*" >&2; exit 1; }

echo "== dpkg-buildpackage (log: $out/build.log)"
rm -rf "$out/src" "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mkdir -p "$out/src"
# The checkout as git has it, without build directories.
(cd "$src" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 cp --parents -t "$out/src")
(cd "$out/src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; fail "dpkg-buildpackage failed"; }
ls "$out"/*.deb

echo "== lintian"
lintian --fail-on error,warning "$out"/*.changes

echo "== a fresh root"
sources=/etc/apt/sources.list.d/debian.sources
if [ -f "$sources" ]; then
	mirror=$(sed -n 's/^URIs: *//p' "$sources" | head -n1)
else
	sources=/etc/apt/sources.list
	mirror=$(awk '$1 == "deb" { print $2; exit }' "$sources")
fi
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
[ -n "$mirror" ] && [ -n "$suite" ] || fail "no Debian mirror in $sources"
root=$out/root
rm -rf "$root"
if [ ! -f "$out/base.tar" ]; then
	debootstrap --variant=minbase "$suite" "$out/base" "$mirror" \
		>"$out/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$out/debootstrap.log" >&2; fail "debootstrap failed"; }
	tar -C "$out/base" -cf "$out/base.tar" .
	rm -rf "$out/base"
fi
mkdir -p "$root"
tar -C "$root" -xf "$out/base.tar"
rm -f "$root/etc/apt/sources.list"
cp "$sources" "$root$sources"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mkdir -p "$root/tmp/debs" "$root/tmp/manifests"
cp "$out"/ingroute_*.deb "$out"/libingroute1_*.deb "$out"/libingroute-dev_*.deb \
	"$out"/libnginx-mod-http-ingroute_*.deb "$root/tmp/debs/"
cp "$src"/examples/manifests/* "$root/tmp/manifests/"
mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true' EXIT
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive "$@"; }

echo "== apt-get install the packages (and gcc and pkgconf for the pkg-config build)"
in_root apt-get update -qq
in_root sh -c 'apt-get install -y -qq --no-install-recommends /tmp/debs/*.deb gcc libc6-dev pkgconf nginx-core' \
	>"$out/install.log" 2>&1 || { tail -n 30 "$out/install.log" >&2; fail "apt-get install failed"; }

echo "== the tool"
got=$(in_root ingroute match -q --class public -f /tmp/manifests https://shop.example.com/cart/42)
[ "$got" = "https://shop.example.com/cart/42 -> shop/cart:8080 (Ingress shop/storefront, shop.example.com Prefix /cart)" ] ||
	fail "ingroute match: $got"
in_root ingroute --version
[ -f "$root/usr/share/bash-completion/completions/ingroute" ] || fail "no bash completion"
in_root man -w ingroute >/dev/null 2>&1 || [ -f "$root/usr/share/man/man1/ingroute.1.gz" ] ||
	fail "no man page"

echo "== a pkg-config build"
cat >"$root/tmp/demo.c" <<'EOF'
#include <stdio.h>
#include <ingroute.h>

int main(void)
{
	ingroute_options o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs;
	ingroute_router *r;
	ingroute_match m;

	if (ingroute_ruleset_new(&rs, &o) || ingroute_ruleset_load_path(rs, "/tmp/manifests", NULL) ||
	    ingroute_router_compile(&r, rs, NULL))
		return 1;
	m.size = sizeof(m);
	ingroute_router_match(r, "api.example.com", 15, "/v2/orders/17", 13, &m);
	printf("%s/%s:%d\n", m.backend_ns, m.service, m.port_number);
	ingroute_router_unref(r);
	ingroute_ruleset_free(rs);
	return 0;
}
EOF
in_root sh -c 'gcc /tmp/demo.c $(pkg-config --cflags --libs ingroute) -o /tmp/demo && /tmp/demo' >"$out/demo.out" ||
	fail "the pkg-config build failed"
[ "$(cat "$out/demo.out")" = "shop/orders:9000" ] || fail "demo: $(cat "$out/demo.out")"
echo "ok $(cat "$out/demo.out")"

echo "== nginx with the module"
[ -L "$root/etc/nginx/modules-enabled/50-mod-http-ingroute.conf" ] ||
	fail "the module is not in /etc/nginx/modules-enabled"
port=$((20000 + RANDOM % 20000))
cat >"$root/tmp/ingroute-site.conf" <<EOF
ingroute_manifests /tmp/manifests;
ingroute_class public;
ingroute_strict off;
server {
	listen 127.0.0.1:$port;
	location / {
		return 200 "\$ingroute_decision \$ingroute_backend\n";
	}
}
EOF
# Debian's nginx.conf (with its modules-enabled include), and this site.
sed -i 's|include /etc/nginx/sites-enabled/\*;|include /tmp/ingroute-site.conf;|' \
	"$root/etc/nginx/nginx.conf"
in_root nginx -t 2>&1 | tee "$out/nginx-t.log" | tail -n 2
grep -q "test is successful" "$out/nginx-t.log" || fail "nginx -t failed"
in_root nginx
trap 'in_root nginx -s stop 2>/dev/null || true; umount "$root/proc" 2>/dev/null || true' EXIT
reply=""
for _ in $(seq 50); do
	if reply=$(exec 3<>"/dev/tcp/127.0.0.1/$port" &&
		printf 'GET /cart/42 HTTP/1.0\r\nHost: shop.example.com\r\n\r\n' >&3 &&
		cat <&3); then
		break
	fi
	sleep 0.1
done
echo "$reply" | tail -n 1
echo "$reply" | grep -q '^path shop/cart:8080' || fail "nginx answered: $reply"
echo "deb-test: ok"
