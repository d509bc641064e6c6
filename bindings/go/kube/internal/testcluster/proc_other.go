//go:build !unix

package testcluster

import (
	"os"
	"os/exec"
)

// Without process groups only the process itself can be signalled, and
// it can only be killed.

func setProcAttr(*exec.Cmd) {}

func termGroup(p *os.Process) error { return p.Kill() }

func killGroup(p *os.Process) error { return p.Kill() }
