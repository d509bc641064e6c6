//go:build cgo && !ingroute_system

/* lib/validate.c, compiled into this package (clib.go). */
#include "../../lib/validate.c"
