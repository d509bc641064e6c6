// Command ingroute-sync keeps a manifest file in step with a cluster, for
// consumers that read files (the nginx module): it watches Ingresses and
// IngressClasses through the API server, writes the served ones as one
// JSON List atomically (a temporary file in the same directory, fsync,
// rename), and then runs a reload command.
//
//	ingroute-sync -kubeconfig ~/.kube/config -class public \
//	    -out /etc/nginx/ingress/cluster.json -reload 'nginx -s reload'
//
// Each object is written in the version the library accepted last: an
// edit it refuses leaves the file's version as it was (docs/semantics.md
// §1.6). Writes happen at most once per -interval after changes, only when
// the content changed; the reload command runs after each write, at most
// once per -reload-interval, and a failed reload is retried with the next
// change. -once writes the file once the cluster is listed, reloads, and
// exits.
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
	fs.DurationVar(&c.reloadInterval, "reload-interval", time.Second, "least time between two runs of the reload command")
	fs.BoolVar(&c.once, "once", false, "write once the cluster is listed, reload, and exit")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.out == "" {
		return c, errors.New("-out FILE is required")
	}
	return c, nil
}

// writeAtomic replaces path with data so that a reader sees the old file
// or the new one, never a part.
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
	return os.Rename(tmp.Name(), path)
}

// syncer turns swaps into writes and writes into reloads.
type syncer struct {
	cfg      config
	log      *log.Logger
	w        *kube.Watcher
	written  []byte
	pending  bool // written, not yet reloaded successfully
	reloaded time.Time
}

// flush writes the file when its content changed and runs the reload
// command when a write is waiting for it and the reload interval allows.
func (s *syncer) flush(ctx context.Context) {
	var buf bytes.Buffer
	if err := s.w.WriteManifests(&buf); err != nil {
		s.log.Printf("manifests: %v", err)
		return
	}
	if !bytes.Equal(buf.Bytes(), s.written) {
		if err := writeAtomic(s.cfg.out, buf.Bytes()); err != nil {
			s.log.Printf("write %s: %v", s.cfg.out, err)
			return
		}
		s.written = buf.Bytes()
		s.pending = true
		s.log.Printf("wrote %s (%d bytes, generation %d)", s.cfg.out, buf.Len(), s.w.Generation())
	}
	if !s.pending || s.cfg.reload == "" {
		s.pending = false
		return
	}
	if wait := s.cfg.reloadInterval - time.Since(s.reloaded); wait > 0 {
		return // the ticker comes back for it
	}
	s.reloaded = time.Now()
	out, err := exec.CommandContext(ctx, "/bin/sh", "-c", s.cfg.reload).CombinedOutput()
	if err != nil {
		s.log.Printf("reload %q: %v: %s", s.cfg.reload, err, bytes.TrimSpace(out))
		return
	}
	s.pending = false
	s.log.Printf("reloaded: %s", s.cfg.reload)
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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	if err := w.WaitReady(ctx); err != nil {
		return err
	}
	s := &syncer{cfg: cfg, log: logger, w: w}
	s.flush(ctx)
	if cfg.once {
		if s.pending && cfg.reload != "" {
			return errors.New("the reload command failed")
		}
		return nil
	}
	tick := time.NewTicker(cfg.reloadInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-swapped:
		case <-tick.C:
			if !s.pending {
				continue
			}
		}
		s.flush(ctx)
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "ingroute-sync:", err)
		os.Exit(1)
	}
}
