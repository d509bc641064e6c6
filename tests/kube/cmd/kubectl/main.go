// Command kubectl is the upstream kubectl, built from k8s.io/kubectl at the
// release pinned in ../../go.mod, so the end-to-end tests drive the API
// server with the same client a user would.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

// The client-go auth plugins (OIDC and the like) are left out: the test
// clusters authenticate with a static token.

func main() {
	// klog is used while the command tree is built (plugins, .kuberc),
	// before cobra has parsed -v, so the verbosity is taken from the raw
	// arguments first. A bad -v value is reported again by the flag parser.
	_, _ = logs.GlogSetter(cmd.GetLogVerbosity(os.Args))

	// RunNoErrOutput leaves error printing to us: kubectl's CheckErr
	// formats API errors (status, field causes) and picks the exit code.
	if err := cli.RunNoErrOutput(cmd.NewDefaultKubectlCommand()); err != nil {
		util.CheckErr(err)
	}
}
