//go:build !cgo

package ingroute

// The package is a cgo binding of the C library and cannot be built
// without cgo; this line makes the build error say so.
var _ int = "ingroute needs cgo: CGO_ENABLED=1 and a C compiler"
