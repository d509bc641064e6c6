package testcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// proc is a started child process whose output goes to a log file.
type proc struct {
	name    string
	cmd     *exec.Cmd
	logPath string

	// done is closed once the process has exited and been reaped;
	// waitErr is then how it exited.
	done    chan struct{}
	waitErr error
}

// startProc starts path with args in dir, appending its standard output
// and error to logPath, in a process group of its own that the kernel
// kills with the test process where it can (see setProcAttr).
func startProc(name, path string, args, env []string, dir, logPath string) (*proc, error) {
	// Appending keeps the log of an API server's earlier runs after a
	// restart, for a test that wants to see why it went down.
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	// The child has its own copy of the descriptor.
	defer log.Close()
	fmt.Fprintf(log, "==> %s: %s %q\n", time.Now().Format(time.RFC3339Nano), path, args)

	cmd := exec.Command(path, args...)
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = log, log
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop ends the process and everything in its process group: with
// SIGTERM first when grace is positive, then, after grace or at once,
// with SIGKILL. It returns once the process has been reaped.
func (p *proc) stop(grace time.Duration) {
	if grace > 0 && !p.exited() {
		if err := termGroup(p.cmd.Process); err == nil {
			select {
			case <-p.done:
			case <-time.After(grace):
			}
		}
	}
	// Even after the leader has exited, so that anything it started goes
	// too; killing a group that is already gone is harmless.
	if err := killGroup(p.cmd.Process); err != nil && !errors.Is(err, os.ErrProcessDone) {
		// Nothing else can be done; Wait below still reaps the leader.
		_ = p.cmd.Process.Kill()
	}
	<-p.done
}
