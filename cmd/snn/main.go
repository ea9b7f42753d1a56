// Command snn runs spiking network simulations described by spec files.
//
//	snn run [SPEC|NAME] [-o DIR] [--seed N] [--duration T]
//	snn examples [NAME]
//
// Exit status: 0 on success, 2 for bad input (flags, spec), 1 for a failure while
// running (disk full and the like).
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// version is the snn version, written into every run's manifest and parts.
const version = "0.1.0-dev"

// usageError marks bad input: exit status 2.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func main() {
	root := &cobra.Command{
		Use:           "snn",
		Short:         "snn is an event-driven spiking neural network simulator",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(runCmd(), examplesCmd(), analyzeCmd())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "snn:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
