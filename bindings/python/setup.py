"""Builds the wheel with the C library inside it.

The library's sources are lib/ and include/ of the ingroute checkout two
directories up. Building from the checkout copies them into csrc/ first
(so an sdist carries them); building from an sdist finds them there. They
are compiled into one shared object, ingroute/_libingroute.so, with
libyaml and PCRE2 linked in statically when their static libraries are
installed (libyaml-dev and libpcre2-dev have them), so the wheel needs
nothing but libc; the package
loads it with ctypes, unless INGROUTE_LIBRARY names another library.
The object uses no Python API, so the wheel is tagged py3-none-PLATFORM.
"""
import glob
import os
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.normpath(os.path.join(HERE, "..", ".."))
CSRC = os.path.join(HERE, "csrc")


def copy_sources():
    """lib/*.c, lib/*.h and include/ingroute.h into csrc/, from a checkout."""
    lib = os.path.join(CHECKOUT, "lib")
    if not os.path.isfile(os.path.join(lib, "meson.build")):
        if not os.path.isdir(CSRC):
            raise SystemExit("ingroute: neither ../../lib (a checkout) nor csrc/ (an sdist)")
        return
    shutil.rmtree(CSRC, ignore_errors=True)
    os.makedirs(os.path.join(CSRC, "lib"))
    os.makedirs(os.path.join(CSRC, "include"))
    for f in glob.glob(os.path.join(lib, "*.[ch]")):
        shutil.copy2(f, os.path.join(CSRC, "lib"))
    shutil.copy2(os.path.join(CHECKOUT, "include", "ingroute.h"),
                 os.path.join(CSRC, "include"))


def static_or_shared():
    """libyaml.a and libpcre2-8.a when installed (linked in), else -lyaml
    and -lpcre2-8."""
    objects, libraries = [], []
    for pc, name in (("yaml-0.1", "yaml"), ("libpcre2-8", "pcre2-8")):
        try:
            libdir = subprocess.run(["pkg-config", "--variable=libdir", pc],
                                    capture_output=True, text=True,
                                    check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            libdir = ""
        static = os.path.join(libdir, "lib%s.a" % name) if libdir else ""
        if static and os.path.isfile(static):
            objects.append(static)
        else:
            libraries.append(name)
    return {"extra_objects": objects, "libraries": libraries}


class BuildLibrary(build_ext):
    """A plain shared library, not an extension module: no PyInit, and the
    file is named _libingroute.so whatever the interpreter."""

    def get_ext_filename(self, fullname):
        return os.path.join(*fullname.split(".")) + ".so"

    def get_export_symbols(self, ext):
        return []


class PlatformWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", plat


copy_sources()
setup(
    ext_modules=[Extension(
        "ingroute._libingroute",
        sources=sorted(glob.glob(os.path.join("csrc", "lib", "*.c"))),
        include_dirs=[os.path.join("csrc", "include"), os.path.join("csrc", "lib")],
        extra_compile_args=["-std=gnu11", "-O2", "-fvisibility=hidden",
                            "-fno-strict-aliasing"],
        extra_link_args=["-Wl,--exclude-libs,ALL"],
        **static_or_shared(),
    )],
    cmdclass={"build_ext": BuildLibrary, "bdist_wheel": PlatformWheel},
)
