//go:build cgo && !ingroute_system

/* lib/buf.c, compiled into this package (clib.go). */
#include "../../lib/buf.c"
