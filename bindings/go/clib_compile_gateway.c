//go:build cgo && !ingroute_system

/* lib/compile-gateway.c, compiled into this package (clib.go). */
#include "../../lib/compile-gateway.c"
