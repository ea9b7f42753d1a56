package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"snn/neuron"
	"snn/plasticity"
	"snn/recordings"
	"snn/sim"
	"snn/sim/spec"
	"snn/synapse"
)

type windowFlags struct {
	out                              string
	preset                           string
	aPlus, aMinus, tauPlus, tauMinus string
	wMin, wMax, w0                   string
	mu                               float64
	interaction                      string
	dtMin, dtMax, dtStep             string
	pairings                         int
	frequency                        string
	json                             bool
	set                              map[string]bool
}

// windowPresets are rule parameters with their sources. Amplitudes and weights are in mV
// (the plastic synapse is a voltage jump onto the probe neuron).
var windowPresets = map[string]struct {
	doc                                    string
	aPlus, aMinus, tauPlus, tauMinus, wMax string
}{
	"bi-poo": {"Bi & Poo 1998 time constants (tau+ 16.8 ms, tau- 33.7 ms), A-/A+ = 1.05 as Song et al. 2000",
		"0.005 mV", "0.00525 mV", "16.8 ms", "33.7 ms", "1 mV"},
	"song2000": {"Song, Miller & Abbott 2000: tau+- 20 ms, A+ 0.005 gmax, A-/A+ 1.05 (gmax as 1 mV)",
		"0.005 mV", "0.00525 mV", "20 ms", "20 ms", "1 mV"},
}

