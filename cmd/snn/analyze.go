package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"snn/recordings"
	"snn/sim/spec"
)

type analyzeFlags struct {
	json     bool
	plots    bool
	bin      string
	psthBin  string
	pairs    int
	seed     uint64
	compare  []string
	tau      string
	vpCostMs float64
}

func analyzeCmd() *cobra.Command {
	var f analyzeFlags
	cmd := &cobra.Command{
		Use:   "analyze DIR",
		Short: "Statistics of a run's recorded spikes: rates, CV of ISI, Fano factor, correlations, PSTH, distances",
		Long: `Statistics of the spikes recorded in a run directory, per population and overall:
mean rate, CV of the inter-spike intervals, Fano factor and mean pairwise correlation of
spike counts in bins, the PSTH, and van Rossum and Victor-Purpura distances between the
trains named with --compare. The recording is read part by part in bounded memory.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return analyze(args[0], f, cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.json, "json", false, "print the statistics as JSON")
	fl.BoolVar(&f.plots, "plots", false, "write raster.png, rate.png, isi.png (and weights.png) into DIR/plots")
	fl.StringVar(&f.bin, "bin", "50 ms", "bin of the spike counts for the Fano factor and correlations")
	fl.StringVar(&f.psthBin, "psth-bin", "10 ms", "bin of the PSTH")
	fl.IntVar(&f.pairs, "pairs", 100, "neuron pairs sampled per population for the correlation")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the pair sampling")
	fl.StringArrayVar(&f.compare, "compare", nil, `two trains to compare, "POP:N,POP:M" (repeatable)`)
	fl.StringVar(&f.tau, "tau", "10 ms", "time constant of the van Rossum distance")
	fl.Float64Var(&f.vpCostMs, "vp-cost", 0.1, "Victor-Purpura cost per ms of spike shift")
	return cmd
}

func analyze(dir string, f analyzeFlags, w io.Writer) error {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usageError{fmt.Errorf("%s: not a directory", dir)}
	}
	m, err := recordings.ReadManifest(dir)
	if errors.Is(err, os.ErrNotExist) {
		return usageError{fmt.Errorf("%s: not a run directory (no run.json)", dir)}
	}
	if err != nil {
		return usageError{err}
	}
	cfg := recordings.AnalyzeConfig{Pairs: f.pairs, Seed: f.seed, VictorPurpuraQPerMs: f.vpCostMs}
	for name, v := range map[string]string{"--bin": f.bin, "--psth-bin": f.psthBin, "--tau": f.tau} {
		ms, _, err := spec.ParseQuantity(v, spec.Time)
		if err != nil || !(ms > 0) {
			return usageError{fmt.Errorf("%s %q: expected a positive time such as \"50 ms\"", name, v)}
		}
		switch name {
		case "--bin":
			cfg.CountBinNs = int64(ms * 1e6)
		case "--psth-bin":
			cfg.PSTHBinNs = int64(ms * 1e6)
		default:
			cfg.VanRossumTauMs = ms
		}
	}
	index := map[string]int32{}
	for _, p := range m.Populations {
		if p.Recorded {
			index[p.Name] = int32(len(cfg.Populations))
			cfg.Populations = append(cfg.Populations, recordings.AnalyzePopulation{Name: p.Name, Size: p.Size})
		}
	}
	if len(cfg.Populations) == 0 {
		return usageError{fmt.Errorf("%s: the run recorded no spikes", dir)}
	}
	// A run that did not finish is analysed up to its last recorded spike.
	cfg.DurationNs = m.DurationNs
	if m.Status != "complete" {
		cfg.DurationNs = 0
		for _, p := range m.Datasets["spikes"].Parts {
			cfg.DurationNs = max(cfg.DurationNs, p.LastNs)
		}
		if cfg.DurationNs == 0 {
			return usageError{fmt.Errorf("%s: the run is %s and has no complete spike parts yet; nothing to analyse", dir, m.Status)}
		}
		fmt.Fprintf(os.Stderr, "snn: %s: the run is %s; analysing the %v ms its complete parts cover\n", dir, m.Status, float64(cfg.DurationNs)/1e6)
	}
	for _, c := range f.compare {
		pair, err := parseCompare(c, index, cfg.Populations)
		if err != nil {
			return usageError{fmt.Errorf("--compare %q: %v", c, err)}
		}
		cfg.Distances = append(cfg.Distances, pair)
	}
	an, err := recordings.NewAnalyzer(cfg)
	if err != nil {
		return usageError{err}
	}
	var pc *recordings.PlotCollector
	if f.plots {
		pc = recordings.NewPlotCollector(cfg.Populations)
	}
	read := int64(0)
	err = recordings.ReadSpikes(dir, func(r recordings.SpikeRow) error {
		read++
		p, ok := index[r.Population]
		if !ok {
			return fmt.Errorf("%s: spike of population %q, which run.json does not list as recorded", dir, r.Population)
		}
		if r.TimeNs > cfg.DurationNs {
			return nil // beyond the complete parts' span of an unfinished run
		}
		if err := an.Add(r.TimeNs, p, r.NodeIDs); err != nil {
			return err
		}
		if pc != nil {
			pc.Add(r.TimeNs, p, r.NodeIDs)
		}
		return nil
	})
	if err != nil {
		return usageError{err}
	}
	if want := m.Datasets["spikes"].Rows; read < want {
		return usageError{fmt.Errorf("%s: run.json lists %d spikes in complete parts, the parts hold %d", filepath.Join(dir, "spikes"), want, read)}
	}
	rep := analysis{Report: an.Result()}
	var ws *recordings.WeightSummary
	if d, ok := m.Datasets["weights"]; ok && len(d.Parts) > 0 {
		ws = recordings.NewWeightSummary()
		for _, p := range m.Projections {
			ws.Describe(p)
		}
		if err := recordings.Read(dir, "weights", nil, func(r recordings.WeightRow) error { ws.Add(r); return nil }); err != nil {
			return usageError{err}
		}
		ws.Done()
		rep.Weights, rep.WeightUnits = ws.Projections, ws.Units
	}
	var rewardsMs []float64
	if d, ok := m.Datasets["events"]; ok && len(d.Parts) > 0 {
		if err := recordings.Read(dir, "events", nil, func(r recordings.EventRow) error {
			rewardsMs = append(rewardsMs, float64(r.TimeNs)/1e6)
			rep.Rewards++
			rep.RewardSum += r.Amount
			return nil
		}); err != nil {
			return usageError{err}
		}
	}
	if pc != nil {
		pdir := filepath.Join(dir, "plots")
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return err
		}
		files, err := pc.Write(pdir, &rep.Report)
		if err != nil {
			return err
		}
		if ws != nil {
			f, err := recordings.WriteWeights(pdir, ws)
			if err != nil {
				return err
			}
			files = append(files, f)
			if f, err = recordings.WriteWeightTrace(pdir, ws, rewardsMs); err != nil {
				return err
			}
			if f != "" {
				files = append(files, f)
			}
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", strings.Join(files, ", "))
	}
	if f.json {
		b, _ := json.MarshalIndent(rep, "", "  ")
		_, err := fmt.Fprintln(w, string(b))
		return err
	}
	printReport(w, dir, &rep)
	return nil
}

// analysis is what snn analyze reports: the spike statistics and, when the run recorded
// weights, their summary per projection and snapshot.
type analysis struct {
	recordings.Report
	Weights     map[string][]recordings.WeightSnapshot `json:"weights,omitempty"`
	WeightUnits map[string]string                      `json:"weight_units,omitempty"`
	Rewards     int                                    `json:"rewards,omitempty"`    // neuromodulator jumps in events/
	RewardSum   float64                                `json:"reward_sum,omitempty"` // their amounts, summed
}

// parseCompare reads "POP:N,POP:M".
func parseCompare(s string, index map[string]int32, pops []recordings.AnalyzePopulation) (recordings.TrainPair, error) {
	var refs [2]recordings.TrainRef
	halves := strings.Split(s, ",")
	if len(halves) != 2 {
		return recordings.TrainPair{}, fmt.Errorf(`expected two trains "POP:N,POP:M"`)
	}
	for k, h := range halves {
		name, num, ok := strings.Cut(strings.TrimSpace(h), ":")
		p, known := index[name]
		n, err := strconv.Atoi(num)
		switch {
		case !ok || err != nil:
			return recordings.TrainPair{}, fmt.Errorf("%q: expected POP:N", h)
		case !known:
			return recordings.TrainPair{}, fmt.Errorf("%q: no recorded population %q", h, name)
		case n < 0 || n >= pops[p].Size:
			return recordings.TrainPair{}, fmt.Errorf("%q: neuron %d outside [0, %d)", h, n, pops[p].Size)
		}
		refs[k] = recordings.TrainRef{Pop: p, Node: int32(n)}
	}
	return recordings.TrainPair{A: refs[0], B: refs[1]}, nil
}

func printReport(w io.Writer, dir string, a *analysis) {
	r := &a.Report
	fmt.Fprintf(w, "%s: %.3f s recorded; counts in %g ms bins (%d), PSTH in %g ms bins\n", filepath.Clean(dir), r.DurationS, r.CountBinMs, r.CountBins, r.PSTHBinMs)
	fmt.Fprintf(w, "%-12s %8s %10s %10s %8s %8s %12s %22s\n", "population", "neurons", "spikes", "rate (Hz)", "CV ISI", "Fano", "correlation", "PSTH min/mean/max (Hz)")
	names := make([]string, 0, len(r.Populations))
	for n := range r.Populations {
		names = append(names, n)
	}
	sort.Strings(names)
	row := func(name string, p recordings.PopulationStats) {
		opt := func(x *float64) string {
			if x == nil {
				return "-"
			}
			return fmt.Sprintf("%.3f", *x)
		}
		lo, hi, sum := 0.0, 0.0, 0.0
		for k, v := range p.PSTHHz {
			if k == 0 || v < lo {
				lo = v
			}
			hi = max(hi, v)
			sum += v
		}
		mean := 0.0
		if len(p.PSTHHz) > 0 {
			mean = sum / float64(len(p.PSTHHz))
		}
		fmt.Fprintf(w, "%-12s %8d %10d %10.3f %8s %8s %12s %22s\n", name, p.Neurons, p.Spikes, p.MeanRateHz,
			opt(p.CVISI), opt(p.FanoFactor), opt(p.Correlation), fmt.Sprintf("%.1f/%.1f/%.1f", lo, mean, hi))
	}
	for _, n := range names {
		row(n, r.Populations[n])
	}
	row("overall", r.Overall)
	projs := make([]string, 0, len(a.Weights))
	for n := range a.Weights {
		projs = append(projs, n)
	}
	sort.Strings(projs)
	for _, n := range projs {
		unit := a.WeightUnits[n]
		if unit == "" {
			unit = "mV"
		}
		for _, s := range a.Weights[n] {
			near := ""
			if s.NearMin != nil {
				near = fmt.Sprintf("; %.1f %% within 10 %% of w_min, %.1f %% of w_max", 100**s.NearMin, 100**s.NearMax)
			}
			fmt.Fprintf(w, "weights %s at %g ms: %d synapses, mean %.4g %s (sd %.3g), min %.4g, median %.4g, max %.4g%s\n",
				n, s.TimeMs, s.Synapses, s.Mean, unit, s.SD, s.Min, s.Median, s.Max, near)
		}
	}
	if a.Rewards > 0 {
		fmt.Fprintf(w, "rewards: %d neuromodulator jumps, amounts summing to %g\n", a.Rewards, a.RewardSum)
	}
	for _, d := range r.Distances {
		fmt.Fprintf(w, "%s:%d vs %s:%d (%d and %d spikes): van Rossum %.4f (tau %g ms), Victor-Purpura %.4f (%g per ms)\n",
			d.A.Population, d.A.Neuron, d.B.Population, d.B.Neuron, d.SpikesA, d.SpikesB, d.VanRossum, r.VanRossumTauMs, d.VictorPurpura, r.VictorPurpuraQPerMs)
	}
}
