// Command ingroute-sync keeps a manifest file in step with a cluster, for
// consumers that read files (the nginx module): it watches Ingresses and
// IngressClasses through the API server, writes every IngressClass and
// the served Ingresses as one JSON List atomically (a temporary file in
// the same directory, fsync, rename), and then runs a reload command.
//
//	ingroute-sync -kubeconfig ~/.kube/config -class public \
//	    -out /etc/nginx/ingress/cluster.json -reload 'nginx -s reload'
//
// Each object is written in the version the library accepted last: an
// edit it refuses leaves the file's version as it was (docs/semantics.md
// §1.6). Writes happen at most once per -interval after changes, only when
// the content changed. The reload command runs after a write, at most once
// per -reload-interval: the writes in between are covered by its next
// run. A failed write or reload is retried after a delay that grows from
// a second to a minute while it keeps failing. -once writes the file once
// the cluster is listed, reloads, and exits; its exit status says whether
// both worked.
//
// Exit status: 0 after SIGINT or SIGTERM (or a successful -once), 1 on an
// error, 2 on a usage error.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"ingroute.dev/ingroute"
	"ingroute.dev/ingroute/kube"
)

// After a failure, the write or the reload is tried again after
// retryMin, then twice as long each time, up to retryMax: a reload
// command that cannot work (nginx is down) is then logged once a minute,
// not on every change.
const (
	retryMin = time.Second
	retryMax = time.Minute
)

// reloadTimeout bounds one run of the reload command; a hung command
// would otherwise stop every later write.
const reloadTimeout = time.Minute

type config struct {
	kubeconfig     string
	options        ingroute.Options
	namespace      string
	selector       string
	out            string
	reload         string
	interval       time.Duration
	reloadInterval time.Duration
	once           bool
}

// usageError is a command line that parseFlags refused; it has been
// reported, with the usage, on stderr already.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("ingroute-sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.kubeconfig, "kubeconfig", "", "kubeconfig file (default: in-cluster, else $KUBECONFIG or ~/.kube/config)")
	fs.StringVar(&c.options.Class, "class", "", "write only Ingresses of this IngressClass (and every IngressClass)")
	fs.BoolVar(&c.options.DefaultClass, "default-class", false, "the class is the cluster's default")
	fs.StringVar(&c.namespace, "namespace", "", "watch only this namespace's Ingresses")
	fs.StringVar(&c.selector, "selector", "", "watch only Ingresses with these labels")
	fs.StringVar(&c.out, "out", "", "the file to write (required)")
	fs.StringVar(&c.reload, "reload", "", "command run through /bin/sh after each write, e.g. 'nginx -s reload'")
	fs.DurationVar(&c.interval, "interval", 100*time.Millisecond, "least time between two writes while the cluster changes")
	fs.DurationVar(&c.reloadInterval, "reload-interval", time.Second, "least time between two runs of the reload command (0: none)")
	fs.BoolVar(&c.once, "once", false, "write once the cluster is listed, reload, and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, usageError{err} // fs.Parse printed it and the usage
	}
	var err error
	switch {
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case c.out == "":
		err = errors.New("-out FILE is required")
	case c.interval <= 0:
		// The Watcher would take it for its default and say nothing.
		err = fmt.Errorf("-interval %v: must be positive", c.interval)
	case c.reloadInterval < 0:
		err = fmt.Errorf("-reload-interval %v: must not be negative", c.reloadInterval)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		fs.Usage()
		return c, usageError{err}
	}
	return c, nil
}

// writeAtomic replaces path with data so that a reader sees the old file
// or the new one, never a part. The temporary file's name starts with a
// dot and does not end in .json or .yaml, so a reader of the whole
// directory (ingroute_manifests DIR) skips it.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename: no such file
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	// CreateTemp makes it 0600; the reader (nginx's master) may run as
	// another user.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is durable once the directory is synced. Readers see the
	// new file already, so a failure here is not worth failing the write
	// for: a crash would at worst bring back the previous, whole file.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// retryAfter is the delay before the next try after n failures in a row.
func retryAfter(n int) time.Duration {
	d := retryMin
	for i := 1; i < n && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}

// syncer turns swaps into writes and writes into reloads. Its methods are
// called from one goroutine.
type syncer struct {
	cfg        config
	log        *log.Logger
	manifests  func(io.Writer) error // Watcher.WriteManifests
	generation func() uint64         // Watcher.Generation, for the log

	written        []byte
	writeFailures  int       // in a row
	nextWrite      time.Time // no write before, after a failure
	pending        bool      // written, not yet reloaded successfully
	reloadFailures int       // in a row
	nextReload     time.Time // no reload before: the interval, or a retry
}

