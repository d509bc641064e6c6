package kube

import (
	"bytes"
	"errors"
	"io"
	"sort"

	"ingroute.dev/ingroute"
)

// WriteManifests writes what the Watcher serves as one JSON List, for
// consumers that read files (the nginx module, through ingroute-sync):
// every IngressClass, and every Ingress served under the class rules, each
// in the version the Ruleset holds, so a version the library refused is
// written as the last good one. Objects are sorted by kind and key, so
// the same state always makes the same bytes. Needs
// Options.KeepManifests.
func (w *Watcher) WriteManifests(out io.Writer) error {
	if !w.opts.KeepManifests {
		return errors.New("kube: WriteManifests needs Options.KeepManifests")
	}
	served := make(map[objKey]bool)
	for _, in := range w.rs.Ingresses() {
		if in.Served {
			served[objKey{ingroute.KindIngress, in.Namespace, in.Name}] = true
		}
	}
	w.mu.Lock()
	keys := make([]objKey, 0, len(w.manifests))
	for k := range w.manifests {
		if k.kind == ingroute.KindIngressClass || served[k] {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.kind != b.kind {
			return a.kind > b.kind // IngressClasses first
		}
		if a.namespace != b.namespace {
			return a.namespace < b.namespace
		}
		return a.name < b.name
	})
	var buf bytes.Buffer
	buf.WriteString(`{"apiVersion":"v1","kind":"List","items":[`)
	for i, k := range keys {
		if i > 0 {
			buf.WriteString(",\n")
		} else {
			buf.WriteString("\n")
		}
		buf.Write(w.manifests[k])
	}
	w.mu.Unlock()
	buf.WriteString("\n]}\n")
	_, err := out.Write(buf.Bytes())
	return err
}
