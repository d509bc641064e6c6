// Package testcluster runs a real, throwaway Kubernetes control plane for
// end-to-end tests: etcd and kube-apiserver, with no scheduler, controller
// manager or nodes, which is all that watching and validating Ingress
// objects needs.
//
// Nothing is downloaded. kube-apiserver and kubectl are built from source
// by tests/kube/build.sh and found in the directory that INGROUTE_KUBE_BIN
// names; etcd is the one INGROUTE_ETCD names or the first on PATH (Debian's
// etcd-server). Tests call Require, or New which calls it, so that a
// machine without the binaries skips them instead of failing, unless
// INGROUTE_E2E_REQUIRED=1 says that they must run (as in CI).
//
// A cluster listens only on 127.0.0.1, at ports picked when it starts, and
// keeps everything in one temporary directory. Its processes run in their
// own process group and, on Linux, are killed by the kernel if the test
// binary dies, so an aborted run leaves no etcd behind; the next Start
// removes the directory such a run left. Close stops the processes and
// removes the directory.
//
// Typical use:
//
//	func TestWatch(t *testing.T) {
//		c := testcluster.New(t, testcluster.Options{})
//		client := kubernetes.NewForConfigOrDie(c.RESTConfig())
//		...
//	}
package testcluster

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// DefaultStartTimeout is how long Start and StartAPIServer wait for the
// processes to become ready when Options.StartTimeout is zero. A cold
// kube-apiserver on a loaded two-core machine takes 10 to 20 seconds.
const DefaultStartTimeout = 60 * time.Second

// The API server is asked to shut down cleanly first, which it does in a
// second or two; this bounds the wait before it is killed.
const stopGracePeriod = 15 * time.Second

// Port picking and binding race with other processes on the machine; a
// lost race shows as "address already in use" and is retried with fresh
// ports this many times in all.
const portAttempts = 3

// Options configures a cluster. The zero value is ready to use.
type Options struct {
	// StartTimeout bounds each wait for readiness: etcd's and the API
	// server's in Start, the API server's in StartAPIServer. Zero means
	// DefaultStartTimeout.
	StartTimeout time.Duration

	// TempDir is where the cluster's directory is made; "" means
	// os.TempDir().
	TempDir string

	// APIServerArgs are added to kube-apiserver's command line after the
	// package's own flags, e.g. "--feature-gates=...". A flag that takes
	// one value and is given again overrides the package's setting.
	APIServerArgs []string

	// Logf, when set, is told when each process is ready and how long it
	// took. It is called only from the goroutine calling the Cluster's
	// methods, so t.Logf is safe here.
	Logf func(format string, args ...any)
}

// Cluster is a running etcd and kube-apiserver. Its methods may be called
// from several goroutines; they are serialized.
type Cluster struct {
	opts Options
	bin  binaries
	dir  string

	token   string
	caPEM   []byte
	etcdURL string
	apiPort int
	host    string

	kubeconfig string

	mu        sync.Mutex
	etcd      *proc
	apiserver *proc
	closed    bool
}

// Start starts etcd and kube-apiserver and returns when the API server
// is ready: /readyz answers 200 and the "default" namespace, which the
// server creates in the background, exists. ctx bounds only the start;
// the processes run until Close, which the caller must call.
//
// When Start fails it has already cleaned up, and the error carries the
// end of the failing process's log.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	parent := opts.TempDir
	if parent == "" {
		parent = os.TempDir()
	}
	removeStale(parent)
	dir, err := os.MkdirTemp(parent, dirPattern)
	if err != nil {
		return nil, fmt.Errorf("testcluster: %w", err)
	}
	c := &Cluster{opts: opts, bin: bin, dir: dir}
	if err := markOwner(dir); err != nil {
		return nil, errors.Join(fmt.Errorf("testcluster: %w", err), c.Close())
	}
	if err := c.start(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("testcluster: %w", err), c.Close())
	}
	return c, nil
}

// New starts a cluster for a test: it calls Require, starts the cluster
// under t's context, logs to t, and registers Close with t.Cleanup. If
// the test has failed by then, the end of each process's log is logged
// first, since Close deletes the logs. A test may still Close earlier.
func New(t testing.TB, opts Options) *Cluster {
	t.Helper()
	Require(t)
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	c, err := Start(t.Context(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if t.Failed() && !closed {
			t.Logf("kube-apiserver log, last lines:\n%s", tailFile(c.path(apiserverLog), 60))
			t.Logf("etcd log, last lines:\n%s", tailFile(c.path(etcdLog), 20))
		}
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	})
	return c
}