// step writes the file when its content changed and runs the reload
// command when a write waits for it and the interval allows. It returns
// how long to wait before stepping again for a write or reload that is
// due later (a retry, or a reload held back by the interval), or 0 when
// nothing is left to do until the next change.
func (s *syncer) step(ctx context.Context) time.Duration {
	now := time.Now()
	if now.Before(s.nextWrite) {
		return s.nextWrite.Sub(now)
	}
	var buf bytes.Buffer
	err := s.manifests(&buf)
	if err == nil && !bytes.Equal(buf.Bytes(), s.written) {
		if err = writeAtomic(s.cfg.out, buf.Bytes()); err == nil {
			s.written = buf.Bytes()
			s.pending = s.cfg.reload != ""
			s.log.Printf("wrote %s (%d bytes, generation %d)", s.cfg.out, buf.Len(), s.generation())
		}
	}
	if err != nil {
		// What was written before stays; so does a reload it still
		// waits for, which runs when the retry writes.
		s.writeFailures++
		wait := retryAfter(s.writeFailures)
		s.nextWrite = now.Add(wait)
		s.log.Printf("write %s: %v%s", s.cfg.out, err, s.retryNote(wait))
		return wait
	}
	s.writeFailures, s.nextWrite = 0, time.Time{}
	if !s.pending {
		return 0
	}
	if now.Before(s.nextReload) {
		return s.nextReload.Sub(now)
	}
	rctx, cancel := context.WithTimeout(ctx, reloadTimeout)
	defer cancel()
	cmd := exec.CommandContext(rctx, "/bin/sh", "-c", s.cfg.reload)
	// A command that leaves a child holding its output (a daemon it
	// started) must not hold the syncer too.
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.reloadFailures++
		wait := max(retryAfter(s.reloadFailures), s.cfg.reloadInterval)
		s.nextReload = time.Now().Add(wait)
		s.log.Printf("reload %q: %v: %s%s", s.cfg.reload, err, bytes.TrimSpace(out), s.retryNote(wait))
		return wait
	}
	s.pending, s.reloadFailures = false, 0
	// From the start of the run: the interval bounds how often the
	// consumer reloads, however long the command itself takes.
	s.nextReload = now.Add(s.cfg.reloadInterval)
	s.log.Printf("reloaded: %s", s.cfg.reload)
	return 0
}

// retryNote ends a failure's log line: when the next try comes, if one
// does (not with -once).
func (s *syncer) retryNote(wait time.Duration) string {
	if s.cfg.once {
		return ""
	}
	return fmt.Sprintf(" (next try in %v)", wait)
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := log.New(stderr, "ingroute-sync: ", log.LstdFlags)
	rc, err := kube.RESTConfig(cfg.kubeconfig)
	if err != nil {
		return err
	}
	swapped := make(chan struct{}, 1)
	w, err := kube.New(kube.Options{
		Config:        rc,
		Ruleset:       cfg.options,
		Namespace:     cfg.namespace,
		LabelSelector: cfg.selector,
		Interval:      cfg.interval,
		KeepManifests: true,
		OnSwap: func(kube.Swap) {
			select {
			case swapped <- struct{}{}:
			default:
			}
		},
		OnDiagnostics: func(ds []ingroute.Diagnostic) {
			for _, d := range ds {
				logger.Print(d)
			}
		},
	})
	if err != nil {
		return err
	}
	defer w.Close()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	defer func() {
		cancel()
		<-done
	}()
	if err := w.WaitReady(wctx); err != nil {
		if cfg.once {
			return fmt.Errorf("stopped before the cluster was listed: %w", err)
		}
		return nil // a signal: nothing was written, nothing to undo
	}
	s := &syncer{cfg: cfg, log: logger, manifests: w.WriteManifests, generation: w.Generation}
	again := s.step(ctx)
	if cfg.once {
		switch {
		case s.writeFailures > 0:
			return fmt.Errorf("could not write %s", cfg.out)
		case s.pending:
			return errors.New("the reload command failed")
		}
		return nil
	}
	for {
		// One timer for every reason to come back: a retry, a reload
		// held back by the interval, the look after a swap.
		var later <-chan time.Time
		if again > 0 {
			later = time.After(again)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-swapped:
			again = s.step(ctx)
			// The Watcher records an object's manifest just after the
			// Ruleset takes it, so a compile can swap in between and
			// the write miss the object's new version; if nothing else
			// changes, no later swap would bring it. One more look,
			// after the Watcher's own interval, does.
			if again == 0 || again > cfg.interval {
				again = cfg.interval
			}
		case <-later:
			again = s.step(ctx)
		}
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stderr)
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &usage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "ingroute-sync:", err)
		os.Exit(1)
	}
}
