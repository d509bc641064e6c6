//go:build cgo && !ingroute_system

/* lib/compile-rules.c, compiled into this package (clib.go). */
#include "../../lib/compile-rules.c"
