package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnalyzeAgreesWithSummary: snn analyze reads the recorded spikes back and computes
// rates and CVs independently of the run's own tallies (summary.json): they must agree to
// rounding (1e-12 relative: both are sums over the same spikes in a different order).
func TestAnalyzeAgreesWithSummary(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	sum, err := run("demo", runFlags{out: dir, duration: "500ms"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := analyze(dir, analyzeFlags{json: true, bin: "20 ms", psthBin: "10 ms", pairs: 50, seed: 1, tau: "10 ms", vpCostMs: 0.1,
		compare: []string{"exc:0,exc:1"}}, &out); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		DurationS   float64 `json:"duration_s"`
		Populations map[string]struct {
			Neurons    int      `json:"neurons"`
			Spikes     int64    `json:"spikes"`
			MeanRateHz float64  `json:"mean_rate_hz"`
			CVISI      *float64 `json:"cv_isi"`
			FanoFactor *float64 `json:"fano_factor"`
			PSTHHz     []float64
		} `json:"populations"`
		Distances []json.RawMessage `json:"distances"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if rep.DurationS != 0.5 || len(rep.Distances) != 1 {
		t.Errorf("duration %v, distances %d", rep.DurationS, len(rep.Distances))
	}
	for name, want := range sum.Populations {
		got, ok := rep.Populations[name]
		if !ok {
			t.Errorf("%s missing from the analysis", name)
			continue
		}
		if got.Spikes != want.Spikes || got.Neurons != want.Neurons || math.Abs(got.MeanRateHz-want.MeanRateHz) > 1e-12*want.MeanRateHz {
			t.Errorf("%s: analysis %+v, summary %+v", name, got, want)
		}
		if (got.CVISI == nil) != (want.CVISI == nil) || (got.CVISI != nil && math.Abs(*got.CVISI-*want.CVISI) > 1e-12) {
			t.Errorf("%s: cv_isi %v, summary %v", name, got.CVISI, want.CVISI)
		}
		if got.FanoFactor == nil {
			t.Errorf("%s: no Fano factor", name)
		}
	}
	// The table names every population; --plots writes three PNG figures.
	out.Reset()
	if err := analyze(dir, analyzeFlags{bin: "50 ms", psthBin: "10 ms", pairs: 10, tau: "10 ms", plots: true}, &out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"raster.png", "rate.png", "isi.png"} {
		f, err := os.Open(filepath.Join(dir, "plots", name))
		if err != nil {
			t.Errorf("--plots: %v", err)
			continue
		}
		if cfg, err := png.DecodeConfig(f); err != nil || cfg.Width < 400 {
			t.Errorf("%s: not a PNG figure (%v, %+v)", name, err, cfg)
		}
		f.Close()
	}
	for _, s := range []string{"exc", "inh", "overall", "CV ISI"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, out.String())
		}
	}
}

// TestAnalyzeBadInput: a missing directory, one without run.json, a part that is not
// Parquet or is truncated, and bad flags are usage errors naming the file or flag.
func TestAnalyzeBadInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if _, err := run("cubadv", runFlags{out: dir, duration: "100ms"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	flags := analyzeFlags{bin: "50 ms", psthBin: "10 ms", pairs: 10, tau: "10 ms"}
	check := func(name, d string, f analyzeFlags, want string) {
		t.Helper()
		err := analyze(d, f, &bytes.Buffer{})
		var u usageError
		if err == nil || !errors.As(err, &u) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want a usage error containing %q", name, err, want)
		}
	}
	check("missing", filepath.Join(dir, "nosuch"), flags, "not a directory")
	check("no manifest", t.TempDir(), flags, "no run.json")
	bad := flags
	bad.bin = "50"
	check("bin without unit", dir, bad, `--bin "50"`)
	bad = flags
	bad.compare = []string{"exc:0,nosuch:1"}
	check("unknown population", dir, bad, `no recorded population "nosuch"`)
	bad.compare = []string{"exc:99999,exc:1"}
	check("neuron out of range", dir, bad, "outside [0, 3200)")

	part := filepath.Join(dir, "spikes", "part-00000.parquet")
	good, _ := os.ReadFile(part)
	os.WriteFile(part, good[:len(good)/3], 0o644)
	check("truncated part", dir, flags, "part-00000.parquet: not a readable Parquet file")
	os.WriteFile(part, []byte("time_ns,population,neuron\n"), 0o644)
	check("text part", dir, flags, "part-00000.parquet: not a readable Parquet file")
	os.Remove(part)
	check("missing part", dir, flags, "run.json lists")
}
