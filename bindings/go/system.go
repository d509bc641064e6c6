//go:build cgo && ingroute_system

package ingroute

// With the ingroute_system build tag the package links the installed
// library, found by pkg-config (go build -tags ingroute_system).

// #cgo pkg-config: ingroute
import "C"
