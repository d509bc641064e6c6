//go:build cgo && !ingroute_system

/* lib/match.c, compiled into this package (clib.go). */
#include "../../lib/match.c"
