//go:build cgo && !ingroute_system

/* lib/decode-walk.c, compiled into this package (clib.go). */
#include "../../lib/decode-walk.c"
