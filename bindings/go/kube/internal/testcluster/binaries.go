package testcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Environment variables that locate the binaries and decide whether their
// absence skips or fails a test.
const (
	// EnvKubeBin names the directory holding kube-apiserver and kubectl,
	// the bin directory that tests/kube/build.sh fills.
	EnvKubeBin = "INGROUTE_KUBE_BIN"
	// EnvEtcd names the etcd binary; unset, etcd is looked up in PATH.
	EnvEtcd = "INGROUTE_ETCD"
	// EnvRequired set to 1 makes missing binaries a test failure rather
	// than a skip, so that CI cannot pass by running nothing.
	EnvRequired = "INGROUTE_E2E_REQUIRED"
)

type binaries struct {
	apiserver, kubectl, etcd string
}

func findBinaries() (binaries, error) {
	var b binaries
	dir := os.Getenv(EnvKubeBin)
	if dir == "" {
		return b, fmt.Errorf("testcluster: %s is not set; build kube-apiserver and kubectl with tests/kube/build.sh OUTDIR and set it to OUTDIR/bin", EnvKubeBin)
	}
	var err error
	if b.apiserver, err = executable(filepath.Join(dir, "kube-apiserver"), EnvKubeBin); err != nil {
		return b, err
	}
	if b.kubectl, err = executable(filepath.Join(dir, "kubectl"), EnvKubeBin); err != nil {
		return b, err
	}
	if path := os.Getenv(EnvEtcd); path != "" {
		b.etcd, err = executable(path, EnvEtcd)
	} else if b.etcd, err = exec.LookPath("etcd"); err != nil {
		err = fmt.Errorf("testcluster: no etcd in PATH and %s is not set (Debian: apt-get install etcd-server)", EnvEtcd)
	}
	return b, err
}

// executable returns path made absolute, so that the cluster's processes
// can run from its own directory, or says why it cannot be run.
func executable(path, from string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("testcluster: %s (from %s): %w", path, from, err)
	}
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("testcluster: %s (from %s) does not exist", abs, from)
	case err != nil:
		return "", fmt.Errorf("testcluster: %s (from %s): %w", abs, from, err)
	case info.IsDir() || info.Mode().Perm()&0o111 == 0:
		return "", fmt.Errorf("testcluster: %s (from %s) is not an executable file", abs, from)
	}
	return abs, nil
}

// Available reports whether Start can find its binaries and, if not,
// why, in words fit for a skipped test's message.
func Available() (reason string, ok bool) {
	if _, err := findBinaries(); err != nil {
		return err.Error(), false
	}
	return "", true
}

// Require skips the test when the binaries are missing, or fails it when
// INGROUTE_E2E_REQUIRED=1, where they are meant to be present.
func Require(t testing.TB) {
	t.Helper()
	reason, ok := Available()
	if ok {
		return
	}
	if os.Getenv(EnvRequired) == "1" {
		t.Fatalf("%s (and %s=1)", reason, EnvRequired)
	}
	t.Skip(reason)
}
