// Package kube follows a Kubernetes cluster: it watches Ingresses and
// IngressClasses through the API server with client-go's shared
// informers, applies every change to an ingroute.Ruleset by key, and
// keeps a compiled ingroute.Router current, swapping it atomically.
//
// Every proxy replica runs its own Watcher against the API server; the
// API server and etcd are the shared store, so replicas scale without
// coordinating. A change that the Ruleset refuses (an object whose new
// version fails validation) never removes a served route: the last good
// version stays (docs/semantics.md §1.6).
//
//	cfg, _ := kube.RESTConfig("")            // in-cluster, else $KUBECONFIG
//	w, _ := kube.New(kube.Options{Config: cfg, Ruleset: ingroute.Options{Class: "public"}})
//	go w.Run(ctx)
//	_ = w.WaitReady(ctx)
//	...
//	snap := w.Acquire()                      // per request
//	m, _ := snap.Router.Match(r.Host, r.URL.EscapedPath())
//	snap.Release()
//
// When the cluster serves the Gateway API (its CustomResourceDefinitions
// are installed), GatewayClasses, Gateways, HTTPRoutes and ReferenceGrants
// are watched too, with the Services and Namespaces their references
// read, and the Routers serve them through Router.Route
// (docs/semantics.md §9). Kinds installed after Run started are found by
// asking the API server again every Options.GatewayAPIPoll.
// Options.NoGatewayAPI turns all of that off.
//
// This package lives in its own module so that the core binding
// (ingroute.dev/ingroute) does not depend on client-go.
package kube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"

	"ingroute.dev/ingroute"
)

// Options configure a Watcher. Config is required; the rest have
// defaults.
type Options struct {
	// Config reaches the API server (see RESTConfig).
	Config *rest.Config
	// Ruleset shapes the Ruleset and its Routers: the ingress class to
	// serve, whether it is the default, the global default backend, ...
	// Class filtering happens in the library (docs/semantics.md §3), with
	// the cluster's IngressClasses, so a changed default class changes
	// what is served.
	Ruleset ingroute.Options
	// Namespace limits the Ingresses watched to one namespace; "" watches
	// all. IngressClasses are cluster-scoped and always watched.
	Namespace string
	// LabelSelector limits the Ingresses watched ("team=shop,env!=dev").
	LabelSelector string
	// Interval is the least time between two compiles: a burst of changes
	// makes one Router [100ms].
	Interval time.Duration
	// Resync is the informers' resync period; 0 means none. A resync
	// delivers objects that did not change; they cost no compile.
	Resync time.Duration
	// OnSwap, when set, is called after every swap, from the goroutine that
	// compiles (a slow callback delays the next compile).
	OnSwap func(Swap)
	// OnDiagnostics, when set, gets the warnings and errors of applying
	// one object, from the goroutine that applies events: a refused
	// version (its errors and the DiagKept that names the version kept)
	// changes no Router, so this is where it is seen.
	OnDiagnostics func([]ingroute.Diagnostic)
	// KeepManifests keeps the JSON of the version of each object the
	// Ruleset holds, for WriteManifests.
	KeepManifests bool
	// NoGatewayAPI does not watch the Gateway API even when the cluster
	// serves it.
	NoGatewayAPI bool
	// GatewayAPIPoll is how often to ask the API server again whether it
	// serves the Gateway API kinds not watched yet (CRDs installed after
	// Run started); the asking stops once all are watched. Negative: ask
	// only when Run starts [30s].
	GatewayAPIPoll time.Duration
}

// Swap describes one new Router.
type Swap struct {
	// Generation is the Ruleset generation the Router was compiled from.
	Generation uint64
	// CompileTime is how long the compile took.
	CompileTime time.Duration
	// Events is the number of objects applied or deleted since the last
	// swap.
	Events int
	// Diagnostics are the compile's (conflicts, shadowed rules).
	Diagnostics []ingroute.Diagnostic
	// Stats are the new Router's counts.
	Stats ingroute.Stats
}

