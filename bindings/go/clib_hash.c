//go:build cgo && !ingroute_system

/* lib/hash.c, compiled into this package (clib.go). */
#include "../../lib/hash.c"
