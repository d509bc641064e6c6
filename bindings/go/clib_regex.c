//go:build cgo && !ingroute_system

/* lib/regex.c, compiled into this package (clib.go). */
#include "../../lib/regex.c"
