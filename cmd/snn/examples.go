package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"snn/examples"
	"snn/sim/spec"
)

func examplesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "examples [NAME]",
		Short: "List the built-in example networks, or print one's spec (snn examples cuba > my.toml)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			if len(args) == 1 {
				b, ok := examples.Get(args[0])
				if !ok {
					return usageError{fmt.Errorf("no built-in example %q (built-in: %s)", args[0], strings.Join(examples.Names(), ", "))}
				}
				_, err := w.Write(b)
				return err
			}
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
