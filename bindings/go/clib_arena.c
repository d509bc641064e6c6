//go:build cgo && !ingroute_system

/* lib/arena.c, compiled into this package (clib.go). */
#include "../../lib/arena.c"