// Snapshot is a Router held for the length of a request. Release it when
// done; the Router is closed once it is swapped out and released by
// every holder.
type Snapshot struct {
	Router     *ingroute.Router
	Generation uint64
	refs       atomic.Int64
}

// Release gives the Snapshot back.
func (s *Snapshot) Release() {
	if s.refs.Add(-1) == 0 {
		s.Router.Close()
	}
}

// Watcher follows a cluster. Make one with New, run it with Run.
type Watcher struct {
	opts    Options
	client  kubernetes.Interface
	rs      *ingroute.Ruleset
	queue   workqueue.TypedRateLimitingInterface[objKey]
	kick    chan struct{}
	current atomic.Pointer[Snapshot]
	ready   atomic.Bool
	readyCh chan struct{}
	running atomic.Bool

	ingresses cache.SharedIndexInformer
	classes   cache.SharedIndexInformer
	// the Gateway API's kinds and the core kinds they read, by kind name;
	// empty when the cluster does not serve the Gateway API
	dyn      dynamic.Interface
	othersMu sync.RWMutex // informers are added while the worker reads
	others   map[string]cache.SharedIndexInformer
	dynFac   dynamicinformer.DynamicSharedInformerFactory
	coreFac  informers.SharedInformerFactory

	// applyMu makes applying one object (the Ruleset and its kept JSON)
	// and compiling exclusive, so that a Router of generation G comes
	// with the manifests of every change up to G.
	applyMu sync.Mutex

	mu        sync.Mutex // guards what the worker hands to the compiler
	events    int
	caughtUp  bool
	manifests map[objKey][]byte
}

// objKey names one object in the queue. The sync marker is the zero
// kind: it goes through the queue behind everything the initial lists
// delivered.
type objKey struct {
	kind      string // ingroute.KindIngress, ingroute.KindIngressClass, or ""
	namespace string
	name      string
}

var syncMarker = objKey{}

// RESTConfig gives the configuration for reaching the API server: from the
// kubeconfig file when one is named, else in-cluster when running in a
// Pod, else from $KUBECONFIG or ~/.kube/config as kubectl finds it.
func RESTConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig != "" {
		return clientcmd.BuildConfigFromFlags("", kubeconfig)
	}
	if cfg, err := rest.InClusterConfig(); err == nil {
		return cfg, nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig()
}

// New checks the options and makes a Watcher; nothing is contacted until
// Run.
func New(opts Options) (*Watcher, error) {
	if opts.Config == nil {
		return nil, errors.New("kube: Options.Config is required")
	}
	if opts.Interval <= 0 {
		opts.Interval = 100 * time.Millisecond
	}
	if opts.GatewayAPIPoll == 0 {
		opts.GatewayAPIPoll = 30 * time.Second
	}
	if opts.LabelSelector != "" {
		if _, err := labels.Parse(opts.LabelSelector); err != nil {
			return nil, fmt.Errorf("kube: label selector: %w", err)
		}
	}
	cfg := rest.CopyConfig(opts.Config)
	if cfg.UserAgent == "" {
		cfg.UserAgent = "ingroute-watcher"
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kube: %w", err)
	}
	w, err := newWatcher(opts, client)
	if err != nil {
		return nil, err
	}
	if !opts.NoGatewayAPI {
		if w.dyn, err = dynamic.NewForConfig(cfg); err != nil {
			w.Close()
			return nil, fmt.Errorf("kube: %w", err)
		}
	}
	return w, nil
}

// The Gateway API's kinds ingroute reads, the versions it takes each at
// (the first the cluster serves), and their resource names.
var gatewayKinds = []struct {
	kind, resource string
	versions       []string
	namespaced     bool
}{
	{"GatewayClass", "gatewayclasses", []string{"v1", "v1beta1"}, false},
	{"Gateway", "gateways", []string{"v1", "v1beta1"}, true},
	{"HTTPRoute", "httproutes", []string{"v1", "v1beta1"}, true},
	{"ReferenceGrant", "referencegrants", []string{"v1", "v1beta1"}, true},
}

