package main

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// A manifest of the corpus is built as a tree of map[string]any, []any
// and scalars, edited by path, then written out. Paths are lists of map
// keys (string) and list indexes (int), so that keys holding dots and
// slashes (annotation keys) need no quoting.

type tree = map[string]any

// edit is one change to a tree.
type edit func(tree)

// set puts v at path, creating the maps and growing the lists on the way.
func set(v any, path ...any) edit {
	return func(t tree) { t[path[0].(string)] = put(t[path[0].(string)], path[1:], v) }
}

func put(cur any, path []any, v any) any {
	if len(path) == 0 {
		return v
	}
	switch k := path[0].(type) {
	case string:
		m, ok := cur.(tree)
		if !ok {
			m = tree{}
		}
		m[k] = put(m[k], path[1:], v)
		return m
	case int:
		l, _ := cur.([]any)
		for len(l) <= k {
			l = append(l, nil)
		}
		l[k] = put(l[k], path[1:], v)
		return l
	}
	panic(fmt.Sprintf("bad path element %v", path[0]))
}

// del removes the map key or list element at path.
func del(path ...any) edit {
	return func(t tree) { remove(t, path) }
}

func remove(cur any, path []any) {
	last := len(path) == 1
	switch k := path[0].(type) {
	case string:
		m := cur.(tree)
		if last {
			delete(m, k)
		} else {
			remove(m[k], path[1:])
		}
	case int:
		if last {
			panic("del: a list element is removed through its parent")
		}
		remove(cur.([]any)[k], path[1:])
	}
}

// clone copies a tree deeply, so every case edits its own.
func clone(v any) any {
	switch x := v.(type) {
	case tree:
		m := tree{}
		for k, e := range x {
			m[k] = clone(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = clone(e)
		}
		return l
	}
	return v
}

// yamlOf writes a tree as YAML (keys sorted, as kubectl prints them).
func yamlOf(t tree) string {
	b, err := yaml.Marshal(t)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// svc is a service backend.
func svc(name string, port any) tree {
	p := tree{}
	switch x := port.(type) {
	case int:
		p["number"] = x
	case string:
		p["name"] = x
	}
	return tree{"service": tree{"name": name, "port": p}}
}

// baseIngress is the valid Ingress the mutations start from: a default
// backend and one rule with one path, as validation_test.go's base.
func baseIngress() tree {
	return tree{
		"apiVersion": "networking.k8s.io/v1",
		"kind":       "Ingress",
		"metadata":   tree{"name": "foo", "namespace": "default"},
		"spec": tree{
			"defaultBackend": svc("defaultbackend", 80),
			"rules": []any{tree{
				"host": "foo.bar.com",
				"http": tree{"paths": []any{tree{
					"path":     "/foo",
					"pathType": "ImplementationSpecific",
					"backend":  svc("defaultbackend", 80),
				}}},
			}},
		},
	}
}

// baseClass is a valid IngressClass with cluster-scoped parameters.
func baseClass() tree {
	return tree{
		"apiVersion": "networking.k8s.io/v1",
		"kind":       "IngressClass",
		"metadata":   tree{"name": "test123"},
		"spec": tree{
			"controller": "foo.co/bar",
			"parameters": tree{
				"apiGroup": "example.com",
				"kind":     "foo",
				"name":     "bar",
				"scope":    "Cluster",
			},
		},
	}
}

// kcase is one manifest of the corpus.
type kcase struct {
	name string // unique; the file name in -keep
	text string
}

// mutate is a case made from a base tree and edits.
func mutate(name string, base func() tree, edits ...edit) kcase {
	t := base()
	for _, e := range edits {
		e(t)
	}
	return kcase{name: name, text: yamlOf(t)}
}

// raw is a case written out by hand, for what a tree cannot say
// (duplicate keys, YAML typing, several documents, JSON streams).
func raw(name, text string) kcase {
	return kcase{name: name, text: strings.TrimLeft(text, "\n")}
}
