// Command kube-apiserver is the upstream Kubernetes API server, built from
// the k8s.io/kubernetes module at the version pinned in ../../go.mod so the
// end-to-end tests run against a real server without a downloaded release.
package main

import (
	"os"

	// CronJob time zones are validated against the embedded database, so
	// the server behaves the same on hosts without /usr/share/zoneinfo.
	_ "time/tzdata"

	"k8s.io/component-base/cli"
	// Registered by side effect; without them --logging-format=json and the
	// client-go and version metrics that the release binary has are absent.
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