const gatewayGroup = "gateway.networking.k8s.io"

// gatewayResources asks the API server which of the Gateway API's kinds
// it serves, and at which version: kind -> resource; none when the CRDs
// are not installed.
func (w *Watcher) gatewayResources() map[string]schema.GroupVersionResource {
	disc := w.client.Discovery()
	served := map[string]map[string]bool{} // version -> resource names
	for _, v := range []string{"v1", "v1beta1"} {
		list, err := disc.ServerResourcesForGroupVersion(gatewayGroup + "/" + v)
		if err != nil {
			continue
		}
		served[v] = map[string]bool{}
		for _, r := range list.APIResources {
			served[v][r.Name] = true
		}
	}
	out := map[string]schema.GroupVersionResource{}
	for _, k := range gatewayKinds {
		for _, v := range k.versions {
			if served[v][k.resource] {
				out[k.kind] = schema.GroupVersionResource{Group: gatewayGroup, Version: v, Resource: k.resource}
				break
			}
		}
	}
	return out
}

func newWatcher(opts Options, client kubernetes.Interface) (*Watcher, error) {
	rs, err := ingroute.NewRuleset(opts.Ruleset)
	if err != nil {
		return nil, err
	}
	w := &Watcher{
		opts:    opts,
		client:  client,
		rs:      rs,
		kick:    make(chan struct{}, 1),
		readyCh: make(chan struct{}),
	}
	if opts.KeepManifests {
		w.manifests = make(map[objKey][]byte)
	}
	return w, nil
}

// Ready reports whether the first Router is in place: the informers have
// listed the cluster and everything they listed is compiled in.
func (w *Watcher) Ready() bool { return w.ready.Load() }

// WaitReady blocks until Ready or until ctx ends.
func (w *Watcher) WaitReady(ctx context.Context) error {
	select {
	case <-w.readyCh:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Acquire returns the current Router, held until Release; nil before the
// first Router. It allocates nothing and takes no lock.
func (w *Watcher) Acquire() *Snapshot {
	for {
		s := w.current.Load()
		if s == nil {
			return nil
		}
		// A count at zero belongs to a Snapshot already swapped out and
		// closed; the current one is newer, so look again.
		n := s.refs.Load()
		if n > 0 && s.refs.CompareAndSwap(n, n+1) {
			return s
		}
	}
}

// Generation is the generation of the current Router (0 before the first).
func (w *Watcher) Generation() uint64 {
	if s := w.current.Load(); s != nil {
		return s.Generation
	}
	return 0
}

// Ruleset gives read access to the objects held, for listing them
// (Ingresses, Find). Do not load into it or delete from it: the Watcher
// owns its contents.
func (w *Watcher) Ruleset() *ingroute.Ruleset { return w.rs }

// Close releases the Watcher's hold on the current Router and frees the
// Ruleset. Call it after Run returned; Snapshots still held stay valid
// until released.
func (w *Watcher) Close() {
	if s := w.current.Swap(nil); s != nil {
		s.Release()
	}
	w.rs.Close()
}

// Run watches until ctx ends, then stops every goroutine it started and
// returns ctx's error. A Watcher runs once.
func (w *Watcher) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return errors.New("kube: Watcher.Run called twice")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	w.queue = workqueue.NewTypedRateLimitingQueueWithConfig(
		workqueue.DefaultTypedControllerRateLimiter[objKey](),
		workqueue.TypedRateLimitingQueueConfig[objKey]{Name: "ingroute"})

	ingFactory := informers.NewSharedInformerFactoryWithOptions(w.client, w.opts.Resync,
		informers.WithNamespace(w.opts.Namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.LabelSelector = w.opts.LabelSelector
		}))
	clsFactory := informers.NewSharedInformerFactory(w.client, w.opts.Resync)
	w.ingresses = ingFactory.Networking().V1().Ingresses().Informer()
	w.classes = clsFactory.Networking().V1().IngressClasses().Informer()
	ingReg, err := w.ingresses.AddEventHandler(w.handler(ingroute.KindIngress))
	if err != nil {
		return err
	}
	clsReg, err := w.classes.AddEventHandler(w.handler(ingroute.KindIngressClass))
	if err != nil {
		return err
	}
	synced := []cache.InformerSynced{ingReg.HasSynced, clsReg.HasSynced}
	all := true
	if w.dyn != nil {
		more, done, err := w.watchGatewayAPI(ctx)
		if err != nil {
			return err
		}
		synced, all = append(synced, more...), done
	}
	ingFactory.Start(ctx.Done())
	clsFactory.Start(ctx.Done())

	var wg sync.WaitGroup
	if w.dyn != nil && !all && w.opts.GatewayAPIPoll > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.pollGatewayAPI(ctx)
		}()
	}
	wg.Add(3)
	go func() {
		defer wg.Done()
		// Behind everything the initial lists put in the queue goes the
		// marker; when the worker reaches it the cluster is applied.
		if cache.WaitForCacheSync(ctx.Done(), synced...) {
			w.queue.Add(syncMarker)
		}
	}()
	go func() {
		defer wg.Done()
		for w.work() {
		}
	}()
	go func() {
		defer wg.Done()
		w.compileLoop(ctx)
	}()

	<-ctx.Done()
	w.queue.ShutDown()
	wg.Wait()
	ingFactory.Shutdown()
	clsFactory.Shutdown()
	if w.dynFac != nil {
		w.dynFac.Shutdown()
		w.coreFac.Shutdown()
	}
	return ctx.Err()
}

