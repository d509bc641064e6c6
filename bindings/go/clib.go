//go:build cgo && !ingroute_system

package ingroute

// By default the package compiles the C library itself, from the
// checkout it sits in: each clib_*.c file includes one source of ../../lib
// (TestEmbeddedSourcesAreTheLibrarys checks that they are exactly
// lib/meson.build's), so building needs a C compiler and libyaml's and
// PCRE2's headers (libyaml-dev, libpcre2-dev) and nothing installed. With xxhash.h absent, lib/hash.h hashes
// with a function of its own instead of XXH3. The ingroute_system build
// tag links the installed libingroute.so.1 instead (system.go).

/*
#cgo CFLAGS: -I${SRCDIR}/../../include -I${SRCDIR}/../../lib -fno-strict-aliasing -fvisibility=hidden
#cgo pkg-config: yaml-0.1 libpcre2-8
*/
import "C"
