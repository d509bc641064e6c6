//go:build cgo && !ingroute_system

/* lib/compile-index.c, compiled into this package (clib.go). */
#include "../../lib/compile-index.c"
