//go:build cgo && !ingroute_system

/* lib/decode-gateway.c, compiled into this package (clib.go). */
#include "../../lib/decode-gateway.c"