// RESTConfig returns a fresh client configuration for the cluster's
// administrator (group system:masters), which the caller may modify.
// Client-side rate limiting is off: the server is private to the test,
// and throttling would only make tests slower.
func (c *Cluster) RESTConfig() *rest.Config {
	return &rest.Config{
		Host:        c.host,
		BearerToken: c.token,
		TLSClientConfig: rest.TLSClientConfig{
			CAData: bytes.Clone(c.caPEM),
		},
		QPS: -1,
	}
}

// Kubeconfig returns the path of a kubeconfig file for the cluster's
// administrator, for tools that take one. It is removed by Close.
func (c *Cluster) Kubeconfig() string { return c.kubeconfig }

// Host returns the API server's URL, https://127.0.0.1:PORT. The port
// stays the same across StopAPIServer and StartAPIServer.
func (c *Cluster) Host() string { return c.host }

// Kubectl runs the kubectl built with the API server against the cluster
// as its administrator, with stdin (which may be nil) as standard input,
// and returns what it printed. A non-zero exit is an error that includes
// the command and its standard error, and wraps *exec.ExitError. The
// user's kubeconfig and kuberc are not read. Cancelling ctx kills kubectl.
func (c *Cluster) Kubectl(ctx context.Context, stdin io.Reader, args ...string) (stdout, stderr []byte, err error) {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return nil, nil, errClosed
	}
	cmd := exec.CommandContext(ctx, c.bin.kubectl,
		append([]string{"--kubeconfig=" + c.kubeconfig}, args...)...)
	// The working directory stays the test's, for relative -f paths.
	cmd.Env = childEnv(c.dir, "KUBERC=off")
	cmd.Stdin = stdin
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	setProcAttr(cmd)
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return out.Bytes(), errOut.Bytes(), fmt.Errorf("kubectl %s: %w: %s",
			strings.Join(args, " "), err, bytes.TrimSpace(errOut.Bytes()))
	}
	return out.Bytes(), errOut.Bytes(), nil
}

// StopAPIServer shuts the API server down, leaving etcd and the stored
// objects as they are: clients see their watches end and then connections
// refused until StartAPIServer. The server gets the chance to close its
// connections cleanly, as in a rolling restart; KillAPIServer is the crash.
func (c *Cluster) StopAPIServer() error {
	return c.stopAPIServer(stopGracePeriod)
}

// KillAPIServer kills the API server at once (SIGKILL), as a crash or a
// lost node would: open connections are reset rather than closed.
func (c *Cluster) KillAPIServer() error {
	return c.stopAPIServer(0)
}

func (c *Cluster) stopAPIServer(grace time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errClosed
	}
	if c.apiserver == nil {
		return errors.New("testcluster: kube-apiserver is not running")
	}
	c.apiserver.stop(grace)
	c.apiserver = nil
	return nil
}

// StartAPIServer starts the API server again after StopAPIServer or
// KillAPIServer, on the same port with the same etcd and credentials, so
// existing clients and the kubeconfig keep working. It returns when the
// server is ready, as Start does.
func (c *Cluster) StartAPIServer(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errClosed
	}
	if c.apiserver != nil {
		if !c.apiserver.exited() {
			return errors.New("testcluster: kube-apiserver is already running")
		}
		// It died by itself; what it logged stays in the log file.
		c.apiserver.stop(0)
		c.apiserver = nil
	}
	if err := c.startAPIServer(ctx); err != nil {
		return fmt.Errorf("testcluster: %w", err)
	}
	return nil
}

// Close kills the processes, waits for them to exit and removes the
// cluster's directory. It may be called more than once.
func (c *Cluster) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	// The API server first, so that it does not log etcd's disappearance;
	// neither needs a clean shutdown, since the data is thrown away.
	if c.apiserver != nil {
		c.apiserver.stop(0)
		c.apiserver = nil
	}
	if c.etcd != nil {
		c.etcd.stop(0)
		c.etcd = nil
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("testcluster: %w", err)
	}
	return nil
}

var errClosed = errors.New("testcluster: cluster is closed")

// dirPattern names the cluster directories, for os.MkdirTemp and Glob.
const dirPattern = "ingroute-kube-*"

