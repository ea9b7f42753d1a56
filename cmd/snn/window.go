package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
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
	preset, rule                     string
	aPlus, aMinus, tauPlus, tauMinus string
	a3Plus, a3Minus, tauX, tauY      string
	wMin, wMax, w0                   string
	mu                               float64
	interaction                      string
	dtMin, dtMax, dtStep             string
	pairings                         int
	frequency                        string
	json                             bool
	set                              map[string]bool
}

// windowPreset is a rule's parameters with their source. Amplitudes and weights are in
// mV (the plastic synapse is a voltage jump onto the probe neuron).
type windowPreset struct {
	doc                                    string
	triplet                                bool
	aPlus, aMinus, tauPlus, tauMinus, wMax string
	a3Plus, a3Minus, tauX, tauY            string
	interaction                            string
}

// windowPresets are the pair presets and, from package plasticity, the triplet rule's
// published parameter sets (their amplitudes are fractions of w_max, 1 mV here).
func windowPresets() map[string]windowPreset {
	ps := map[string]windowPreset{
		"bi-poo": {doc: "Bi & Poo 1998 time constants (tau+ 16.8 ms, tau- 33.7 ms), A-/A+ = 1.05 as Song et al. 2000",
			aPlus: "0.005 mV", aMinus: "0.00525 mV", tauPlus: "16.8 ms", tauMinus: "33.7 ms", wMax: "1 mV", interaction: "all_to_all"},
		"song2000": {doc: "Song, Miller & Abbott 2000: tau+- 20 ms, A+ 0.005 gmax, A-/A+ 1.05 (gmax as 1 mV)",
			aPlus: "0.005 mV", aMinus: "0.00525 mV", tauPlus: "20 ms", tauMinus: "20 ms", wMax: "1 mV", interaction: "all_to_all"},
	}
	mv := func(x float64) string { return fmt.Sprintf("%g mV", x) }
	ms := func(x float64) string { return fmt.Sprintf("%g ms", x) }
	for _, p := range plasticity.TripletPresets() {
		r := p.Rule
		inter := "all_to_all"
		if r.Interaction == plasticity.NearestSymmetric {
			inter = "nearest"
		}
		ps[p.Name] = windowPreset{doc: p.Source, triplet: true,
			aPlus: mv(r.A2Plus), aMinus: mv(r.A2Minus), a3Plus: mv(r.A3Plus), a3Minus: mv(r.A3Minus),
			tauPlus: ms(r.TauPlus), tauMinus: ms(r.TauMinus), tauX: ms(r.TauX), tauY: ms(r.TauY), wMax: "1 mV", interaction: inter}
	}
	return ps
}

