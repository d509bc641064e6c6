//go:build cgo && !ingroute_system

/* lib/explain.c, compiled into this package (clib.go). */
#include "../../lib/explain.c"
