//go:build cgo && !ingroute_system

/* lib/explain-gateway.c, compiled into this package (clib.go). */
#include "../../lib/explain-gateway.c"