// watchGatewayAPI starts an informer for each Gateway API kind the API
// server serves and no informer watches yet, and with the first of them
// the Services' and Namespaces'. It returns their HasSynced, and whether
// every kind is watched now.
func (w *Watcher) watchGatewayAPI(ctx context.Context) ([]cache.InformerSynced, bool, error) {
	gvrs := w.gatewayResources()
	w.othersMu.RLock()
	n := len(w.others)
	fresh := map[string]schema.GroupVersionResource{}
	for kind, gvr := range gvrs {
		if w.others[kind] == nil {
			fresh[kind] = gvr
		}
	}
	w.othersMu.RUnlock()
	if len(fresh) == 0 {
		return nil, n > 0 && len(gvrs) == len(gatewayKinds), nil
	}
	add := map[string]cache.SharedIndexInformer{}
	if w.dynFac == nil {
		w.dynFac = dynamicinformer.NewDynamicSharedInformerFactory(w.dyn, w.opts.Resync)
		w.coreFac = informers.NewSharedInformerFactory(w.client, w.opts.Resync)
		add["Service"] = w.coreFac.Core().V1().Services().Informer()
		add["Namespace"] = w.coreFac.Core().V1().Namespaces().Informer()
	}
	for kind, gvr := range fresh {
		add[kind] = w.dynFac.ForResource(gvr).Informer()
	}
	// in the map before any event of theirs can reach the worker
	w.othersMu.Lock()
	if w.others == nil {
		w.others = map[string]cache.SharedIndexInformer{}
	}
	for kind, inf := range add {
		w.others[kind] = inf
	}
	w.othersMu.Unlock()
	var synced []cache.InformerSynced
	for kind, inf := range add {
		reg, err := inf.AddEventHandler(w.handler(kind))
		if err != nil {
			return nil, false, err
		}
		synced = append(synced, reg.HasSynced)
	}
	w.dynFac.Start(ctx.Done())
	w.coreFac.Start(ctx.Done())
	return synced, len(gvrs) == len(gatewayKinds), nil
}

// pollGatewayAPI asks again every GatewayAPIPoll until every Gateway API
// kind is watched or ctx ends. The new informers' first lists reach the
// Ruleset as events, like any change.
func (w *Watcher) pollGatewayAPI(ctx context.Context) {
	t := time.NewTicker(w.opts.GatewayAPIPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, all, err := w.watchGatewayAPI(ctx); err != nil || all {
			return
		}
	}
}

