package main

// Following the -f files without a signal: fsnotify watches directories,
// never files, and events are filtered by name. A file is watched through
// its parent directory, so an editor that writes a new file and renames it
// over the old one, or a file removed and created again, is seen; a
// directory is watched itself (the names the loader reads) and through its
// parent. Every symbolic link met while resolving a path is watched the
// same way, through the directory holding it: a Kubernetes ConfigMap
// volume shows shop.yaml -> ..data/shop.yaml, and kubelet updates it by
// renaming a new ..data symlink over the old one, so the event arrives on
// the mounted directory for "..data", not for "shop.yaml".
//
// What is watched is worked out again before each reload (a swap makes a
// new timestamped directory; a removed directory may come back), so no
// event is lost between working it out and reading the files: a change
// after the watches were set is an event that schedules another reload.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// manifestName says whether the library's directory loader reads a file
// of this name (lib/load.c: the suffixes .yaml, .yml and .json).
func manifestName(name string) bool {
	for _, s := range []string{".yaml", ".yml", ".json"} {
		if len(name) > len(s) && strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// watchDir is what matters in one watched directory.
type watchDir struct {
	manifests bool            // a -f directory: every name the loader reads
	names     map[string]bool // names whose change matters
}

type watchSet map[string]*watchDir

func (s watchSet) dir(d string) *watchDir {
	w := s[d]
	if w == nil {
		w = &watchDir{names: map[string]bool{}}
		s[d] = w
	}
	return w
}

func (s watchSet) note(dir, name string) { s.dir(dir).names[name] = true }

// maxLinks bounds the symbolic links followed for one path, as the
// kernel's ELOOP does.
const maxLinks = 40

// follow resolves the rest of a path from dir (a directory with no
// symbolic link in its path), noting in s each symbolic link met and the
// final name, each in the directory that holds it; a missing name is
// noted too, to see it appear. It returns the resolved path and its
// information, nil when it does not resolve.
func (s watchSet) follow(dir string, rest []string) (string, os.FileInfo) {
	links := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			dir = filepath.Dir(dir)
			continue
		}
		next := filepath.Join(dir, c)
		fi, err := os.Lstat(next)
		if err != nil {
			s.note(dir, c) // missing: watch for it to appear
			return next, nil
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			s.note(dir, c)
			target, err := os.Readlink(next)
			if links++; err != nil || links > maxLinks {
				return next, nil
			}
			if filepath.IsAbs(target) {
				dir = string(filepath.Separator)
			}
			rest = append(splitPath(target), rest...)
			continue
		}
		if len(rest) == 0 {
			s.note(dir, c)
			return next, fi
		}
		if !fi.IsDir() {
			s.note(dir, c)
			return next, nil
		}
		dir = next
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return dir, nil
	}
	return dir, fi
}

func splitPath(p string) []string {
	return strings.Split(filepath.ToSlash(p), "/")
}

// watchPoints works out what to watch for these paths (absolute, clean):
// for a file, its name in its directory; for a directory, the directory
// itself, its name in its parent, its "..data" (the loader reads a
// ConfigMap volume from the directory ..data names), and each manifest
// in it that is a symbolic link, followed as a file.
func watchPoints(paths []string) watchSet {
	s := watchSet{}
	for _, p := range paths {
		real, fi := s.follow(string(filepath.Separator), splitPath(p))
		if fi == nil || !fi.IsDir() {
			continue
		}
		s.dir(real).manifests = true
		s.follow(real, []string{"..data"}) // noted even when missing
		entries, err := os.ReadDir(real)
		if err != nil {
			continue // the reload reports it; the directory is watched
		}
		for _, e := range entries {
			if manifestName(e.Name()) && e.Type()&os.ModeSymlink != 0 {
				s.follow(real, []string{e.Name()})
			}
		}
	}
	return s
}

// fileWatcher reloads when the files change. One goroutine (run) reads
// the events and owns all the state; it starts at most one reload at a
// time, in one more goroutine, and keeps reading events while it runs.
type fileWatcher struct {
	fsw      *fsnotify.Watcher
	given    []string // as on the command line, for the log
	paths    []string // absolute
	debounce time.Duration
	maxWait  time.Duration
	log      *log.Logger
	dirs     watchSet
	lastErr  string
}

