//go:build cgo && !ingroute_system

/* lib/keyset.c, compiled into this package (clib.go). */
#include "../../lib/keyset.c"
