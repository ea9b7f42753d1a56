package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"snn/examples"
	"snn/sim/spec"
)

func examplesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "examples",
		Short: "List the built-in example networks (run one with: snn run NAME)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := cmd.OutOrStdout()
			for _, name := range examples.Names() {
				b, _ := examples.Get(name)
				s, err := spec.Decode(name, b)
				if err != nil {
					return err
				}
				mark := ""
				if name == examples.Default {
					mark = " (default)"
				}
				fmt.Fprintf(w, "%-10s %s%s\n", name, s.Description, mark)
			}
			return nil
		},
	}
}
