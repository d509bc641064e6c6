//go:build cgo && !ingroute_system

/* lib/version.c, compiled into this package (clib.go). */
#include "../../lib/version.c"
