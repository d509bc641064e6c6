//go:build cgo && !ingroute_system

/* lib/diag.c, compiled into this package (clib.go). */
#include "../../lib/diag.c"
