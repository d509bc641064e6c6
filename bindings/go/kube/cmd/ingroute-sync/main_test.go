package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"-out", "f.json"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.out != "f.json" || c.interval != 100*time.Millisecond || c.reloadInterval != time.Second ||
		c.once || c.reload != "" || c.options.Class != "" || c.options.DefaultClass {
		t.Fatalf("defaults: %+v", c)
	}

	c, err = parseFlags([]string{
		"-kubeconfig", "k", "-class", "public", "-default-class", "-namespace", "shop",
		"-selector", "team=a", "-out", "/x/c.json", "-reload", "nginx -s reload",
		"-interval", "250ms", "-reload-interval", "0", "-once",
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.kubeconfig != "k" || c.options.Class != "public" || !c.options.DefaultClass ||
		c.namespace != "shop" || c.selector != "team=a" || c.out != "/x/c.json" ||
		c.reload != "nginx -s reload" || c.interval != 250*time.Millisecond ||
		c.reloadInterval != 0 || !c.once {
		t.Fatalf("every flag: %+v", c)
	}

	for _, tc := range []struct {
		args []string
		says string
	}{
		{nil, "-out FILE is required"},
		{[]string{"-out", "f", "extra"}, `unexpected argument "extra"`},
		{[]string{"-out", "f", "-interval", "0"}, "-interval 0s: must be positive"},
		{[]string{"-out", "f", "-interval", "-1s"}, "must be positive"},
		{[]string{"-out", "f", "-reload-interval", "-1s"}, "-reload-interval -1s: must not be negative"},
		{[]string{"-out", "f", "-interval", "soon"}, `invalid value "soon" for flag -interval`},
		{[]string{"-no-such-flag"}, "flag provided but not defined: -no-such-flag"},
	} {
		var stderr bytes.Buffer
		_, err := parseFlags(tc.args, &stderr)
		var u usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%q: %v, want a usage error saying %q", tc.args, err, tc.says)
			continue
		}
		// main prints nothing more for a usage error: it must be on
		// stderr already, with the usage.
		if !strings.Contains(stderr.String(), tc.says) || !strings.Contains(stderr.String(), "Usage of ingroute-sync") {
			t.Errorf("%q: stderr says %q", tc.args, stderr.String())
		}
	}

	// -h is not an error of the user's: main exits 0.
	var stderr bytes.Buffer
	if _, err := parseFlags([]string{"-h"}, &stderr); !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "-reload-interval") {
		t.Fatalf("-h: %v\n%s", err, stderr.String())
	}
}

