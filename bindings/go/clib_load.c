//go:build cgo && !ingroute_system

/* lib/load.c, compiled into this package (clib.go). */
#include "../../lib/load.c"
