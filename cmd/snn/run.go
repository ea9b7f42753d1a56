package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"snn/examples"
	"snn/recordings"
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
  run.json      the manifest: spec, seed, version, start and end, complete parts
  summary.json  what ran and what it did (counts, rates, CV of ISI, spikes_sha256)
  spikes/       every recorded spike, Parquet parts (time_ns, node_ids, population)`,
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

// loadSpec reads a spec file, or a built-in example when no file of that name exists,
// and returns it with its source ("example:NAME" or the path) and its text.
func loadSpec(arg string) (*spec.Spec, string, []byte, error) {
	data, err := os.ReadFile(arg)
	switch {
	case err == nil:
		s, err := spec.Decode(arg, data)
		if err != nil {
			return nil, "", nil, usageError{err}
		}
		if s.Name == "" {
			s.Name = strings.TrimSuffix(filepath.Base(arg), filepath.Ext(arg))
		}
		return s, arg, data, nil
	case errors.Is(err, os.ErrNotExist):
		b, ok := examples.Get(arg)
		if !ok {
			return nil, "", nil, usageError{fmt.Errorf("%s: no such spec file or built-in example (built-in: %s)", arg, strings.Join(examples.Names(), ", "))}
		}
		s, err := spec.Decode(arg, b)
		if err != nil {
			return nil, "", nil, err
		}
		return s, "example:" + arg, b, nil
	default:
		return nil, "", nil, usageError{err}
	}
}

// slice is the simulated time run between checks of the recording.
const slice = 100 * sim.Millisecond

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
	s, source, text, err := loadSpec(arg)
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
	for _, f := range []string{"run.json", "summary.json", "spikes"} {
		if exists(filepath.Join(dir, f)) {
			return nil, usageError{fmt.Errorf("%s already holds a run (%s); choose another -o or remove it", dir, f)}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}

	var pops []recordings.Population
	for _, g := range net.Groups {
		pops = append(pops, recordings.Population{Name: g.Name, Size: g.Size, Model: g.Model, Input: g.Input, Recorded: g.Record})
	}
	rr, err := recordings.CreateRun(dir, recordings.Manifest{Version: version, Name: net.Name, Spec: source,
		SpecText: string(text), Seed: net.Seed, DurationNs: int64(net.Duration), Populations: pops, Started: time.Now().UTC()})
	if err != nil {
		return nil, err
	}
	if err := rr.AddDataset("spikes", recordings.SpikeColumns); err != nil {
		return nil, err
	}
	names := make([]string, len(net.Groups))
	for g, gr := range net.Groups {
		names[g] = gr.Name
	}
	meta := map[string]string{"snn.run": net.Name, "snn.seed": strconv.FormatUint(net.Seed, 10),
		"snn.version": version, "snn.spec": source, "snn.format": recordings.Format}
	spikes, err := recordings.NewSpikeWriter(dir, names, meta, recordings.DefaultLimits, rr.PartClosed("spikes"))
	if err != nil {
		return nil, err
	}
	rec := newRecorder(net, spikes)
	net.Engine.Observe(rec)
	smp, err := newSampler(net, dir, meta, rr)
	if err != nil {
		spikes.Close()
		rr.Finish(err)
		return nil, err
	}
	t1 := time.Now()
	// Run from one sample time to the next, in slices of at most 100 ms (stopping and
	// continuing changes nothing), so that a recording that cannot be written (a full
	// disk) ends the run early.
	for t := sim.Time(0); ; {
		t = min(t+slice, smp.next(), net.Duration)
		net.Engine.Run(t)
		smp.sample(t)
		if spikes.Err() != nil || smp.err() != nil || t == net.Duration {
			break
		}
	}
	wall := time.Since(t1)
	for _, c := range []struct {
		name  string
		close func() error
	}{{"spikes", spikes.Close}, {"state and weights", smp.close}} {
		if err := c.close(); err != nil {
			err = fmt.Errorf("writing %s into %s: %w (the parts listed in run.json are complete)", c.name, dir, err)
			rr.Finish(err)
			return nil, err
		}
	}
	if err := rr.Finish(nil); err != nil {
		return nil, err
	}
	sum = rec.summary(source, net, wall, build)
	b, _ := json.MarshalIndent(sum, "", "  ")
	if err := recordings.WriteAtomic(filepath.Join(dir, "summary.json"), append(b, '\n')); err != nil {
		return nil, err
	}
	printSummary(stdout, sum, dir)
	return sum, nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

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
