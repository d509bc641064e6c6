package main

import (
	"encoding/json"
	"strings"
)

func jsonOf(t tree) string {
	b, err := json.MarshalIndent(t, "", "    ")
	if err != nil {
		panic(err)
	}
	return string(b)
}

// streams are whole files as people have them: several objects in one
// file, kubectl's exports, Helm's output, JSON streams.
func streams() []kcase {
	named := func(name string, edits ...edit) tree {
		t := baseIngress()
		t["metadata"].(tree)["name"] = name
		for _, e := range edits {
			e(t)
		}
		return t
	}
	bad := set("/a/../b", at(path0, "path")...)
	export := func() tree {
		t := named("exported")
		m := t["metadata"].(tree)
		m["uid"] = "0b0a4a52-2d6e-4e52-9c3f-4e0c8e8b2a11"
		m["resourceVersion"] = "4711"
		m["generation"] = 3
		m["creationTimestamp"] = "2026-03-01T10:00:00Z"
		m["annotations"] = tree{"kubectl.kubernetes.io/last-applied-configuration": jsonOf(baseIngress()) + "\n"}
		m["managedFields"] = []any{tree{
			"apiVersion": "networking.k8s.io/v1", "fieldsType": "FieldsV1",
			"fieldsV1": tree{"f:spec": tree{"f:rules": tree{}}},
			"manager":  "kubectl-client-side-apply", "operation": "Update",
			"time": "2026-03-01T10:00:00Z",
		}}
		t["status"] = tree{"loadBalancer": tree{"ingress": []any{tree{"ip": "10.0.0.1"}}}}
		return t
	}
	list := func(items ...any) tree {
		return tree{"apiVersion": "v1", "kind": "List", "metadata": tree{"resourceVersion": ""}, "items": items}
	}
	service := tree{"apiVersion": "v1", "kind": "Service", "metadata": tree{"name": "web"},
		"spec": tree{"ports": []any{tree{"port": 80}}}}

	return []kcase{
		raw("stream-yaml-two", yamlOf(named("a"))+"---\n"+yamlOf(named("b"))),
		raw("stream-yaml-one-bad", yamlOf(named("a"))+"---\n"+yamlOf(named("b", bad))+"---\n"+yamlOf(named("c"))),
		raw("stream-yaml-empty-docs", "---\n---\n"+yamlOf(named("a"))+"---\n\n---\n# only a comment\n"),
		raw("stream-yaml-null-doc", "null\n---\n"+yamlOf(named("a"))),
		raw("stream-helm", "---\n# Source: web/templates/service.yaml\n"+yamlOf(service)+
			"---\n# Source: web/templates/ingress.yaml\n"+yamlOf(named("web"))),
		raw("stream-json-two", jsonOf(named("a"))+"\n"+jsonOf(named("b"))+"\n"),
		raw("stream-json-adjacent", strings.ReplaceAll(jsonOf(named("a")), "\n", "")+
			strings.ReplaceAll(jsonOf(named("b")), "\n", "")),
		raw("stream-json-one-bad", jsonOf(named("a"))+"\n"+jsonOf(named("b", bad))+"\n"),
		raw("stream-json-list", jsonOf(list(named("a"), named("b")))+"\n"),
		raw("stream-json-list-bad", jsonOf(list(named("a"), named("b", bad)))+"\n"),
		raw("stream-yaml-list", yamlOf(list(named("a"), named("b", bad)))),
		raw("stream-export-yaml", yamlOf(export())),
		raw("stream-export-json", jsonOf(list(export()))+"\n"),
		raw("stream-json-dup-key", `{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
 "metadata": {"name": "Bad", "name": "dup"},
 "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}
`),
		raw("stream-json-crlf", strings.ReplaceAll(jsonOf(named("a")), "\n", "\r\n")+"\r\n"),
		raw("stream-yaml-crlf", strings.ReplaceAll(yamlOf(named("a")), "\n", "\r\n")),
		raw("stream-json-bom", "\ufeff"+jsonOf(named("a"))+"\n"),
		raw("stream-yaml-bom", "\ufeff"+yamlOf(named("a"))),
	}
}
