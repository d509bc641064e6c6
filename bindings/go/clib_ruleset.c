//go:build cgo && !ingroute_system

/* lib/ruleset.c, compiled into this package (clib.go). */
#include "../../lib/ruleset.c"
