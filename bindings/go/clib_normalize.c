//go:build cgo && !ingroute_system

/* lib/normalize.c, compiled into this package (clib.go). */
#include "../../lib/normalize.c"
