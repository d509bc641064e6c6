//go:build cgo && !ingroute_system

/* lib/time.c, compiled into this package (clib.go). */
#include "../../lib/time.c"
