package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"snn/recordings"
)

// TestRunawayGuard: a population driven far above threshold (rest 1000 mV above it, no
// refractory period, about 2600 Hz) trips --max-rate: the run stops with a message naming
// the population and the limit, run.json says failed, and a checkpoint is left.
func TestRunawayGuard(t *testing.T) {
	tmp := t.TempDir()
	path := filepath.Join(tmp, "runaway.toml")
	os.WriteFile(path, []byte(`duration = "2 s"
[populations.hot]
model = "lif_delta"
size = 10
tau_m = "20 ms"
e_l = "1000 mV"
v_th = "-50 mV"
v_reset = "-70 mV"
`), 0o644)
	dir := filepath.Join(tmp, "run")
	_, err := run(path, runFlags{out: dir, maxRate: 1000, quiet: true}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `runaway activity: population "hot"`) || !strings.Contains(err.Error(), "--max-rate 1000 Hz") {
		t.Fatalf("runaway run: %v", err)
	}
	m, _ := recordings.ReadManifest(dir)
	if m.Status != "failed" {
		t.Errorf("status %q", m.Status)
	}
	if _, _, _, err := recordings.LatestCheckpoint(dir); err != nil {
		t.Errorf("no checkpoint after the guard: %v", err)
	}
	// With the guard off the run completes.
	if _, err := run(path, runFlags{out: filepath.Join(tmp, "off"), maxRate: 0, quiet: true, duration: "200ms"}, &bytes.Buffer{}); err != nil {
		t.Errorf("--max-rate 0: %v", err)
	}
}
