//go:build cgo && !ingroute_system

/* lib/alloc.c, compiled into this package (clib.go). */
#include "../../lib/alloc.c"