func (w *Watcher) handler(kind string) cache.ResourceEventHandler {
	add := func(obj any) {
		key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj)
		if err != nil {
			return
		}
		ns, name, err := cache.SplitMetaNamespaceKey(key)
		if err != nil {
			return
		}
		w.queue.Add(objKey{kind: kind, namespace: ns, name: name})
	}
	return cache.ResourceEventHandlerFuncs{
		AddFunc: add,
		UpdateFunc: func(old, cur any) {
			// A resync repeats the same version: nothing to apply.
			if o, ok := old.(metaObject); ok {
				if c, ok := cur.(metaObject); ok && o.GetResourceVersion() == c.GetResourceVersion() {
					return
				}
			}
			add(cur)
		},
		DeleteFunc: add,
	}
}

// work applies one queued key; false once the queue is shut down.
func (w *Watcher) work() bool {
	key, quit := w.queue.Get()
	if quit {
		return false
	}
	defer w.queue.Done(key)
	if key == syncMarker {
		w.mu.Lock()
		w.caughtUp = true
		w.mu.Unlock()
		w.kickCompiler()
		return true
	}
	w.applyMu.Lock()
	err := w.apply(key)
	w.applyMu.Unlock()
	if err != nil {
		// Only resource exhaustion is worth another try; a version the
		// library refuses stays refused until the next event.
		w.queue.AddRateLimited(key)
		return true
	}
	w.queue.Forget(key)
	w.kickCompiler()
	return true
}

// apply brings the Ruleset's version of one object in line with the
// informer's cache.
func (w *Watcher) apply(key objKey) error {
	informer := w.ingresses
	cacheKey := key.namespace + "/" + key.name
	switch {
	case key.kind == ingroute.KindIngressClass:
		informer = w.classes
		cacheKey = key.name
	case key.kind != ingroute.KindIngress:
		w.othersMu.RLock()
		informer = w.others[key.kind]
		w.othersMu.RUnlock()
		if key.namespace == "" {
			cacheKey = key.name
		}
	}
	obj, exists, err := informer.GetIndexer().GetByKey(cacheKey)
	if err != nil {
		return err
	}
	if !exists {
		err := w.rs.Delete(key.kind, key.namespace, key.name)
		if err != nil && !errors.Is(err, ingroute.ErrNotFound) {
			return err
		}
		w.note(key, nil, nil, true)
		return nil
	}
	data, err := manifestJSON(obj)
	if err != nil {
		return nil // not an object of ours: nothing to retry
	}
	diags, err := w.rs.LoadBuffer(sourceName(key), data)
	if errors.Is(err, ingroute.ErrNoMemory) {
		return err
	}
	var lerr *ingroute.Error
	if errors.As(err, &lerr) {
		diags = lerr.Diagnostics
	}
	keep := data
	if err != nil || hasErrors(diags) {
		keep = nil // the held version, if any, stays
	}
	w.note(key, diags, keep, false)
	return nil
}

// sourceName labels an object's diagnostics:
// "apiserver:ingresses/NS/NAME:LINE:COL: error: ...".
func sourceName(key objKey) string {
	switch key.kind {
	case ingroute.KindIngressClass:
		return "apiserver:ingressclasses/" + key.name
	case ingroute.KindIngress:
		return "apiserver:ingresses/" + key.namespace + "/" + key.name
	}
	res := strings.ToLower(key.kind) + "s"
	for _, k := range gatewayKinds {
		if k.kind == key.kind {
			res = k.resource
		}
	}
	if key.namespace == "" {
		return "apiserver:" + res + "/" + key.name
	}
	return "apiserver:" + res + "/" + key.namespace + "/" + key.name
}

func hasErrors(diags []ingroute.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == ingroute.SeverityError {
			return true
		}
	}
	return false
}

