//go:build cgo && !ingroute_system

/* lib/model.c, compiled into this package (clib.go). */
#include "../../lib/model.c"
