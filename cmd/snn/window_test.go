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
	if r.TauPlus != 16.8 || r.TauMinus != 33.7 || len(res.Points) != 200 {
		t.Fatalf("rule %+v, %d points", r, len(res.Points))
	}
	for _, p := range res.Points {
		dt := p.DtMs
		want := 60*r.APlus*math.Exp(-dt/r.TauPlus) - 59*r.AMinus*math.Exp(-(1000-dt)/r.TauMinus)
		if dt < 0 {
			want = -60*r.AMinus*math.Exp(dt/r.TauMinus) + 59*r.APlus*math.Exp(-(1000+dt)/r.TauPlus)
		}
		if math.Abs(p.DW-want) > 1e-9*math.Abs(want) {
			t.Errorf("dt %v: dW %v, closed form %v", dt, p.DW, want)
		}
	}
	fit := res.Fit
	for _, c := range [][2]float64{{fit.TauPlusMs, r.TauPlus}, {fit.TauMinusMs, r.TauMinus}, {fit.AmpPlus / 60, r.APlus}, {fit.AmpMinus / 60, r.AMinus}} {
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