// note records an event for the next Swap, and the manifest kept.
func (w *Watcher) note(key objKey, diags []ingroute.Diagnostic, keep []byte, deleted bool) {
	if w.opts.OnDiagnostics != nil {
		var worth []ingroute.Diagnostic
		for _, d := range diags {
			if d.Severity >= ingroute.SeverityWarning {
				worth = append(worth, d)
			}
		}
		if len(worth) > 0 {
			w.opts.OnDiagnostics(worth)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.events++
	if w.manifests != nil {
		switch {
		case deleted:
			delete(w.manifests, key)
		case keep != nil:
			w.manifests[key] = keep
		}
	}
}

type metaObject interface{ GetResourceVersion() string }

// manifestJSON gives an informer object as the API serves it, with its
// type (informers drop apiVersion and kind) and without managedFields,
// which are large and never routed on.
func manifestJSON(obj any) ([]byte, error) {
	switch o := obj.(type) {
	case *networkingv1.Ingress:
		c := o.DeepCopy()
		c.APIVersion, c.Kind = "networking.k8s.io/v1", "Ingress"
		c.ManagedFields = nil
		return json.Marshal(c)
	case *networkingv1.IngressClass:
		c := o.DeepCopy()
		c.APIVersion, c.Kind = "networking.k8s.io/v1", "IngressClass"
		c.ManagedFields = nil
		return json.Marshal(c)
	case *corev1.Service:
		// what the Gateway API's references read: the name and the ports
		c := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: o.Name, Namespace: o.Namespace,
			ResourceVersion: o.ResourceVersion}}
		c.APIVersion, c.Kind = "v1", "Service"
		c.Spec.Type = o.Spec.Type
		c.Spec.Ports = o.Spec.Ports
		return json.Marshal(c)
	case *corev1.Namespace:
		c := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: o.Name, Labels: o.Labels,
			ResourceVersion: o.ResourceVersion}}
		c.APIVersion, c.Kind = "v1", "Namespace"
		return json.Marshal(c)
	case *unstructured.Unstructured:
		c := o.DeepCopy()
		unstructured.RemoveNestedField(c.Object, "metadata", "managedFields")
		return json.Marshal(c.Object)
	}
	return nil, fmt.Errorf("kube: unexpected object %T", obj)
}

func (w *Watcher) kickCompiler() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// compileLoop compiles after changes, at most once per Interval, once the
// worker has caught up with the initial lists.
func (w *Watcher) compileLoop(ctx context.Context) {
	var last time.Time
	timer := time.NewTimer(0)
	if !timer.Stop() {
		<-timer.C
	}
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		}
		if wait := w.opts.Interval - time.Since(last); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
		}
		w.mu.Lock()
		caughtUp := w.caughtUp
		w.mu.Unlock()
		if !caughtUp {
			continue
		}
		if err := w.compile(); err == nil {
			last = time.Now()
		} else {
			// Out of memory or a limit: the served Router stays; try again
			// after the interval.
			last = time.Now()
			w.kickCompiler()
		}
	}
}

func (w *Watcher) compile() error {
	w.applyMu.Lock()
	gen := w.rs.Generation()
	if cur := w.current.Load(); cur != nil && cur.Generation == gen {
		w.applyMu.Unlock()
		w.takeEvents() // nothing a router reads changed
		return nil
	}
	start := time.Now()
	rt, err := w.rs.Compile()
	w.applyMu.Unlock()
	if err != nil {
		return err
	}
	diags := rt.Diagnostics()
	took := time.Since(start)
	st, _ := rt.Stats()
	snap := &Snapshot{Router: rt, Generation: st.Generation}
	snap.refs.Store(1) // the Watcher's own hold
	if old := w.current.Swap(snap); old != nil {
		old.Release()
	}
	events := w.takeEvents()
	if !w.ready.Load() {
		w.ready.Store(true)
		close(w.readyCh)
	}
	if w.opts.OnSwap != nil {
		w.opts.OnSwap(Swap{
			Generation:  st.Generation,
			CompileTime: took,
			Events:      events,
			Diagnostics: diags,
			Stats:       st,
		})
	}
	return nil
}

func (w *Watcher) takeEvents() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := w.events
	w.events = 0
	return n
}