// newFileWatcher sets the watches; start it with run. Set it before the
// first load, so that a change during that load is an event.
func newFileWatcher(paths []string, debounce time.Duration, logger *log.Logger) (*fileWatcher, error) {
	w := &fileWatcher{given: paths, debounce: debounce, maxWait: 10 * debounce, log: logger, dirs: watchSet{}}
	for _, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			return nil, err
		}
		w.paths = append(w.paths, a)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching files: %w", err)
	}
	w.fsw = fsw
	if err := w.refresh(); err != nil {
		fsw.Close()
		return nil, fmt.Errorf("watching files (-watch=false turns it off): %w", err)
	}
	return w, nil
}

// Close releases the watches; call it after run returned (or instead).
func (w *fileWatcher) Close() error { return w.fsw.Close() }

// refresh makes the watches what the files now need. Adding a directory
// already watched is cheap, and takes the new directory when the old one
// was removed or replaced.
func (w *fileWatcher) refresh() error {
	want := watchPoints(w.paths)
	var errs []error
	for d := range want {
		if err := w.fsw.Add(d); err != nil {
			errs = append(errs, fmt.Errorf("watch %s: %w", d, err))
			delete(want, d)
		}
	}
	for d := range w.dirs {
		if want[d] == nil {
			_ = w.fsw.Remove(d) // may be gone already with its directory
		}
	}
	w.dirs = want
	return errors.Join(errs...)
}

// relevant says whether an event can change what a reload reads. Chmod
// alone is not (fsnotify's advice: editors and indexers make many).
func (w *fileWatcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod || ev.Op == 0 {
		return false
	}
	if w.dirs[ev.Name] != nil {
		return true // a watched directory itself was removed or moved
	}
	d := w.dirs[filepath.Dir(ev.Name)]
	if d == nil {
		return false
	}
	name := filepath.Base(ev.Name)
	return d.names[name] || (d.manifests && manifestName(name))
}

// run reloads after changes until ctx ends, and returns once no reload it
// started is running. A reload comes debounce after the last of a burst
// of events, and no later than maxWait after the first, so a steady
// stream of changes cannot postpone it forever. Events during a reload
// are counted and make one more reload after it.
func (w *fileWatcher) run(ctx context.Context, reload func()) {
	var (
		timer       = time.NewTimer(time.Hour)
		retry       = time.NewTimer(time.Hour)
		retryDelay  = time.Second
		done        = make(chan struct{}, 1)
		busy        bool
		events      int
		first, last time.Time
		firstName   string
	)
	timer.Stop()
	retry.Stop()
	defer timer.Stop()
	defer retry.Stop()
	schedule := func() {
		due := last.Add(w.debounce)
		if limit := first.Add(w.maxWait); due.After(limit) {
			due = limit
		}
		timer.Reset(time.Until(due))
	}
	changed := func(name string) {
		now := time.Now()
		if events == 0 {
			first, firstName = now, name
		}
		events++
		last = now
		if !busy {
			schedule()
		}
	}
	// The watches failed: try again later, backing off, and reload once
	// they are set (a change may have been missed meanwhile).
	watchesFailed := func(err error) {
		if msg := err.Error(); msg != w.lastErr {
			w.lastErr = msg
			w.log.Printf("watch: %v; retrying", err)
		}
		retry.Reset(retryDelay)
		retryDelay = min(2*retryDelay, 30*time.Second)
	}
	for {
		select {
		case <-ctx.Done():
			if busy {
				<-done
			}
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if w.relevant(ev) {
				changed(ev.Name)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.log.Printf("watch: %v", err)
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				changed("(events lost)")
			}
		case <-retry.C:
			if err := w.refresh(); err != nil {
				watchesFailed(err)
				continue
			}
			w.log.Printf("watch: watches set again")
			w.lastErr, retryDelay = "", time.Second
			changed("(watches set again)")
		case <-timer.C:
			if busy || events == 0 {
				continue // done schedules it
			}
			if err := w.refresh(); err != nil {
				watchesFailed(err)
			}
			what := "1 event"
			if events > 1 {
				what = fmt.Sprintf("%d events", events)
			}
			w.log.Printf("watch: %s changed (%s); reloading", firstName, what)
			events = 0
			busy = true
			go func() {
				reload()
				done <- struct{}{}
			}()
		case <-done:
			busy = false
			if events > 0 {
				schedule() // due now if the debounce passed during the reload
			}
		}
	}
}
