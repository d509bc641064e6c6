//go:build unix

package kube

// ingroute-sync driving a real nginx with ngx_http_ingroute_module, against
// the real API server of testcluster: the path a cluster's changes take to
// an nginx that reads files (watch, write the file, nginx -s reload).
//
// Needs, besides testcluster's binaries, the module built by
// examples/nginx/build.sh (INGROUTE_NGINX_MODULE=path of the .so) and nginx
// ($NGINX, else /usr/sbin/nginx, else nginx on PATH). Missing ones skip the
// test, or fail it with INGROUTE_E2E_REQUIRED=1, as testcluster.Require
// does.
//
// nginx and ingroute-sync are stopped when the test ends, failed or not.
// A test binary killed outright (go test -timeout) cannot stop them;
// the test's own waits are bounded well within the default timeout.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"ingroute.dev/ingroute"
	"ingroute.dev/ingroute/kube/internal/testcluster"
)

// envNginxModule names the built ngx_http_ingroute_module.so.
const envNginxModule = "INGROUTE_NGINX_MODULE"

// requireNginx finds nginx and the module, or skips the test (fails it
// under INGROUTE_E2E_REQUIRED=1).
func requireNginx(t *testing.T) (nginx, module string) {
	t.Helper()
	missing := func(reason string) {
		t.Helper()
		if os.Getenv(testcluster.EnvRequired) == "1" {
			t.Fatalf("%s (and %s=1)", reason, testcluster.EnvRequired)
		}
		t.Skip(reason)
	}
	module = os.Getenv(envNginxModule)
	if module == "" {
		missing(envNginxModule + " is not set; build the module with examples/nginx/build.sh BUILD_DIR and set it to the .so path it prints")
	}
	// load_module takes a path relative to nginx's prefix, which is a
	// temporary directory here.
	module, err := filepath.Abs(module)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(module); err != nil || info.IsDir() {
		missing(fmt.Sprintf("%s=%s: not a file (%v)", envNginxModule, module, err))
	}
	if nginx = os.Getenv("NGINX"); nginx == "" {
		nginx = "/usr/sbin/nginx"
		if _, err := os.Stat(nginx); err != nil {
			nginx = "nginx"
		}
	}
	if nginx, err = exec.LookPath(nginx); err != nil {
		missing(fmt.Sprintf("nginx not found (%v); apt-get install nginx, or set NGINX", err))
	}
	return nginx, module
}

// child is a process the test started and stops, whatever happens. It
// stays in the test's process group, so that a Ctrl-C reaches it too.
type child struct {
	name string
	cmd  *exec.Cmd
	out  string // the file its output goes to
	done chan struct{}
	err  error // how it exited, once done is closed

	// leftovers, when set, lists the processes it started that may
	// outlive it (nginx's workers).
	leftovers func() []int
	stopped   bool // stop ran: it is called again by the cleanup
}