// Files in the cluster's directory.
const (
	caCertFile      = "ca.crt"
	servingCertFile = "apiserver.crt"
	servingKeyFile  = "apiserver.key"
	saKeyFile       = "service-account.key"
	tokenFile       = "tokens.csv"
	kubeconfigFile  = "kubeconfig"
	etcdDataDir     = "etcd"
	etcdLog         = "etcd.log"
	apiserverLog    = "kube-apiserver.log"
	apiserverCerts  = "apiserver-certs"
	ownerFile       = "owner.pid"
)

func (c *Cluster) path(name string) string { return filepath.Join(c.dir, name) }

func (c *Cluster) logf(format string, args ...any) {
	if c.opts.Logf != nil {
		c.opts.Logf(format, args...)
	}
}

func (c *Cluster) start(ctx context.Context) error {
	if err := c.writeCredentials(); err != nil {
		return err
	}
	if err := retryOnPortClash(func() error { return c.startEtcd(ctx) }); err != nil {
		return err
	}
	err := retryOnPortClash(func() error {
		port, err := freePort()
		if err != nil {
			return err
		}
		c.apiPort = port
		c.host = "https://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		return c.startAPIServer(ctx)
	})
	if err != nil {
		return err
	}
	return c.writeKubeconfig()
}

func (c *Cluster) writeCredentials() error {
	creds, err := newCredentials(time.Now())
	if err != nil {
		return err
	}
	c.caPEM = creds.caPEM
	c.token = creds.token
	files := []struct {
		name string
		data []byte
	}{
		{caCertFile, creds.caPEM},
		{servingCertFile, creds.servingCertPEM},
		{servingKeyFile, creds.servingKeyPEM},
		{saKeyFile, creds.serviceAccountKeyPEM},
		// token,user,uid,groups: system:masters passes every RBAC check.
		{tokenFile, []byte(creds.token + ",admin,admin,system:masters\n")},
	}
	for _, f := range files {
		if err := os.WriteFile(c.path(f.name), f.data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) startEtcd(ctx context.Context) error {
	clientPort, err := freePort()
	if err != nil {
		return err
	}
	peerPort, err := freePort()
	if err != nil {
		return err
	}
	clientURL := "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(clientPort))
	peerURL := "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(peerPort))
	// A retry after a port clash must not find the half-made data dir of
	// the previous attempt, whose member has the old peer URL.
	if err := os.RemoveAll(c.path(etcdDataDir)); err != nil {
		return err
	}
	args := []string{
		"--name=testcluster",
		"--data-dir=" + c.path(etcdDataDir),
		"--listen-client-urls=" + clientURL,
		"--advertise-client-urls=" + clientURL,
		// etcd insists that the peer URL it listens on is the one its
		// one-member initial cluster names; the defaults say localhost:2380,
		// which may be taken and is not what we listen on.
		"--listen-peer-urls=" + peerURL,
		"--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=testcluster=" + peerURL,
		"--initial-cluster-state=new",
		"--logger=zap",
		"--log-outputs=stderr",
		"--log-level=warn",
	}
	began := time.Now()
	p, err := startProc("etcd", c.bin.etcd, args, childEnv(c.dir), c.dir, c.path(etcdLog))
	if err != nil {
		return err
	}
	c.etcd = p
	client := &http.Client{Timeout: 2 * time.Second}
	err = c.waitReady(ctx, p, func(ctx context.Context) bool {
		body, ok := get(ctx, client, clientURL+"/health", "")
		return ok && bytes.Contains(body, []byte(`"health":"true"`))
	})
	if err != nil {
		p.stop(0)
		c.etcd = nil
		return err
	}
	c.etcdURL = clientURL
	c.logf("testcluster: etcd ready at %s after %v", clientURL, time.Since(began).Round(time.Millisecond))
	return nil
}

// startAPIServer starts kube-apiserver on c.apiPort and waits for it.
// The caller holds c.mu or has not yet shared c.
func (c *Cluster) startAPIServer(ctx context.Context) error {
	args := []string{
		"--etcd-servers=" + c.etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(c.apiPort),
		"--tls-cert-file=" + c.path(servingCertFile),
		"--tls-private-key-file=" + c.path(servingKeyFile),
		// Unused while a serving certificate is given, but its default is
		// /var/run/kubernetes, outside the cluster's directory.
		"--cert-dir=" + c.path(apiserverCerts),
		"--token-auth-file=" + c.path(tokenFile),
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + c.path(saKeyFile),
		"--service-account-signing-key-file=" + c.path(saKeyFile),
		"--service-cluster-ip-range=10.96.0.0/24",
		// The default reconciler publishes the advertise address as the
		// endpoints of the "kubernetes" Service and refuses a loopback
		// one; nothing here needs that Service to have endpoints.
		"--endpoint-reconciler-type=none",
		"--profiling=false",
	}
	args = append(args, c.opts.APIServerArgs...)
	began := time.Now()
	p, err := startProc("kube-apiserver", c.bin.apiserver, args, childEnv(c.dir), c.dir, c.path(apiserverLog))
	if err != nil {
		return err
	}
	c.apiserver = p
	client, err := c.probeClient()
	if err != nil {
		p.stop(0)
		c.apiserver = nil
		return err
	}
	err = c.waitReady(ctx, p, func(ctx context.Context) bool {
		if _, ok := get(ctx, client, c.host+"/readyz", c.token); !ok {
			return false
		}
		// /readyz does not wait for the namespaces that a controller in
		// the server creates just after it starts; objects sent to
		// "default" before then are refused.
		_, ok := get(ctx, client, c.host+"/api/v1/namespaces/default", c.token)
		return ok
	})
	if err != nil {
		p.stop(0)
		c.apiserver = nil
		return err
	}
	c.logf("testcluster: kube-apiserver ready at %s after %v", c.host, time.Since(began).Round(time.Millisecond))
	return nil
}

func (c *Cluster) probeClient() (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(c.caPEM) {
		return nil, errors.New("cannot parse the generated CA certificate")
	}
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool},
			// Each probe gets a new connection so that one to a server
			// that is shutting down is not reused.
			DisableKeepAlives: true,
		},
	}, nil
}