func windowCmd() *cobra.Command {
	f := windowFlags{}
	cmd := &cobra.Command{
		Use:   "window",
		Short: "Measure an STDP window by the pairing protocol: weight change against dt",
		Long: `The pairing protocol of Bi & Poo 1998, run through the simulator: for each dt of the
sweep a fresh plastic synapse between a forced presynaptic spike train and a neuron forced
to fire dt later, --pairings pairings at --frequency. Writes window.csv, window.parquet and
window.png into DIR, fits A+, tau+, A-, tau- to the simulated points and prints them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.set = map[string]bool{}
			cmd.Flags().Visit(func(fl *pflag.Flag) { f.set[fl.Name] = true })
			return window(f, cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "out", "o", "", "output directory (default: runs/window-TIMESTAMP)")
	fl.StringVar(&f.preset, "preset", "bi-poo", "rule parameters: bi-poo or song2000 (options below override them)")
	fl.StringVar(&f.aPlus, "a-plus", "", "LTP amplitude per pairing (weight, e.g. \"0.005 mV\")")
	fl.StringVar(&f.aMinus, "a-minus", "", "LTD amplitude per pairing")
	fl.StringVar(&f.tauPlus, "tau-plus", "", "LTP time constant")
	fl.StringVar(&f.tauMinus, "tau-minus", "", "LTD time constant")
	fl.StringVar(&f.wMin, "w-min", "0 mV", "lower weight bound")
	fl.StringVar(&f.wMax, "w-max", "", "upper weight bound")
	fl.StringVar(&f.w0, "w0", "", "initial weight (default halfway between the bounds)")
	fl.Float64Var(&f.mu, "mu", 0, "weight dependence, 0 (additive) to 1 (multiplicative)")
	fl.StringVar(&f.interaction, "interaction", "all_to_all", "all_to_all or nearest")
	fl.StringVar(&f.dtMin, "dt-min", "-100 ms", "first dt of the sweep")
	fl.StringVar(&f.dtMax, "dt-max", "100 ms", "last dt of the sweep")
	fl.StringVar(&f.dtStep, "dt-step", "2 ms", "step of the sweep")
	fl.IntVar(&f.pairings, "pairings", 60, "pairings per dt")
	fl.StringVar(&f.frequency, "frequency", "1 Hz", "pairing frequency")
	fl.BoolVar(&f.json, "json", false, "print the configuration, the fit and the points as JSON")
	return cmd
}

// windowResult is what --json prints.
type windowResult struct {
	Preset    string                   `json:"preset"`
	Rule      plasticity.Pair          `json:"rule"`
	W0        float64                  `json:"w0"`
	Pairings  int                      `json:"pairings"`
	Frequency float64                  `json:"frequency_hz"`
	Fit       plasticity.WindowFit     `json:"fit"`
	Points    []plasticity.WindowPoint `json:"points"`
}

func window(f windowFlags, w io.Writer) error {
	pre, ok := windowPresets[f.preset]
	if !ok {
		var names []string
		for n := range windowPresets {
			names = append(names, n)
		}
		return usageError{fmt.Errorf("--preset %q: unknown preset; expected one of %v", f.preset, names)}
	}
	pick := func(flag, own, preset string) string {
		if f.set[flag] {
			return own
		}
		return preset
	}
	q := func(flag, v string, d spec.Dim) (float64, error) {
		x, _, err := spec.ParseQuantity(v, d)
		if err != nil {
			return 0, usageError{fmt.Errorf("--%s %q: %v", flag, v, err)}
		}
		return x, nil
	}
	var rule plasticity.Pair
	var err error
	for _, p := range []struct {
		flag, v string
		d       spec.Dim
		dst     *float64
	}{
		{"a-plus", pick("a-plus", f.aPlus, pre.aPlus), spec.Voltage, &rule.APlus},
		{"a-minus", pick("a-minus", f.aMinus, pre.aMinus), spec.Voltage, &rule.AMinus},
		{"tau-plus", pick("tau-plus", f.tauPlus, pre.tauPlus), spec.Time, &rule.TauPlus},
		{"tau-minus", pick("tau-minus", f.tauMinus, pre.tauMinus), spec.Time, &rule.TauMinus},
		{"w-min", f.wMin, spec.Voltage, &rule.WMin},
		{"w-max", pick("w-max", f.wMax, pre.wMax), spec.Voltage, &rule.WMax},
	} {
		if *p.dst, err = q(p.flag, p.v, p.d); err != nil {
			return err
		}
	}
	rule.Mu = f.mu
	switch f.interaction {
	case "all_to_all":
	case "nearest":
		rule.Interaction = plasticity.NearestSymmetric
	default:
		return usageError{fmt.Errorf("--interaction %q: expected all_to_all or nearest", f.interaction)}
	}
	if err := rule.Check(); err != nil {
		return usageError{err}
	}
	w0 := 0.5 * (rule.WMin + rule.WMax)
	if f.w0 != "" {
		if w0, err = q("w0", f.w0, spec.Voltage); err != nil {
			return err
		}
		if w0 < rule.WMin || w0 > rule.WMax {
			return usageError{fmt.Errorf("--w0 %q: outside [w-min, w-max]", f.w0)}
		}
	}
	var dtMin, dtMax, dtStep, hz float64
	for _, p := range []struct {
		flag, v string
		d       spec.Dim
		dst     *float64
	}{{"dt-min", f.dtMin, spec.Time, &dtMin}, {"dt-max", f.dtMax, spec.Time, &dtMax}, {"dt-step", f.dtStep, spec.Time, &dtStep}, {"frequency", f.frequency, spec.Rate, &hz}} {
		if *p.dst, err = q(p.flag, p.v, p.d); err != nil {
			return err
		}
	}
	period := 1000 / hz // ms
	switch {
	case !(dtStep > 0) || dtMax < dtMin:
		return usageError{fmt.Errorf("--dt-min %q, --dt-max %q, --dt-step %q: expected min <= max and a positive step", f.dtMin, f.dtMax, f.dtStep)}
	case !(hz > 0):
		return usageError{fmt.Errorf("--frequency %q: must be positive", f.frequency)}
	case math.Max(-dtMin, dtMax) >= period/2:
		return usageError{fmt.Errorf("|dt| up to %g ms reaches half the pairing period %g ms: pairings would overlap", math.Max(-dtMin, dtMax), period)}
	case f.pairings < 1:
		return usageError{fmt.Errorf("--pairings %d: at least one", f.pairings)}
	}
	res := windowResult{Preset: f.preset, Rule: rule, W0: w0, Pairings: f.pairings, Frequency: hz}
	for dt := dtMin; dt <= dtMax+1e-9; dt += dtStep {
		if math.Abs(dt) < 1e-9 {
			continue // dt = 0 is a convention, not a window point (see synapse.Plastic)
		}
		dw, err := pairingProtocol(rule, w0, dt, period, f.pairings)
		if err != nil {
			return err
		}
		res.Points = append(res.Points, plasticity.WindowPoint{DtMs: dt, DW: dw})
	}
	if res.Fit, err = plasticity.FitWindow(res.Points); err != nil {
		return usageError{err}
	}
	dir := f.out
	if dir == "" {
		dir = filepath.Join("runs", "window-"+time.Now().Format("20060102-150405"))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var csv strings.Builder
	csv.WriteString("dt_ms,dw\n")
	xs, ys := make([]float64, len(res.Points)), make([]float64, len(res.Points))
	for k, p := range res.Points {
		fmt.Fprintf(&csv, "%g,%.17g\n", p.DtMs, p.DW)
		xs[k], ys[k] = p.DtMs, p.DW
	}
	if err := recordings.WriteAtomic(filepath.Join(dir, "window.csv"), []byte(csv.String())); err != nil {
		return err
	}
	if err := recordings.WriteTable(filepath.Join(dir, "window.parquet"), res.Points); err != nil {
		return err
	}
	n := float64(f.pairings)
	fit := res.Fit
	err = recordings.PlotWindow(filepath.Join(dir, "window.png"), fmt.Sprintf("STDP window, %d pairings at %g Hz", f.pairings, hz), xs, ys,
		[]recordings.Curve{{Name: fmt.Sprintf("fit: %.3g e^(-dt/%.3g ms), -%.3g e^(dt/%.3g ms)", fit.AmpPlus, fit.TauPlusMs, fit.AmpMinus, fit.TauMinusMs), F: func(x float64) float64 {
			if x > 0 {
				return fit.AmpPlus * math.Exp(-x/fit.TauPlusMs)
			}
			return -fit.AmpMinus * math.Exp(x/fit.TauMinusMs)
		}}})
	if err != nil {
		return err
	}
	if f.json {
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintln(w, string(b))
		return nil
	}
	fmt.Fprintf(w, "%d pairings at %g Hz, dt from %g to %g ms by %g ms (%d points), preset %s\n", f.pairings, hz, dtMin, dtMax, dtStep, len(res.Points), f.preset)
	fmt.Fprintf(w, "%-10s %14s %14s\n", "", "configured", "fitted")
	fmt.Fprintf(w, "%-10s %14.6g %14.6g   (per pairing; fitted over %d LTP points)\n", "A+ (mV)", rule.APlus, fit.AmpPlus/n, fit.PointsPlus)
	fmt.Fprintf(w, "%-10s %14.6g %14.6g\n", "tau+ (ms)", rule.TauPlus, fit.TauPlusMs)
	fmt.Fprintf(w, "%-10s %14.6g %14.6g   (per pairing; fitted over %d LTD points)\n", "A- (mV)", rule.AMinus, fit.AmpMinus/n, fit.PointsMinus)
	fmt.Fprintf(w, "%-10s %14.6g %14.6g\n", "tau- (ms)", rule.TauMinus, fit.TauMinusMs)
	fmt.Fprintf(w, "wrote %s\n", strings.Join([]string{filepath.Join(dir, "window.csv"), "window.parquet", "window.png"}, ", "))
	return nil
}

// pairingProtocol runs the protocol for one dt through the simulator: a fresh plastic
// synapse (no delay) from a spike generator onto a voltage-jump neuron, which a second
// generator forces to fire dt after each presynaptic spike (a 100 mV jump); the neuron's
// own weight input (at most w_max) cannot make it fire. Returns the weight change.
func pairingProtocol(rule plasticity.Pair, w0, dt, period float64, pairings int) (float64, error) {
	start := period // room for negative dt
	var preS, postS []neuron.Spike
	for k := range pairings {
		t := start + float64(k)*period
		preS = append(preS, neuron.Spike{T: sim.FromMs(t), Unit: 0})
		postS = append(postS, neuron.Spike{T: sim.FromMs(t + dt), Unit: 0})
	}
	e := sim.NewEngine()
	pg, err := neuron.NewGenerator(1, preS)
	if err != nil {
		return 0, err
	}
	dg, err := neuron.NewGenerator(1, postS)
	if err != nil {
		return 0, err
	}
	cell, err := neuron.NewLIFDelta(neuron.Params{TauM: 20, EL: -70, VTh: -50, VReset: -70, TRef: sim.Millisecond}, []float64{-70})
	if err != nil {
		return 0, err
	}
	gp, gd, gc := e.AddSource("pre", pg), e.AddSource("drive", dg), e.AddNeurons("cell", cell)
	drive, err := synapse.Build(1, cell, synapse.Config{Rule: synapse.Rule{Kind: synapse.OneToOne}, Weight: sim.Fixed(100), Delay: sim.Fixed(0)}, synapse.Streams{})
	if err != nil {
		return 0, err
	}
	e.Connect(gd, gc, drive)
	base, err := synapse.Build(1, cell, synapse.Config{Rule: synapse.Rule{Kind: synapse.OneToOne}, Weight: sim.Fixed(w0), Delay: sim.Fixed(0)}, synapse.Streams{})
	if err != nil {
		return 0, err
	}
	pl, err := synapse.NewPlastic(base, rule)
	if err != nil {
		return 0, err
	}
	e.Connect(gp, gc, pl)
	e.Run(sim.FromMs(start + float64(pairings)*period))
	if got := e.Stats().Spikes; got != uint64(pairings) {
		return 0, fmt.Errorf("the probe neuron fired %d times for %d pairings", got, pairings)
	}
	return pl.Weight(0, 0) - w0, nil
}