func windowCmd() *cobra.Command {
	f := windowFlags{}
	cmd := &cobra.Command{
		Use:   "window",
		Short: "Measure an STDP window by the pairing protocol: weight change against dt",
		Long: `The pairing protocol of Bi & Poo 1998, run through the simulator: for each dt of the
sweep a fresh plastic synapse between a forced presynaptic spike train and a neuron forced
to fire dt later, --pairings pairings at --frequency. Writes window.csv, window.parquet and
window.png into DIR, fits A+, tau+, A-, tau- to the simulated points and prints them.

--frequency takes a list ("1 Hz,10 Hz,20 Hz,40 Hz,50 Hz"): the window of the triplet rule
depends on the pairing frequency (Sjostrom et al. 2001; Pfister & Gerstner 2006), so the
sweep is repeated at each, keeping the dt within half a pairing period.

Presets: bi-poo, song2000 (pair STDP) and the triplet rule's published parameter sets
(triplet-visual, triplet-visual-minimal, triplet-visual-nearest-minimal,
triplet-hippocampal-minimal; amplitudes as fractions of w_max). Options override them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.set = map[string]bool{}
			cmd.Flags().Visit(func(fl *pflag.Flag) { f.set[fl.Name] = true })
			return window(f, cmd.OutOrStdout())
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.out, "out", "o", "", "output directory (default: runs/window-TIMESTAMP)")
	fl.StringVar(&f.preset, "preset", "bi-poo", "rule parameters (see above; options below override them)")
	fl.StringVar(&f.rule, "rule", "", "pair or triplet (default: the preset's)")
	fl.StringVar(&f.aPlus, "a-plus", "", "pair LTP amplitude per pairing (weight, e.g. \"0.005 mV\"); A2+ of the triplet rule")
	fl.StringVar(&f.aMinus, "a-minus", "", "pair LTD amplitude per pairing; A2- of the triplet rule")
	fl.StringVar(&f.a3Plus, "a3-plus", "", "triplet LTP amplitude A3+")
	fl.StringVar(&f.a3Minus, "a3-minus", "", "triplet LTD amplitude A3-")
	fl.StringVar(&f.tauPlus, "tau-plus", "", "LTP time constant")
	fl.StringVar(&f.tauMinus, "tau-minus", "", "LTD time constant")
	fl.StringVar(&f.tauX, "tau-x", "", "time constant of the triplet rule's slow pre trace")
	fl.StringVar(&f.tauY, "tau-y", "", "time constant of the triplet rule's slow post trace")
	fl.StringVar(&f.wMin, "w-min", "0 mV", "lower weight bound")
	fl.StringVar(&f.wMax, "w-max", "", "upper weight bound")
	fl.StringVar(&f.w0, "w0", "", "initial weight (default halfway between the bounds)")
	fl.Float64Var(&f.mu, "mu", 0, "weight dependence, 0 (additive) to 1 (multiplicative)")
	fl.StringVar(&f.interaction, "interaction", "", "all_to_all, nearest or pre_centred (pair only) (default: the preset's)")
	fl.StringVar(&f.dtMin, "dt-min", "-100 ms", "first dt of the sweep")
	fl.StringVar(&f.dtMax, "dt-max", "100 ms", "last dt of the sweep")
	fl.StringVar(&f.dtStep, "dt-step", "2 ms", "step of the sweep")
	fl.IntVar(&f.pairings, "pairings", 60, "pairings per dt")
	fl.StringVar(&f.frequency, "frequency", "1 Hz", "pairing frequency, or a comma-separated list of them")
	fl.BoolVar(&f.json, "json", false, "print the configuration, the fit and the points as JSON")
	return cmd
}

// frequencyFit is the window fit at one pairing frequency, or why there is none.
type frequencyFit struct {
	FrequencyHz float64               `json:"frequency_hz"`
	Fit         *plasticity.WindowFit `json:"fit,omitempty"`
	Error       string                `json:"error,omitempty"`
}

// windowResult is what --json prints. Fit is the fit at the first frequency; Fits has
// one per frequency.
type windowResult struct {
	Preset      string                   `json:"preset"`
	RuleKind    string                   `json:"rule_kind"`
	Rule        plasticity.Triplet       `json:"rule"`
	W0          float64                  `json:"w0"`
	Pairings    int                      `json:"pairings"`
	Frequencies []float64                `json:"frequencies_hz"`
	Fit         *plasticity.WindowFit    `json:"fit,omitempty"`
	Fits        []frequencyFit           `json:"fits"`
	Points      []plasticity.WindowPoint `json:"points"`
}

// windowRule reads the rule from the preset and the options.
func windowRule(f windowFlags) (plasticity.STDP, string, error) {
	presets := windowPresets()
	pre, ok := presets[f.preset]
	if !ok {
		var names []string
		for n := range presets {
			names = append(names, n)
		}
		slices.Sort(names)
		return nil, "", usageError{fmt.Errorf("--preset %q: unknown preset; expected one of %v", f.preset, names)}
	}
	pick := func(flag, own, preset string) string {
		if f.set[flag] {
			return own
		}
		return preset
	}
	triplet := pre.triplet
	switch f.rule {
	case "":
	case "pair":
		triplet = false
	case "triplet":
		triplet = true
	default:
		return nil, "", usageError{fmt.Errorf("--rule %q: expected pair or triplet", f.rule)}
	}
	var r plasticity.Triplet
	type param struct {
		flag, v string
		d       spec.Dim
		dst     *float64
	}
	params := []param{
		{"a-plus", pick("a-plus", f.aPlus, pre.aPlus), spec.Voltage, &r.A2Plus},
		{"a-minus", pick("a-minus", f.aMinus, pre.aMinus), spec.Voltage, &r.A2Minus},
		{"tau-plus", pick("tau-plus", f.tauPlus, pre.tauPlus), spec.Time, &r.TauPlus},
		{"tau-minus", pick("tau-minus", f.tauMinus, pre.tauMinus), spec.Time, &r.TauMinus},
		{"w-min", f.wMin, spec.Voltage, &r.WMin},
		{"w-max", pick("w-max", f.wMax, pre.wMax), spec.Voltage, &r.WMax},
	}
	if triplet {
		params = append(params, []param{
			{"a3-plus", pick("a3-plus", f.a3Plus, pre.a3Plus), spec.Voltage, &r.A3Plus},
			{"a3-minus", pick("a3-minus", f.a3Minus, pre.a3Minus), spec.Voltage, &r.A3Minus},
			{"tau-x", pick("tau-x", f.tauX, pre.tauX), spec.Time, &r.TauX},
			{"tau-y", pick("tau-y", f.tauY, pre.tauY), spec.Time, &r.TauY},
		}...)
	} else {
		for _, fl := range []string{"a3-plus", "a3-minus", "tau-x", "tau-y"} {
			if f.set[fl] {
				return nil, "", usageError{fmt.Errorf("--%s: a parameter of the triplet rule; add --rule triplet", fl)}
			}
		}
	}
	for _, p := range params {
		if p.v == "" {
			return nil, "", usageError{fmt.Errorf("--%s: needed by the %s rule and not set by preset %s", p.flag, map[bool]string{false: "pair", true: "triplet"}[triplet], f.preset)}
		}
		x, _, err := spec.ParseQuantity(p.v, p.d)
		if err != nil {
			return nil, "", usageError{fmt.Errorf("--%s %q: %v", p.flag, p.v, err)}
		}
		*p.dst = x
	}
	if !triplet {
		r.TauX, r.TauY = r.TauPlus, r.TauMinus
	}
	r.Mu = f.mu
	switch inter := pick("interaction", f.interaction, pre.interaction); inter {
	case "", "all_to_all":
	case "nearest":
		r.Interaction = plasticity.NearestSymmetric
	case "pre_centred":
		r.Interaction = plasticity.PreCentred
	default:
		return nil, "", usageError{fmt.Errorf("--interaction %q: expected all_to_all, nearest or pre_centred", inter)}
	}
	if err := r.Check(); err != nil {
		return nil, "", usageError{err}
	}
	if triplet {
		return r, "triplet", nil
	}
	return plasticity.Pair{APlus: r.A2Plus, AMinus: r.A2Minus, TauPlus: r.TauPlus, TauMinus: r.TauMinus, Mu: r.Mu,
		WMin: r.WMin, WMax: r.WMax, Interaction: r.Interaction}, "pair", nil
}

func window(f windowFlags, w io.Writer) error {
	rule, kind, err := windowRule(f)
	if err != nil {
		return err
	}
	tr := rule.Triplet()
	q := func(flag, v string, d spec.Dim) (float64, error) {
		x, _, err := spec.ParseQuantity(v, d)
		if err != nil {
			return 0, usageError{fmt.Errorf("--%s %q: %v", flag, v, err)}
		}
		return x, nil
	}
	w0 := 0.5 * (tr.WMin + tr.WMax)
	if f.w0 != "" {
		if w0, err = q("w0", f.w0, spec.Voltage); err != nil {
			return err
		}
		if w0 < tr.WMin || w0 > tr.WMax {
			return usageError{fmt.Errorf("--w0 %q: outside [w-min, w-max]", f.w0)}
		}
	}
	var dtMin, dtMax, dtStep float64
	for _, p := range []struct {
		flag, v string
		dst     *float64
	}{{"dt-min", f.dtMin, &dtMin}, {"dt-max", f.dtMax, &dtMax}, {"dt-step", f.dtStep, &dtStep}} {
		if *p.dst, err = q(p.flag, p.v, spec.Time); err != nil {
			return err
		}
	}
	var freqs []float64
	for _, part := range strings.Split(f.frequency, ",") {
		hz, err := q("frequency", strings.TrimSpace(part), spec.Rate)
		if err != nil {
			return err
		}
		if !(hz > 0) {
			return usageError{fmt.Errorf("--frequency %q: must be positive", part)}
		}
		freqs = append(freqs, hz)
	}
	switch {
	case !(dtStep > 0) || dtMax < dtMin:
		return usageError{fmt.Errorf("--dt-min %q, --dt-max %q, --dt-step %q: expected min <= max and a positive step", f.dtMin, f.dtMax, f.dtStep)}
	case f.pairings < 1:
		return usageError{fmt.Errorf("--pairings %d: at least one", f.pairings)}
	case len(freqs) == 1 && math.Max(-dtMin, dtMax) > 500/freqs[0]:
		return usageError{fmt.Errorf("|dt| up to %g ms exceeds half the pairing period %g ms: pairings would overlap", math.Max(-dtMin, dtMax), 1000/freqs[0])}
	}
	res := windowResult{Preset: f.preset, RuleKind: kind, Rule: tr, W0: w0, Pairings: f.pairings, Frequencies: freqs}
	var series []recordings.Series
	for _, hz := range freqs {
		period := 1000 / hz // ms
		var pts []plasticity.WindowPoint
		sr := recordings.Series{Name: fmt.Sprintf("%g Hz", hz)}
		for dt := dtMin; dt <= dtMax+1e-9; dt += dtStep {
			if math.Abs(dt) < 1e-9 || math.Abs(dt) > period/2 {
				continue // dt = 0 is a convention, not a window point (see synapse.Plastic)
			}
			dw, err := pairingProtocol(rule, w0, dt, period, f.pairings)
			if err != nil {
				return err
			}
			pts = append(pts, plasticity.WindowPoint{FrequencyHz: hz, DtMs: dt, DW: dw})
			sr.Xs, sr.Ys = append(sr.Xs, dt), append(sr.Ys, dw)
		}
		if len(pts) == 0 {
			return usageError{fmt.Errorf("--frequency %g Hz: no dt of the sweep lies within half its pairing period (%g ms)", hz, period/2)}
		}
		ff := frequencyFit{FrequencyHz: hz}
		if fit, err := plasticity.FitWindow(pts); err != nil {
			ff.Error = err.Error()
		} else {
			ff.Fit = &fit
		}
		res.Fits = append(res.Fits, ff)
		res.Points = append(res.Points, pts...)
		series = append(series, sr)
	}
	res.Fit = res.Fits[0].Fit
	if len(freqs) == 1 && res.Fit == nil {
		return usageError{errors.New(res.Fits[0].Error)}
	}
	dir := f.out
	if dir == "" {
		dir = filepath.Join("runs", "window-"+time.Now().Format("20060102-150405"))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var csv strings.Builder
	csv.WriteString("frequency_hz,dt_ms,dw\n")
	for _, p := range res.Points {
		fmt.Fprintf(&csv, "%g,%g,%.17g\n", p.FrequencyHz, p.DtMs, p.DW)
	}
	if err := recordings.WriteAtomic(filepath.Join(dir, "window.csv"), []byte(csv.String())); err != nil {
		return err
	}
	if err := recordings.WriteTable(filepath.Join(dir, "window.parquet"), res.Points); err != nil {
		return err
	}
	n := float64(f.pairings)
	var curves []recordings.Curve
	title := fmt.Sprintf("STDP window (%s), %d pairings at %g Hz", f.preset, f.pairings, freqs[0])
	if len(freqs) == 1 {
		fit := *res.Fit
		curves = append(curves, recordings.Curve{Name: fmt.Sprintf("fit: %.3g e^(-dt/%.3g ms), -%.3g e^(dt/%.3g ms)", fit.AmpPlus, fit.TauPlusMs, fit.AmpMinus, fit.TauMinusMs), F: func(x float64) float64 {
			if x > 0 {
				return fit.AmpPlus * math.Exp(-x/fit.TauPlusMs)
			}
			return -fit.AmpMinus * math.Exp(x/fit.TauMinusMs)
		}})
		series[0].Name = "simulated"
	} else {
		title = fmt.Sprintf("STDP window (%s), %d pairings, by pairing frequency", f.preset, f.pairings)
	}
	if err := recordings.PlotWindow(filepath.Join(dir, "window.png"), title, series, curves); err != nil {
		return err
	}
	if f.json {
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintln(w, string(b))
		return nil
	}
	fmt.Fprintf(w, "%s rule (preset %s), %d pairings, dt from %g to %g ms by %g ms\n", kind, f.preset, f.pairings, dtMin, dtMax, dtStep)
	for _, ff := range res.Fits {
		fmt.Fprintf(w, "\nat %g Hz:\n", ff.FrequencyHz)
		if ff.Fit == nil {
			fmt.Fprintf(w, "  no exponential fit: %s\n", ff.Error)
		} else {
			fit := ff.Fit
			fmt.Fprintf(w, "  %-10s %14s %14s\n", "", "configured", "fitted")
			fmt.Fprintf(w, "  %-10s %14.6g %14.6g   (per pairing; fitted over %d LTP points)\n", "A+ (mV)", tr.A2Plus, fit.AmpPlus/n, fit.PointsPlus)
			fmt.Fprintf(w, "  %-10s %14.6g %14.6g\n", "tau+ (ms)", tr.TauPlus, fit.TauPlusMs)
			fmt.Fprintf(w, "  %-10s %14.6g %14.6g   (per pairing; fitted over %d LTD points)\n", "A- (mV)", tr.A2Minus, fit.AmpMinus/n, fit.PointsMinus)
			fmt.Fprintf(w, "  %-10s %14.6g %14.6g\n", "tau- (ms)", tr.TauMinus, fit.TauMinusMs)
		}
		if len(freqs) > 1 {
			for _, p := range res.Points {
				if p.FrequencyHz == ff.FrequencyHz && math.Abs(math.Abs(p.DtMs)-10) < 1e-9 {
					fmt.Fprintf(w, "  dW at dt = %+g ms: %+.4g mV\n", p.DtMs, p.DW)
				}
			}
		}
	}
	fmt.Fprintf(w, "\nwrote %s\n", strings.Join([]string{filepath.Join(dir, "window.csv"), "window.parquet", "window.png"}, ", "))
	return nil
}

// pairingProtocol runs the protocol for one dt through the simulator: a fresh plastic
// synapse (no delay) from a spike generator onto a voltage-jump neuron, which a second
// generator forces to fire dt after each presynaptic spike (a 100 mV jump); the neuron's
// own weight input (at most w_max) cannot make it fire. Returns the weight change.
func pairingProtocol(rule plasticity.STDP, w0, dt, period float64, pairings int) (float64, error) {
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
