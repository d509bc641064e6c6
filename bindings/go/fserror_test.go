package ingroute_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"ingroute.dev/ingroute"
)

// wantFSError checks that err is an ErrIO *Error whose cause is an
// *fs.PathError for path that is target (fs.ErrNotExist, ...).
func wantFSError(t *testing.T, what string, err error, path string, target error) {
	t.Helper()
	var e *ingroute.Error
	if !errors.As(err, &e) || !errors.Is(err, ingroute.ErrIO) {
		t.Fatalf("%s: %v, want an ErrIO *Error", what, err)
	}
	if !errors.Is(err, target) {
		t.Fatalf("%s: %v: errors.Is(err, %v) is false", what, err, target)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path {
		t.Fatalf("%s: %v: no *fs.PathError for %s (%#v)", what, err, path, pe)
	}
}

func TestMissingFileIsErrNotExist(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.yaml")
	_, err := ingroute.Load(ingroute.Options{}, missing)
	wantFSError(t, "Load", err, missing, fs.ErrNotExist)
	if errors.Is(err, fs.ErrPermission) {
		t.Fatalf("missing file is also ErrPermission: %v", err)
	}

	rs, err := ingroute.NewRuleset(ingroute.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	_, err = rs.LoadPath(missing)
	wantFSError(t, "LoadPath", err, missing, fs.ErrNotExist)
	good := filepath.Join(dir, "ops.yaml")
	if err := os.WriteFile(good, []byte(ops), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = rs.ReloadPaths(good, missing)
	wantFSError(t, "ReloadPaths", err, missing, fs.ErrNotExist)
	gone := filepath.Join(dir, "gone")
	_, err = rs.ReloadPaths(gone + "/")
	wantFSError(t, "ReloadPaths of a missing directory", err, gone+"/", fs.ErrNotExist)

	// A link a directory lists whose target is missing is skipped by the
	// library (docs/semantics.md §1.7) and loads; named, it is missing.
	links := t.TempDir()
	dangling := filepath.Join(links, "a.yaml")
	if err := os.Symlink(filepath.Join(dir, "nowhere.yaml"), dangling); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.LoadPath(links); err != nil {
		t.Fatalf("directory with a dangling link: %v", err)
	}
	_, err = rs.LoadPath(dangling)
	wantFSError(t, "LoadPath of a dangling link", err, dangling, fs.ErrNotExist)

	// Unwrap gives the Status; the cause is reached through Is and As.
	var e *ingroute.Error
	errors.As(err, &e)
	if u := e.Unwrap(); u != ingroute.ErrIO || e.Err == nil {
		t.Fatalf("Unwrap: %#v", u)
	}
}

// unreadable gives a regular file that open(2) refuses with EACCES: a
// file of mode 0 for an ordinary user, a write-only /proc/sys file for
// root (which file permissions do not stop).
func unreadable(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		p := filepath.Join(t.TempDir(), "secret.yaml")
		if err := os.WriteFile(p, []byte(ops), 0o000); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const p = "/proc/sys/vm/drop_caches"
	f, err := os.Open(p)
	if err == nil {
		f.Close()
	}
	if !errors.Is(err, syscall.EACCES) {
		t.Skipf("running as root and %s is readable (%v): no file to refuse reading", p, err)
	}
	return p
}

func TestUnreadableFileIsErrPermission(t *testing.T) {
	p := unreadable(t)
	_, err := ingroute.Load(ingroute.Options{}, p)
	wantFSError(t, "Load", err, p, fs.ErrPermission)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("unreadable file is also ErrNotExist: %v", err)
	}

	// In a directory, the entry that failed the load is the cause, not
	// the dangling link listed before it, which the library skipped.
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "a.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(p, filepath.Join(dir, "b.yaml")); err != nil {
		t.Fatal(err)
	}
	rs, err := ingroute.NewRuleset(ingroute.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	_, err = rs.LoadPath(dir)
	wantFSError(t, "LoadPath of a directory", err, filepath.Join(dir, "b.yaml"), fs.ErrPermission)
	if errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the skipped dangling link was taken for the cause: %v", err)
	}
}

// An I/O error that is not the operating system's (a FIFO is refused, not
// read) has no cause to unwrap to.
func TestIOErrorWithoutCause(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	_, err := ingroute.Load(ingroute.Options{}, fifo)
	var e *ingroute.Error
	if !errors.As(err, &e) || !errors.Is(err, ingroute.ErrIO) || e.Err != nil {
		t.Fatalf("%v (cause %v)", err, e.Err)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		t.Fatalf("%v unwraps to an fs error", err)
	}
	if u := e.Unwrap(); u != ingroute.ErrIO {
		t.Fatalf("Unwrap: %#v", u)
	}
}
