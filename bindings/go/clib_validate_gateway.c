//go:build cgo && !ingroute_system

/* lib/validate-gateway.c, compiled into this package (clib.go). */
#include "../../lib/validate-gateway.c"
