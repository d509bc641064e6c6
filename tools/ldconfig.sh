#!/bin/sh
# Run by `meson install` (meson.add_install_script): refreshes the runtime
# linker's cache so that programs find libingroute.so.1 at once, as a
# distribution package's postinst would. Meson 1.0 does not do this
# itself. A staged install (DESTDIR) leaves it to whoever installs the
# stage; a user without root is told what to run.
#
#   usage: ldconfig.sh LIBDIR
libdir=$1
if [ -n "${DESTDIR:-}" ]; then
	exit 0
fi
ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
if [ ! -x "$ldconfig" ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "ingroute: run 'ldconfig' as root so that programs find libingroute.so.1 in $libdir" >&2
	exit 0
fi
"$ldconfig" || exit 0
# A prefix outside the linker's search path (/opt/ingroute) is not in the
# cache even now: say how to add it.
if ! "$ldconfig" -p | grep -q "libingroute.so.1 .*=> $libdir/"; then
	echo "ingroute: $libdir is not searched by the runtime linker; add it to" \
	     "/etc/ld.so.conf.d/ and run ldconfig, or set LD_LIBRARY_PATH" >&2
fi
exit 0