// leftovers lists the temporary files writeAtomic left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cluster.json")
	if err := writeAtomic(path, []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	// A reader that opened the file before the next write keeps reading
	// the version it opened, whole: the new one is another inode.
	old, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if err := writeAtomic(path, []byte("two, longer\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(old); string(b) != "one\n" {
		t.Fatalf("the open file reads %q", b)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "two, longer\n" {
		t.Fatalf("the file reads %q, %v", b, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// Readable by a reader running as another user (nginx's master
	// dropping privileges, or another service account).
	if info.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v, want 0644", info.Mode().Perm())
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Fatalf("temporary files left: %v", l)
	}

	// A failed write leaves the file as it was and no temporary file:
	// here the target is a directory, which rename cannot replace.
	blocked := filepath.Join(dir, "sub")
	if err := os.Mkdir(blocked, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(blocked, []byte("x")); err == nil {
		t.Fatal("replaced a directory")
	}
	if l := leftovers(t, dir); len(l) != 0 {
		t.Fatalf("temporary files left after a failure: %v", l)
	}
	if err := writeAtomic(filepath.Join(dir, "missing", "c.json"), []byte("x")); err == nil {
		t.Fatal("wrote into a directory that does not exist")
	}
}

func TestRetryAfter(t *testing.T) {
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 32 * time.Second, time.Minute, time.Minute}
	for i, w := range want {
		if got := retryAfter(i + 1); got != w {
			t.Errorf("retryAfter(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := retryAfter(1000); got != retryMax {
		t.Errorf("retryAfter(1000) = %v", got)
	}
}

// testSyncer writes dir/cluster.json from *content and reloads by
// appending a line to dir/reloads (or by running reload when set).
func testSyncer(t *testing.T, content *string, reload string, interval time.Duration) (*syncer, string, *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	if reload == "" {
		reload = "echo >> '" + filepath.Join(dir, "reloads") + "'"
	}
	var logs bytes.Buffer
	s := &syncer{
		cfg: config{out: filepath.Join(dir, "cluster.json"), reload: reload, reloadInterval: interval},
		log: log.New(&logs, "", 0),
		manifests: func(w io.Writer) error {
			_, err := io.WriteString(w, *content)
			return err
		},
		generation: func() uint64 { return 7 },
	}
	return s, dir, &logs
}

func reloads(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "reloads"))
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("\n"))
}

func TestSyncerWritesAndReloads(t *testing.T) {
	content := "a"
	s, dir, logs := testSyncer(t, &content, "", time.Hour)
	ctx := context.Background()
	if again := s.step(ctx); again != 0 || reloads(t, dir) != 1 {
		t.Fatalf("first step: again %v, %d reloads\n%s", again, reloads(t, dir), logs)
	}
	if b, _ := os.ReadFile(s.cfg.out); string(b) != "a" {
		t.Fatalf("file %q", b)
	}
	// Nothing changed: no write, no reload.
	if again := s.step(ctx); again != 0 || reloads(t, dir) != 1 || strings.Count(logs.String(), "wrote") != 1 {
		t.Fatalf("unchanged: again %v, %d reloads\n%s", again, reloads(t, dir), logs)
	}
	// A change within the reload interval: written at once, the reload
	// waits for the interval and says how long.
	content = "b"
	again := s.step(ctx)
	if b, _ := os.ReadFile(s.cfg.out); string(b) != "b" {
		t.Fatalf("file %q", b)
	}
	if again <= 59*time.Minute || again > time.Hour || reloads(t, dir) != 1 || !s.pending {
		t.Fatalf("held back: again %v, %d reloads, pending %v", again, reloads(t, dir), s.pending)
	}
	// Another change meanwhile is covered by the same held-back reload.
	content = "c"
	s.step(ctx)
	if reloads(t, dir) != 1 {
		t.Fatalf("%d reloads within the interval", reloads(t, dir))
	}
	s.nextReload = time.Now() // the interval is over
	if again := s.step(ctx); again != 0 || reloads(t, dir) != 2 || s.pending {
		t.Fatalf("after the interval: again %v, %d reloads, pending %v", again, reloads(t, dir), s.pending)
	}
	if b, _ := os.ReadFile(s.cfg.out); string(b) != "c" {
		t.Fatalf("file %q", b)
	}
}

func TestSyncerRetriesAFailedReload(t *testing.T) {
	content := "a"
	dir := t.TempDir()
	up := filepath.Join(dir, "nginx-is-up")
	// Fails until the flag file exists, as `nginx -s reload` does while
	// nginx is not running.
	s, _, logs := testSyncer(t, &content, "test -e '"+up+"' && echo ok >> '"+filepath.Join(dir, "reloads")+"'", 0)
	ctx := context.Background()
	if again := s.step(ctx); again != retryMin || !s.pending {
		t.Fatalf("failed reload: again %v, pending %v\n%s", again, s.pending, logs)
	}
	if !strings.Contains(logs.String(), "next try in 1s") {
		t.Fatalf("log: %s", logs)
	}
	// Before the retry is due: nothing runs.
	if again := s.step(ctx); again <= 0 || again > retryMin || s.reloadFailures != 1 {
		t.Fatalf("early step: again %v, %d failures", again, s.reloadFailures)
	}
	s.nextReload = time.Now()
	if again := s.step(ctx); again != 2*retryMin || s.reloadFailures != 2 {
		t.Fatalf("second failure: again %v, %d failures", again, s.reloadFailures)
	}
	if err := os.WriteFile(up, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s.nextReload = time.Now()
	// The file did not change, yet the reload it still owes runs.
	if again := s.step(ctx); again != 0 || s.pending || s.reloadFailures != 0 || reloads(t, dir) != 1 {
		t.Fatalf("recovered: again %v, pending %v, %d reloads\n%s", again, s.pending, reloads(t, dir), logs)
	}
}

func TestSyncerRetriesAFailedWrite(t *testing.T) {
	content := "a"
	s, dir, logs := testSyncer(t, &content, "", 0)
	ctx := context.Background()
	s.cfg.out = filepath.Join(dir, "later", "cluster.json") // no such directory yet
	if again := s.step(ctx); again != retryMin || s.writeFailures != 1 || reloads(t, dir) != 0 {
		t.Fatalf("failed write: again %v, %d failures, %d reloads\n%s", again, s.writeFailures, reloads(t, dir), logs)
	}
	// A swap before the retry is due does not hammer the disk.
	content = "b"
	if again := s.step(ctx); again <= 0 || s.writeFailures != 1 {
		t.Fatalf("early step: again %v, %d failures", again, s.writeFailures)
	}
	if err := os.Mkdir(filepath.Dir(s.cfg.out), 0o755); err != nil {
		t.Fatal(err)
	}
	s.nextWrite = time.Now()
	if again := s.step(ctx); again != 0 || s.writeFailures != 0 || reloads(t, dir) != 1 {
		t.Fatalf("recovered: again %v, %d failures, %d reloads\n%s", again, s.writeFailures, reloads(t, dir), logs)
	}
	if b, _ := os.ReadFile(s.cfg.out); string(b) != "b" {
		t.Fatalf("file %q", b)
	}
}

// Without -reload there is nothing to wait for after a write.
func TestSyncerWithoutReload(t *testing.T) {
	content := "a"
	s, _, _ := testSyncer(t, &content, "", 0)
	s.cfg.reload = ""
	if again := s.step(context.Background()); again != 0 || s.pending {
		t.Fatalf("again %v, pending %v", again, s.pending)
	}
	if b, _ := os.ReadFile(s.cfg.out); string(b) != "a" {
		t.Fatalf("file %q", b)
	}
}

// -once has no next try: its log must not promise one.
func TestSyncerOnceFailure(t *testing.T) {
	content := "a"
	s, dir, logs := testSyncer(t, &content, "exit 3", 0)
	s.cfg.once = true
	s.step(context.Background())
	if !s.pending || !strings.Contains(logs.String(), "exit status 3") || strings.Contains(logs.String(), "next try") {
		t.Fatalf("pending %v, log: %s", s.pending, logs)
	}
	s.cfg.out = filepath.Join(dir, "missing", "c.json")
	content = "b"
	s.step(context.Background())
	if s.writeFailures != 1 || strings.Contains(logs.String(), "next try") {
		t.Fatalf("%d write failures, log: %s", s.writeFailures, logs)
	}
}

// run stops at the command line and at the kubeconfig, before any
// network: the exit statuses of main depend on the kind of error.
func TestRunErrors(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"-once"}, &stderr)
	var u usageError
	if !errors.As(err, &u) {
		t.Fatalf("no -out: %v", err)
	}
	err = run(context.Background(), []string{"-out", filepath.Join(t.TempDir(), "c.json"),
		"-kubeconfig", filepath.Join(t.TempDir(), "no-such-kubeconfig")}, &stderr)
	if err == nil || errors.As(err, &u) || !strings.Contains(err.Error(), "no-such-kubeconfig") {
		t.Fatalf("a missing kubeconfig: %v", err)
	}
}
