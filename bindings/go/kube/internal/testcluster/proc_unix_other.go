//go:build unix && !linux

package testcluster

import "syscall"

// setDeathSignal does nothing: only Linux can tie a child's life to its
// parent's, so elsewhere a killed test run may leave processes behind.
func setDeathSignal(*syscall.SysProcAttr) {}
