//go:build cgo && !ingroute_system

/* lib/doc.c, compiled into this package (clib.go). */
#include "../../lib/doc.c"
