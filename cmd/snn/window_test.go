package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snn/plasticity"
)

// TestWindowCommand: the window measured through the simulator equals the closed form
// of the protocol at every dt: 60 A+ e^{-dt/tau+} for dt > 0 (-60 A- e^{dt/tau-} for
// dt < 0), plus the 59 cross pairings of each spike with the other neuron's spike of the
// neighbouring pairing, 1000 - |dt| ms away (the next terms are below 1e-25). Tolerance
// 1e-9 relative (the issue's; rounding of 60 sums is about 1e-15). Fitted time
// constants within 0.1 % (the issue's; the fit on exact points recovers them to 1e-9).
func TestWindowCommand(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	f := windowFlags{out: dir, preset: "bi-poo", wMin: "0 mV", interaction: "all_to_all", dtMin: "-100 ms", dtMax: "100 ms",
		dtStep: "1 ms", pairings: 60, frequency: "1 Hz", json: true, set: map[string]bool{}}
	if err := window(f, &out); err != nil {
		t.Fatal(err)
	}
	var res windowResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	r := res.Rule
	if r.TauPlus != 16.8 || r.TauMinus != 33.7 || len(res.Points) != 200 || res.RuleKind != "pair" {
		t.Fatalf("rule %s %+v, %d points", res.RuleKind, r, len(res.Points))
	}
	for _, p := range res.Points {
		dt := p.DtMs
		want := 60*r.A2Plus*math.Exp(-dt/r.TauPlus) - 59*r.A2Minus*math.Exp(-(1000-dt)/r.TauMinus)
		if dt < 0 {
			want = -60*r.A2Minus*math.Exp(dt/r.TauMinus) + 59*r.A2Plus*math.Exp(-(1000+dt)/r.TauPlus)
		}
		if math.Abs(p.DW-want) > 1e-9*math.Abs(want) {
			t.Errorf("dt %v: dW %v, closed form %v", dt, p.DW, want)
		}
	}
	fit := res.Fit
	for _, c := range [][2]float64{{fit.TauPlusMs, r.TauPlus}, {fit.TauMinusMs, r.TauMinus}, {fit.AmpPlus / 60, r.A2Plus}, {fit.AmpMinus / 60, r.A2Minus}} {
		if math.Abs(c[0]-c[1]) > 1e-3*c[1] {
			t.Errorf("fitted %v, configured %v", c[0], c[1])
		}
	}
	csv, _ := os.ReadFile(filepath.Join(dir, "window.csv"))
	if lines := strings.Count(string(csv), "\n"); lines != 201 {
		t.Errorf("window.csv has %d lines", lines)
	}
	for _, name := range []string{"window.parquet", "window.png"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	// Bad options are usage errors naming the option.
	for _, bad := range []struct {
		mod  func(*windowFlags)
		want string
	}{
		{func(f *windowFlags) { f.preset = "nosuch" }, "unknown preset"},
		{func(f *windowFlags) { f.tauPlus, f.set["tau-plus"] = "-5 ms", true }, "must be positive"},
		{func(f *windowFlags) { f.wMax, f.set["w-max"] = "-1 mV", true }, "ordered"},
		{func(f *windowFlags) { f.dtMax = "600 ms" }, "half the pairing period"},
		{func(f *windowFlags) { f.aPlus, f.set["a-plus"] = "0.1", true }, `--a-plus "0.1": missing unit`},
		{func(f *windowFlags) { f.tauX, f.set["tau-x"] = "100 ms", true }, "--tau-x: a parameter of the triplet rule"},
		{func(f *windowFlags) { f.rule = "hebb" }, `--rule "hebb"`},
		{func(f *windowFlags) { f.rule = "triplet" }, "--a3-plus: needed by the triplet rule"},
		{func(f *windowFlags) { f.frequency = "1 Hz, -2 Hz" }, "must be positive"},
		{func(f *windowFlags) {
			f.preset, f.interaction, f.set["interaction"] = "triplet-visual", "pre_centred", true
		}, "presynaptic-centred"},
	} {
		g := f
		g.set = map[string]bool{}
		g.out = t.TempDir()
		bad.mod(&g)
		err := window(g, &bytes.Buffer{})
		var u usageError
		if err == nil || !strings.Contains(err.Error(), bad.want) || !errors.As(err, &u) {
			t.Errorf("%q: %v", bad.want, err)
		}
	}
}

// TestWindowTripletFrequency: the triplet rule's pairing protocol at 0.1 to 50 Hz with
// dt = +-10 ms (Sjostrom et al. 2001) through the simulator equals the rule applied to
// the same spike times by plasticity.Triplet (itself checked against the plain sums), to
// 1e-12 relative; and shows the rule's point with the visual-cortex minimal model: at
// 0.1 Hz post-before-pre depresses, at 50 Hz both orders potentiate.
func TestWindowTripletFrequency(t *testing.T) {
	var out bytes.Buffer
	f := windowFlags{out: t.TempDir(), preset: "triplet-visual-minimal", wMin: "0 mV", dtMin: "-10 ms", dtMax: "10 ms",
		dtStep: "20 ms", pairings: 60, frequency: "0.1 Hz,10 Hz,20 Hz,40 Hz,50 Hz", json: true, set: map[string]bool{}}
	if err := window(f, &out); err != nil {
		t.Fatal(err)
	}
	var res windowResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	r := res.Rule
	if res.RuleKind != "triplet" || r.A3Plus != 6.5e-3 || r.TauY != 114 || len(res.Points) != 10 || len(res.Fits) != 5 {
		t.Fatalf("rule %s %+v, %d points, %d fits", res.RuleKind, r, len(res.Points), len(res.Fits))
	}
	dw := map[[2]float64]float64{}
	for _, p := range res.Points {
		period := 1000 / p.FrequencyHz
		var pre plasticity.PreTraces
		var post plasticity.PostTraces
		w := res.W0
		for k := range 60 {
			tp := period + float64(k)*period
			if p.DtMs > 0 {
				w = r.Pre(w, &pre, &post, tp)
				w = r.Post(w, &pre, &post, tp+p.DtMs)
			} else {
				w = r.Post(w, &pre, &post, tp+p.DtMs)
				w = r.Pre(w, &pre, &post, tp)
			}
		}
		if want := w - res.W0; math.Abs(p.DW-want) > 1e-12*math.Abs(want) {
			t.Errorf("%g Hz, dt %g: dW %v, rule %v", p.FrequencyHz, p.DtMs, p.DW, want)
		}
		dw[[2]float64{p.FrequencyHz, p.DtMs}] = p.DW
	}
	if d := dw[[2]float64{0.1, -10}]; !(d < 0) {
		t.Errorf("0.1 Hz, -10 ms: %v, want depression", d)
	}
	if d := dw[[2]float64{50, -10}]; !(d > 0) {
		t.Errorf("50 Hz, -10 ms: %v, want potentiation", d)
	}
	if d := dw[[2]float64{50, 10}]; !(d > dw[[2]float64{0.1, 10}]) {
		t.Errorf("+10 ms: %v at 50 Hz, not above %v at 0.1 Hz", d, dw[[2]float64{0.1, 10}])
	}
}