// startChild starts cmd with its output going to the file out. A file,
// not a pipe: with a pipe, Wait would wait for every process holding it,
// and the workers of a killed nginx master hold it.
func startChild(t *testing.T, name string, cmd *exec.Cmd, out string) *child {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() // the child has its own copy
	c := &child{name: name, cmd: cmd, out: out, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c
}

// output is what it printed so far.
func (c *child) output() string {
	b, err := os.ReadFile(c.out)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// stop sends sig and waits up to grace, then kills. After any exit but a
// clean one it kills the leftovers too: nginx's master waits for its
// workers before it exits cleanly, so only a master that crashed or was
// killed leaves workers behind. It returns how the process exited.
func (c *child) stop(sig syscall.Signal, grace time.Duration) error {
	if c.stopped {
		return c.err
	}
	c.stopped = true
	if !c.exited() {
		_ = c.cmd.Process.Signal(sig)
		select {
		case <-c.done:
		case <-time.After(grace):
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	}
	if c.err != nil && c.leftovers != nil {
		for _, pid := range c.leftovers() {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return c.err
}

// shellQuote makes s one word for /bin/sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tail is the last n lines of a file, for a failed test's log.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// classIngress is ingress() with spec.ingressClassName.
func classIngress(ns, name, class, host, path, svc string) *networkingv1.Ingress {
	ing := ingress(ns, name, host, path, svc)
	ing.Spec.IngressClassName = &class
	return ing
}

// The scenarios of one cluster and one nginx, in order: they build on
// each other.
func TestE2ESyncNginx(t *testing.T) {
	nginx, module := requireNginx(t)
	c := testcluster.New(t, testcluster.Options{})
	client, err := kubernetes.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	dir := t.TempDir()
	file := filepath.Join(dir, "cluster.json")

	// Backends, each answering with its own NS/SERVICE:PORT; "*" of the
	// map catches a Service nobody mapped, which no answer may come from.
	var upstreams strings.Builder
	for _, name := range []string{"shop/web-v1:80", "shop/web-v2:80", "shop/api:80", "shop/gone:80", "shop/new:80", "shop/private:80", "*"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Backend", name)
		}))
		t.Cleanup(srv.Close)
		fmt.Fprintf(&upstreams, "%s %s\n", name, strings.TrimPrefix(srv.URL, "http://"))
	}
	if err := os.WriteFile(filepath.Join(dir, "upstreams.map"), []byte(upstreams.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	bin := filepath.Join(t.TempDir(), "ingroute-sync")
	build := exec.Command("go", "build", "-o", bin, "./cmd/ingroute-sync")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ingroute-sync: %v\n%s", err, out)
	}

	// The cluster: two classes; three Ingresses of "public", one of
	// "private", which no file may hold.
	for _, name := range []string{"public", "private"} {
		cls := &networkingv1.IngressClass{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec:       networkingv1.IngressClassSpec{Controller: "example.test/" + name},
		}
		if _, err := client.NetworkingV1().IngressClasses().Create(ctx, cls, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ings := client.NetworkingV1().Ingresses("shop")
	for _, ing := range []*networkingv1.Ingress{
		classIngress("shop", "web", "public", "web.example.test", "/", "web-v1"),
		classIngress("shop", "api", "public", "api.example.test", "/api", "api"),
		classIngress("shop", "gone", "public", "gone.example.test", "/", "gone"),
		classIngress("shop", "private", "private", "private.example.test", "/", "private"),
	} {
		if _, err := ings.Create(ctx, ing, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	// -once first, so that nginx starts on the cluster's state.
	syncArgs := []string{"-kubeconfig", c.Kubeconfig(), "-class", "public", "-out", file}
	start := time.Now()
	once := exec.CommandContext(ctx, bin, append(syncArgs, "-once")...)
	once.WaitDelay = time.Second
	out, err := once.CombinedOutput()
	if err != nil {
		t.Fatalf("ingroute-sync -once: %v\n%s", err, out)
	}
	report(t, "sync_once_seconds", fmt.Sprintf("%.2f", time.Since(start).Seconds()))
	if !strings.Contains(string(out), "wrote "+file) {
		t.Fatalf("ingroute-sync -once did not say it wrote %s:\n%s", file, out)
	}

	// nginx as a child (daemon off) with a master, which reloads.
	addr := freeAddr(t)
	userLine := ""
	if os.Geteuid() == 0 {
		// Workers would run as nobody, who cannot enter the test's
		// directory for the temporary files.
		u, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			t.Fatal(err)
		}
		userLine = fmt.Sprintf("user %s %s;", u.Username, g.Name)
	}
	conf := fmt.Sprintf(`load_module %[1]s;
%[2]s
worker_processes 1;
master_process on;
pid %[3]s/nginx.pid;
error_log %[3]s/error.log notice;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[3]s/tmp/body;
    proxy_temp_path %[3]s/tmp/proxy;
    fastcgi_temp_path %[3]s/tmp/fastcgi;
    uwsgi_temp_path %[3]s/tmp/uwsgi;
    scgi_temp_path %[3]s/tmp/scgi;

    # No ingroute_class: the file holds only what ingroute-sync serves.
    ingroute_manifests %[3]s/cluster.json;
    ingroute_strict off;
    ingroute_upstream_map %[3]s/upstreams.map;

    server {
        listen %[4]s;
        location / {
            if ($ingroute_decision = none) {
                return 404;
            }
            if ($ingroute_upstream = "") {
                return 503;
            }
            proxy_pass http://$ingroute_upstream;
        }
    }
}
`, module, userLine, dir, addr)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	errorLog := filepath.Join(dir, "error.log")
	// -e: nginx opens its built-in error log before it reads the
	// configuration; that one may not be writable.
	ngxArgs := []string{"-p", dir + "/", "-c", "nginx.conf", "-e", errorLog}
	ngx := startChild(t, "nginx", exec.Command(nginx, append(ngxArgs, "-g", "daemon off;")...), filepath.Join(dir, "nginx.out"))
	ngx.leftovers = func() []int { return liveWorkers(errorLog) }
	var syncd *child
	t.Cleanup(func() {
		// ingroute-sync first: it would reload an nginx that is going.
		if syncd != nil {
			syncd.stop(syscall.SIGTERM, 15*time.Second)
		}
		ngx.stop(syscall.SIGQUIT, 10*time.Second)
		if t.Failed() {
			t.Logf("ingroute-sync -once output:\n%s", out)
			if syncd != nil {
				t.Logf("ingroute-sync output:\n%s", syncd.output())
			}
			t.Logf("nginx output:\n%s", ngx.output())
			t.Logf("nginx error log, last lines:\n%s", tail(errorLog, 60))
		}
	})

	hc := &http.Client{
		// A new connection per request: one kept alive would stay with
		// the old workers of a reload until they close it.
		Transport: &http.Transport{DisableKeepAlives: true},
		Timeout:   5 * time.Second,
	}
	defer hc.CloseIdleConnections()
	// answer is "STATUS BACKEND" ("404 -" for no backend) or the error.
	answer := func(host, path string) string {
		req, err := http.NewRequest("GET", "http://"+addr+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := hc.Do(req)
		if err != nil {
			return "error: " + err.Error()
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		b := resp.Header.Get("X-Backend")
		if b == "" {
			b = "-"
		}
		return fmt.Sprintf("%d %s", resp.StatusCode, b)
	}
	// waitAnswer polls until nginx answers want, and returns when it
	// first did. It returns once a reload has taken over: until
	// the master has told the old workers to stop, they accept
	// connections too, so an old answer can follow a new one for a
	// moment; after that, only new answers come.
	waitAnswer := func(host, path, want string, within time.Duration) time.Time {
		t.Helper()
		start := time.Now()
		var first time.Time
		for {
			got := answer(host, path)
			if got == want {
				if first.IsZero() {
					first = time.Now()
				}
				if oneWorker(errorLog) && answer(host, path) == want {
					return first
				}
			}
			if ngx.exited() {
				t.Fatalf("nginx exited: %v", ngx.err)
			}
			if time.Since(start) > within {
				t.Fatalf("%s%s: %q after %v, want %q (seen first: %v)", host, path, got, within, want, !first.IsZero())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitAnswer("web.example.test", "/", "200 shop/web-v1:80", 30*time.Second)
	for _, tc := range []struct{ host, path, want string }{
		{"api.example.test", "/api/x", "200 shop/api:80"},
		{"api.example.test", "/", "404 -"},
		{"gone.example.test", "/", "200 shop/gone:80"},
		{"private.example.test", "/", "404 -"},
	} {
		if got := answer(tc.host, tc.path); got != tc.want {
			t.Fatalf("from the -once file: %s%s: %q, want %q", tc.host, tc.path, got, tc.want)
		}
	}

	// Now following the cluster. It rewrites the file and reloads nginx
	// once when it starts: nginx may have started on an older file.
	const reloadInterval = time.Second
	reloadCmd := strings.Join(append([]string{shellQuote(nginx)}, mapQuote(ngxArgs)...), " ") + " -s reload"
	syncd = startChild(t, "ingroute-sync", exec.Command(bin, append(syncArgs,
		"-reload", reloadCmd, "-reload-interval", reloadInterval.String())...), filepath.Join(dir, "sync.out"))
	// Its log lines: "ingroute-sync: DATE TIME wrote FILE ..." and
	// "... reloaded: COMMAND".
	lines := func(what string) int {
		return strings.Count(syncd.output(), " "+what)
	}
	// Waits, up to 30 s, for the n-th line saying what.
	waitLines := func(what string, n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for lines(what) < n {
			if syncd.exited() {
				t.Fatalf("ingroute-sync exited: %v", syncd.err)
			}
			if time.Now().After(deadline) {
				t.Fatalf("ingroute-sync: %d %q lines after 30 s, want %d", lines(what), what, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitLines("reloaded: ", 1)
	// Past the reload interval, so that the edit's reload is not held
	// back: what is measured is the way from the API to nginx.
	time.Sleep(reloadInterval + 200*time.Millisecond)

	// 1. An edit through the API is routed the new way.
	web, err := ings.Get(ctx, "web", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	web.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Name = "web-v2"
	start = time.Now()
	if _, err := ings.Update(ctx, web, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	routed := waitAnswer("web.example.test", "/", "200 shop/web-v2:80", 10*time.Second)
	report(t, "sync_nginx_edit_to_routed_ms", routed.Sub(start).Milliseconds())

	// 2. Three changes, each written before the next is made: a delete,
	// a new Ingress, and one moved to the other class. The first write
	// is reloaded at once (the interval since the edit's reload is over);
	// the reloads of the second and third are held back by the interval,
	// and one must still come, or the last change is never served.
	time.Sleep(reloadInterval + 200*time.Millisecond)
	writes0, reloads0 := lines("wrote "), lines("reloaded: ")
	start = time.Now()
	if err := ings.Delete(ctx, "gone", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	waitLines("wrote ", writes0+1)
	if _, err := ings.Create(ctx, classIngress("shop", "new", "public", "new.example.test", "/", "new"), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitLines("wrote ", writes0+2)
	api, err := ings.Get(ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	private := "private"
	api.Spec.IngressClassName = &private
	if _, err := ings.Update(ctx, api, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitLines("wrote ", writes0+3)
	waitAnswer("api.example.test", "/api/x", "404 -", 10*time.Second)
	settled := time.Since(start)
	waitAnswer("new.example.test", "/", "200 shop/new:80", time.Second)
	waitAnswer("gone.example.test", "/", "404 -", time.Second)
	writes, reloads := lines("wrote ")-writes0, lines("reloaded: ")-reloads0
	report(t, "sync_nginx_three_changes_to_routed_ms", settled.Milliseconds())
	report(t, "sync_nginx_three_changes_writes", writes)
	report(t, "sync_nginx_three_changes_reloads", reloads)
	// Runs of the command start at least an interval apart: two here,
	// where reloading every write would make three within a second.
	if limit := 1 + int(settled/reloadInterval); reloads > limit {
		t.Fatalf("%d reloads for %d writes in %v: more than one per %v", reloads, writes, settled, reloadInterval)
	}

	// 3. The file: the classes and the served Ingresses, nothing else,
	// in sorted order (the same state makes the same bytes).
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Kind  string
		Items []struct {
			Kind     string
			Metadata struct{ Namespace, Name string }
		}
	}
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var items []string
	for _, it := range list.Items {
		items = append(items, it.Kind+" "+strings.TrimPrefix(it.Metadata.Namespace+"/", "/")+it.Metadata.Name)
	}
	wantItems := []string{"IngressClass private", "IngressClass public", "Ingress shop/new", "Ingress shop/web"}
	if list.Kind != "List" || !slices.Equal(items, wantItems) {
		t.Fatalf("%s holds a %s of %q, want a List of %q", file, list.Kind, items, wantItems)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o644 {
		t.Fatalf("%s: %v, %v", file, info.Mode(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".cluster.json") {
			t.Fatalf("a temporary file is left: %s", e.Name())
		}
	}
	// It loads without an error, and routes exactly as a fresh load of
	// what the API server lists does under the class.
	fromFile, err := ingroute.NewRuleset(ingroute.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fromFile.Close()
	diags, err := fromFile.LoadBuffer(file, data)
	if err != nil || hasErrors(diags) {
		t.Fatalf("%s does not load cleanly: %v %v", file, err, diags)
	}
	for _, in := range fromFile.Ingresses() {
		if !in.Served {
			t.Fatalf("%s holds %s/%s, which is not served: %s", file, in.Namespace, in.Name, in.Reason)
		}
	}
	fresh, err := ingroute.NewRuleset(ingroute.Options{Class: "public"})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	listed, err := client.NetworkingV1().Ingresses("").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	classes, err := client.NetworkingV1().IngressClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var objs []any
	for i := range classes.Items {
		objs = append(objs, &classes.Items[i])
	}
	for i := range listed.Items {
		objs = append(objs, &listed.Items[i])
	}
	for _, obj := range objs {
		b, err := manifestJSON(obj)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fresh.LoadBuffer("api", b); err != nil {
			t.Fatal(err)
		}
	}
	if diff := firstDiff(dump(t, fromFile), dump(t, fresh)); diff != "" {
		t.Fatalf("the file routes otherwise than the cluster (\"watcher\" is the file): %s", diff)
	}
	// And nginx answers what the file says, for every served Ingress.
	rt, err := fromFile.Compile()
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	for _, tc := range []struct{ host, path string }{
		{"web.example.test", "/"}, {"new.example.test", "/x"}, {"api.example.test", "/api/x"},
		{"gone.example.test", "/"}, {"private.example.test", "/"},
	} {
		m, err := rt.Match(tc.host, tc.path)
		if err != nil {
			t.Fatal(err)
		}
		want := "404 -"
		if m.Decision != ingroute.DecisionNone {
			want = "200 " + m.Backend.String()
		}
		if got := answer(tc.host, tc.path); got != want {
			t.Fatalf("%s%s: nginx answers %q, the file %q", tc.host, tc.path, got, want)
		}
	}

	// 4. Every reload the command ran was a reconfiguration nginx did
	// and accepted: the file never failed to load.
	if err := syncd.stop(syscall.SIGTERM, 15*time.Second); err != nil {
		t.Fatalf("ingroute-sync did not exit cleanly on SIGTERM: %v", err)
	}
	logText, err := os.ReadFile(errorLog)
	if err != nil {
		t.Fatal(err)
	}
	if n, want := strings.Count(string(logText), "(SIGHUP) received from"), lines("reloaded: "); n != want {
		t.Fatalf("nginx reconfigured %d times, ingroute-sync reloaded %d times", n, want)
	}
	for _, l := range strings.Split(string(logText), "\n") {
		if strings.Contains(l, "[emerg]") || strings.Contains(l, "[alert]") {
			t.Fatalf("nginx: %s", l)
		}
	}
	if err := ngx.stop(syscall.SIGQUIT, 10*time.Second); err != nil {
		t.Fatalf("nginx did not exit cleanly on SIGQUIT: %v", err)
	}
}

// Lines of nginx's error log (notice level) about its workers.
var (
	workerStarted = regexp.MustCompile(`start worker process (\d+)`)
	workerExited  = regexp.MustCompile(`worker process (\d+) exited`)
)

// liveWorkers lists the nginx workers that the master started and did not
// see exit, by its error log.
func liveWorkers(errorLog string) []int {
	b, _ := os.ReadFile(errorLog) // none yet: no workers either
	live := map[int]bool{}
	for _, m := range workerStarted.FindAllSubmatch(b, -1) {
		pid, _ := strconv.Atoi(string(m[1]))
		live[pid] = true
	}
	for _, m := range workerExited.FindAllSubmatch(b, -1) {
		pid, _ := strconv.Atoi(string(m[1]))
		delete(live, pid)
	}
	pids := make([]int, 0, len(live))
	for pid := range live {
		pids = append(pids, pid)
	}
	return pids
}

// oneWorker reports whether a single nginx worker is left: every worker
// the master started before the newest has exited, so no old
// configuration answers any more (with worker_processes 1).
func oneWorker(errorLog string) bool { return len(liveWorkers(errorLog)) == 1 }

func mapQuote(args []string) []string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return q
}
