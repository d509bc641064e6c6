//go:build cgo && !ingroute_system

/* lib/decode.c, compiled into this package (clib.go). */
#include "../../lib/decode.c"
