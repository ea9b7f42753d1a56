// Command snn runs spiking network simulations described by spec files.
//
//	snn run [SPEC|NAME] [-o DIR] [--seed N] [--duration T]
//	snn examples [NAME]
//
// Exit status: 0 on success, 2 for bad input (flags, spec, checkpoint), 1 for a failure
// while running (disk full and the like), 128+n after signal n (SIGINT 130, SIGTERM 143)
// once the checkpoint is written.
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"

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
	root.AddCommand(runCmd(), examplesCmd(), analyzeCmd(), windowCmd(), compareCmd())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "snn:", err)
		var u usageError
		var in interrupted
		switch {
		case errors.As(err, &u):
			os.Exit(2)
		case errors.As(err, &in):
			if s, ok := in.sig.(syscall.Signal); ok {
				os.Exit(128 + int(s)) // the shell's convention for a process ended by a signal
			}
		}
		os.Exit(1)
	}
}
