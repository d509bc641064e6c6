//go:build cgo

package ingroute

import (
	"errors"
	"io/fs"
	"os"
	"slices"
	"syscall"
)

// ioCause learns the operating system's error behind a load that failed
// with ErrIO, for errors.Is(err, fs.ErrNotExist) and fs.ErrPermission.
//
// The library does not return errno: it reports the failure as an error
// diagnostic of code DiagIO, with the file's name and strerror's text in
// the message. The text is not parsed (it is the library's wording, and
// strerror's in the C locale of the moment), so the file the diagnostic
// names is asked again, as the library asked it: stat, then an open for
// reading of a regular file or a directory, never of anything else (a
// FIFO or a device is refused by the library unread, and opening one
// could block or act). The answer is the file system's right after the
// failure; a file created or fixed in between gives no cause, and then
// Err is nil, as it is when the library refused the input for its own
// reason. named are the paths the caller gave, the others being entries
// a directory listed.
func ioCause(named []string, diags []Diagnostic) error {
	tried := false
	for _, d := range diags {
		if d.Severity != SeverityError || d.Code != DiagIO || d.File == "" {
			continue
		}
		tried = true
		if err := probe(d.File, slices.Contains(named, d.File)); err != nil {
			return err
		}
	}
	if tried {
		return nil
	}
	// No diagnostic named a file (a list that ran out of room, say): the
	// failure is one of the caller's paths.
	for _, p := range named {
		if err := probe(p, true); err != nil {
			return err
		}
	}
	return nil
}

// probe repeats what the library does to read path and gives the
// system's error for it, if any.
func probe(path string, named bool) error {
	fi, err := os.Stat(path)
	if err != nil {
		// A listed symbolic link to nothing is skipped with an error
		// diagnostic (docs/semantics.md §1.7) but does not fail the load:
		// the cause is another entry.
		if !named && errors.Is(err, fs.ErrNotExist) {
			if li, lerr := os.Lstat(path); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
				return nil
			}
		}
		return err
	}
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		return nil
	}
	// O_NONBLOCK as the library opens: should the file have become a
	// FIFO since the stat, the open does not wait for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return err
	}
	f.Close()
	return nil
}
