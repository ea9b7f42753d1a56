package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"snn/examples"
	"snn/sim"
	"snn/sim/spec"
)

type runFlags struct {
	out      string
	seed     uint64
	seedSet  bool
	duration string
}

func runCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [SPEC|NAME]",
		Short: "Run a network from a spec file or a built-in example (default: " + examples.Default + ")",
		Long: `Run a network from a spec file or a built-in example (see snn examples).

Writes into DIR (default: a new folder under ./runs):
  summary.json  what ran and what it did (counts, rates, CV of ISI, spikes_sha256)
  spikes.csv    every recorded spike: time_ns,population,neuron in event order`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.seedSet = cmd.Flags().Changed("seed")
			name := examples.Default
			if len(args) == 1 {
				name = args[0]
			}
			_, err := run(name, f, cmd.OutOrStdout())
			return err
		},
	}
	cmd.Flags().StringVarP(&f.out, "out", "o", "", "output directory (default: runs/NAME-TIMESTAMP)")
	cmd.Flags().Uint64Var(&f.seed, "seed", 0, "seed of every random stream (default: the spec's)")
	cmd.Flags().StringVar(&f.duration, "duration", "", `simulated time, for example "10s" or "500 ms" (default: the spec's)`)
	return cmd
}

// loadSpec reads a spec file, or a built-in example when no file of that name exists.
func loadSpec(arg string) (*spec.Spec, string, error) {
	data, err := os.ReadFile(arg)
	switch {
	case err == nil:
		s, err := spec.Decode(arg, data)
		if err != nil {
			return nil, "", usageError{err}
		}
		if s.Name == "" {
			s.Name = strings.TrimSuffix(filepath.Base(arg), filepath.Ext(arg))
		}
		return s, arg, nil
	case errors.Is(err, os.ErrNotExist):
		b, ok := examples.Get(arg)
		if !ok {
			return nil, "", usageError{fmt.Errorf("%s: no such spec file or built-in example (built-in: %s)", arg, strings.Join(examples.Names(), ", "))}
		}
		s, err := spec.Decode(arg, b)
		if err != nil {
			return nil, "", err
		}
		return s, "example:" + arg, nil
	default:
		return nil, "", usageError{err}
	}
}

// run builds and runs one network and writes its outputs. Everything that can be refused
// (flags, spec, memory, output directory) is checked before the first byte is written.
func run(arg string, f runFlags, stdout io.Writer) (sum *Summary, err error) {
	defer func() {
		// A panic is a bug in snn, not the user's doing: report it as such, not as a
		// Go stack trace.
		if p := recover(); p != nil {
			sum, err = nil, fmt.Errorf("internal error (please report it with the spec and seed): %v", p)
		}
	}()
	s, source, err := loadSpec(arg)
	if err != nil {
		return nil, err
	}
	opt := spec.Options{MemoryLimit: availableMemory()}
	if f.seedSet {
		opt.Seed = &f.seed
	}
	if f.duration != "" {
		ms, _, err := spec.ParseQuantity(f.duration, spec.Time)
		if err != nil {
			return nil, usageError{fmt.Errorf("--duration %q: %v", f.duration, err)}
		}
		if opt.Duration = sim.FromMs(ms); opt.Duration <= 0 {
			return nil, usageError{fmt.Errorf("--duration %q: must be positive", f.duration)}
		}
	}
	t0 := time.Now()
	net, err := spec.Build(s, opt)
	if err != nil {
		return nil, usageError{err}
	}
	build := time.Since(t0)

	dir := f.out
	if dir == "" {
		dir = filepath.Join("runs", fmt.Sprintf("%s-%s", net.Name, time.Now().Format("20060102-150405")))
		for k := 2; exists(dir); k++ {
			dir = filepath.Join("runs", fmt.Sprintf("%s-%s-%d", net.Name, time.Now().Format("20060102-150405"), k))
		}
	}
	for _, f := range []string{"summary.json", "spikes.csv"} {
		if exists(filepath.Join(dir, f)) {
			return nil, usageError{fmt.Errorf("%s already holds a run (%s); choose another -o or remove it", dir, f)}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}

	rec, err := newRecorder(net, filepath.Join(dir, "spikes.csv"))
	if err != nil {
		return nil, err
	}
	net.Engine.Observe(rec)
	t1 := time.Now()
	net.Engine.Run(net.Duration)
	wall := time.Since(t1)
	if err := rec.close(); err != nil {
		return nil, fmt.Errorf("writing spikes: %w", err)
	}
	sum = rec.summary(source, net, wall, build)
	b, _ := json.MarshalIndent(sum, "", "  ")
	if err := writeAtomic(filepath.Join(dir, "summary.json"), append(b, '\n')); err != nil {
		return nil, err
	}
	printSummary(stdout, sum, dir)
	return sum, nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// writeAtomic writes data to a temporary file beside path, then renames it, so a reader
// never sees a partial file.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func printSummary(w io.Writer, s *Summary, dir string) {
	fmt.Fprintf(w, "%s: %s simulated in %.3f s (build %.3f s), seed %d\n", s.Name, time.Duration(s.SimSeconds*1e9), s.WallSeconds, s.BuildSeconds, s.Seed)
	fmt.Fprintf(w, "%d spikes, %d synaptic events (%.3g per wall second)\n", s.Spikes, s.SynapticEvents, float64(s.SynapticEvents)/max(s.WallSeconds, 1e-9))
	fmt.Fprintf(w, "%-12s %8s %10s %10s %8s\n", "population", "neurons", "spikes", "rate (Hz)", "CV ISI")
	for _, name := range s.order {
		p := s.Populations[name]
		cv := "-"
		if p.CVISI != nil {
			cv = fmt.Sprintf("%.3f", *p.CVISI)
		}
		fmt.Fprintf(w, "%-12s %8d %10d %10.3f %8s\n", name, p.Neurons, p.Spikes, p.MeanRateHz, cv)
	}
	fmt.Fprintf(w, "spikes_sha256 %s\nwrote %s\n", s.SpikesSHA256, dir)
}