// waitReady polls ready until it reports true, the process exits, the
// start timeout passes or ctx ends. Its errors end with the process's log.
func (c *Cluster) waitReady(ctx context.Context, p *proc, ready func(context.Context) bool) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.StartTimeout)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if ready(ctx) {
			return nil
		}
		select {
		case <-p.done:
			return &startError{name: p.name, cause: fmt.Errorf("exited before it was ready: %v", p.waitErr), log: tailFile(p.logPath, 40)}
		case <-ctx.Done():
			cause := ctx.Err()
			if errors.Is(cause, context.DeadlineExceeded) {
				cause = fmt.Errorf("not ready after %v", c.opts.StartTimeout)
			}
			return &startError{name: p.name, cause: cause, log: tailFile(p.logPath, 40)}
		case <-tick.C:
		}
	}
}

// get reports whether url answered 200, and with what.
func get(ctx context.Context, client *http.Client, url, token string) ([]byte, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, false
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return body, err == nil && resp.StatusCode == http.StatusOK
}

func (c *Cluster) writeKubeconfig() error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["testcluster"] = &clientcmdapi.Cluster{
		Server:                   c.host,
		CertificateAuthorityData: c.caPEM,
	}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: c.token}
	cfg.Contexts["testcluster"] = &clientcmdapi.Context{
		Cluster:   "testcluster",
		AuthInfo:  "admin",
		Namespace: "default",
	}
	cfg.CurrentContext = "testcluster"
	c.kubeconfig = c.path(kubeconfigFile)
	return clientcmd.WriteToFile(*cfg, c.kubeconfig)
}

// startError is a process that did not become ready, with the end of its
// log, which usually says why.
type startError struct {
	name  string
	cause error
	log   string
}

func (e *startError) Error() string {
	return fmt.Sprintf("%s: %v; last lines of its log:\n%s", e.name, e.cause, e.log)
}

func (e *startError) Unwrap() error { return e.cause }

func retryOnPortClash(start func() error) error {
	var err error
	for range portAttempts {
		err = start()
		var se *startError
		if !errors.As(err, &se) || !strings.Contains(se.log, "address already in use") {
			return err
		}
	}
	return err
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// childEnv is the environment of the processes the package runs: the
// test's, less what would point them at another cluster or detour their
// loopback traffic, with HOME in the cluster's directory so that caches
// and config files are neither read from nor written to the user's.
func childEnv(home string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "ETCD_"), strings.HasPrefix(name, "ETCDCTL_"),
			name == "KUBECONFIG", name == "KUBERC", name == "HOME":
			continue
		case strings.HasSuffix(strings.ToUpper(name), "_PROXY"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home)
	return append(env, extra...)
}

// tailFile returns at most the last n lines of the file at path.
func tailFile(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	defer f.Close()
	// The API server's lines can be long; 64 KiB holds dozens of them.
	const window = 64 << 10
	if info, err := f.Stat(); err == nil && info.Size() > window {
		if _, err := f.Seek(-window, io.SeekEnd); err != nil {
			return fmt.Sprintf("(%v)", err)
		}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
