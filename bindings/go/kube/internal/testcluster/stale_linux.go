package testcluster

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A test binary that dies before Close (a -timeout panic, SIGKILL) takes
// its etcd and API server with it, through the death signal, but leaves
// their directory, over 100 MB with etcd's preallocated WAL. Each cluster
// records its owner's pid, and Start removes the directories of owners
// that no longer exist. Only on Linux, where the death signal guarantees
// that no process is still using such a directory.

func markOwner(dir string) error {
	return os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
}

func removeStale(parent string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, dirPattern))
	for _, dir := range dirs {
		// A directory without an owner is being made, or is not ours.
		data, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 0 {
			continue
		}
		// A reused pid only keeps a stale directory a while longer.
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			_ = os.RemoveAll(dir)
		}
	}
}
