//go:build cgo && !ingroute_system

/* lib/compile.c, compiled into this package (clib.go). */
#include "../../lib/compile.c"
