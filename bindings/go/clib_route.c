//go:build cgo && !ingroute_system

/* lib/route.c, compiled into this package (clib.go). */
#include "../../lib/route.c"
