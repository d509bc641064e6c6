package testcluster

import "syscall"

// setDeathSignal has the kernel SIGKILL the child when its parent goes,
// so a test binary that is killed (go test -timeout, Ctrl-C, a crash)
// before Close leaves no etcd or API server running. Linux sends it when
// the thread that started the child exits rather than the process; the Go
// runtime only ends threads that a goroutine locked and never unlocked,
// which the package does not do.
func setDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
