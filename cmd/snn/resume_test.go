package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"snn/recordings"
	"snn/sim"
)

func readRows[T any](t *testing.T, dir, dataset string) []T {
	t.Helper()
	var rows []T
	if err := recordings.Read(dir, dataset, nil, func(r T) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestResumeEquality: runs stopped at several times and resumed give the same spikes,
// state samples, weights, counts and digest as the uninterrupted run.
func TestResumeEquality(t *testing.T) {
	tmp := t.TempDir()
	specPath := filepath.Join(tmp, "probe.toml")
	// The probe spec with a Poisson drive, so random streams are in the checkpoint.
	text := strings.Replace(probeSpec, "[[record.state]]", `[inputs.noise]
model = "poisson"
size = 50
rate = "40 Hz"

[[projections]]
from = "noise"
to = "a"
rule = "all_to_all"
weight = "1.5 mV"
delay = "1 ms"

[[record.state]]`, 1)
	text = strings.Replace(text, `duration = "50 ms"`, `duration = "300 ms"`, 1)
	text = strings.Replace(text, `times = ["0 ms", "50 ms"]`, `interval = "100 ms"`, 1)
	os.WriteFile(specPath, []byte(text), 0o644)

	whole := filepath.Join(tmp, "whole")
	want, err := run(specPath, runFlags{out: whole, checkpointEvery: "70 ms"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if want.Spikes == 0 {
		t.Fatal("the test network does not fire")
	}
	for _, stop := range []string{"37 ms", "100 ms", "299 ms"} {
		dir := filepath.Join(tmp, "stop-"+strings.Fields(stop)[0])
		if _, err := run(specPath, runFlags{out: dir, duration: stop}, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		got, err := run("", runFlags{resume: dir, duration: "300 ms"}, &bytes.Buffer{})
		if err != nil {
			t.Fatalf("resume at %s: %v", stop, err)
		}
		got.WallSeconds, got.BuildSeconds, got.Finished = want.WallSeconds, want.BuildSeconds, want.Finished
		if got.SpikesSHA256 != want.SpikesSHA256 || got.Spikes != want.Spikes || got.SynapticEvents != want.SynapticEvents {
			t.Errorf("resumed at %s: %+v, uninterrupted %+v", stop, got, want)
		}
		if !slices.Equal(readRows[recordings.SpikeRow](t, dir, "spikes"), readRows[recordings.SpikeRow](t, whole, "spikes")) {
			t.Errorf("resumed at %s: spike rows differ", stop)
		}
		if !slices.Equal(readRows[recordings.StateRow](t, dir, "state"), readRows[recordings.StateRow](t, whole, "state")) {
			t.Errorf("resumed at %s: state rows differ", stop)
		}
		if !slices.Equal(readRows[recordings.WeightRow](t, dir, "weights"), readRows[recordings.WeightRow](t, whole, "weights")) {
			t.Errorf("resumed at %s: weight rows differ", stop)
		}
	}

	// A changed spec is refused, with the run's directory named.
	other := filepath.Join(tmp, "other.toml")
	os.WriteFile(other, []byte(strings.Replace(text, `rate = "40 Hz"`, `rate = "41 Hz"`, 1)), 0o644)
	if _, err := run(other, runFlags{resume: whole}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "spec differs") {
		t.Errorf("resuming with another spec: %v", err)
	}
	// A checkpoint from another version is refused.
	ck, _, _, _ := recordings.LatestCheckpoint(whole)
	ck.Version, ck.TimeNs = "0.0.1", ck.TimeNs+1
	recordings.WriteCheckpoint(whole, ck, 5)
	if _, err := run("", runFlags{resume: whole}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "written by snn 0.0.1") {
		t.Errorf("resuming another version's checkpoint: %v", err)
	}
}

// TestSIGTERM runs the command, stops it with SIGTERM, checks its message, exit status
// and checkpoint, resumes it and compares with an uninterrupted run.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command for seconds")
	}
	bin := buildSNN(t)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "run")
	cmd := exec.Command(bin, "run", "cuba", "--duration", "60s", "-o", dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	if cmd.ProcessState.ExitCode() != 128+int(syscall.SIGTERM) || !strings.Contains(stderr.String(), "snn run --resume "+dir) {
		t.Fatalf("after SIGTERM: %v, exit %d\n%s", err, cmd.ProcessState.ExitCode(), stderr.String())
	}
	ck, _, _, err := recordings.LatestCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := recordings.ReadManifest(dir)
	if m.Status != "failed" || !strings.Contains(m.Error, "terminated") {
		t.Errorf("manifest after SIGTERM: status %q, error %q", m.Status, m.Error)
	}
	// Resume to half a second past the checkpoint and compare with a straight run.
	end := (ck.TimeNs/1e6 + 500)
	endArg := strings.TrimSpace(strings.Replace(time.Duration(end*1e6).String(), "s", " s", 1))
	out, err := exec.Command(bin, "run", "--resume", dir, "--duration", endArg).CombinedOutput()
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	straight := filepath.Join(tmp, "straight")
	out2, err := exec.Command(bin, "run", "cuba", "--duration", endArg, "-o", straight).CombinedOutput()
	if err != nil {
		t.Fatalf("straight run: %v\n%s", err, out2)
	}
	digest := func(b []byte) string {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "spikes_sha256 ") {
				return l
			}
		}
		return ""
	}
	if digest(out) == "" || digest(out) != digest(out2) {
		t.Errorf("resumed after SIGTERM: %q, straight: %q", digest(out), digest(out2))
	}
}

// TestKill9DuringCheckpoints kills the command with SIGKILL while it writes checkpoints
// every 50 ms of simulated time (so a kill often lands inside one), then resumes from the
// newest usable checkpoint and compares the spikes with an uninterrupted run.
func TestKill9DuringCheckpoints(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the command for seconds")
	}
	bin := buildSNN(t)
	tmp := t.TempDir()
	for k, wait := range []time.Duration{700 * time.Millisecond, 1100 * time.Millisecond, 1333 * time.Millisecond} {
		dir := filepath.Join(tmp, "run"+string(rune('a'+k)))
		cmd := exec.Command(bin, "run", "cubadv", "--duration", "60s", "--checkpoint-every", "50ms", "-o", dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(wait)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		ck, path, skipped, err := recordings.LatestCheckpoint(dir)
		if err != nil {
			t.Fatalf("after kill -9: %v", err)
		}
		end := ck.TimeNs/1e6 + 200
		endArg := strings.Replace(time.Duration(end*1e6).String(), "s", " s", 1)
		out, err := exec.Command(bin, "run", "--resume", dir, "--duration", endArg).CombinedOutput()
		if err != nil {
			t.Fatalf("resume from %s (skipped %v): %v\n%s", path, skipped, err, out)
		}
		straight := filepath.Join(tmp, "straight"+string(rune('a'+k)))
		out2, err := exec.Command(bin, "run", "cubadv", "--duration", endArg, "-o", straight).CombinedOutput()
		if err != nil {
			t.Fatalf("straight run: %v\n%s", err, out2)
		}
		if a, b := lineWith(string(out), "spikes_sha256"), lineWith(string(out2), "spikes_sha256"); a == "" || a != b {
			t.Errorf("killed after %v, resumed from %s: %q, straight %q", wait, filepath.Base(path), a, b)
		}
		t.Logf("killed after %v: resumed from %s (%d damaged skipped)", wait, filepath.Base(path), len(skipped))
	}
}

func lineWith(s, prefix string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// TestResumePlastic: a run with STDP stopped and resumed through the command equals the
// uninterrupted run in spikes and in every weight snapshot (plastic weights and traces are
// in the checkpoint).
func TestResumePlastic(t *testing.T) {
	for _, c := range []struct {
		spec, whole, cut string
		w0               func(float64) bool // true for a weight as it started
	}{
		{"testdata/stdpnet.toml", "400ms", "170ms", func(w float64) bool { return w == 4 }},
		// song2000 (conductance-based neuron, 1000 plastic inputs): 30 s crosses the
		// plastic traces' rebase (every 6 s), which applies and empties the histories.
		{"song2000", "30s", "13.7s", func(float64) bool { return false }},
	} {
		tmp := t.TempDir()
		whole, cut := filepath.Join(tmp, "whole"), filepath.Join(tmp, "cut")
		want, err := run(c.spec, runFlags{out: whole, duration: c.whole, quiet: true}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run(c.spec, runFlags{out: cut, duration: c.cut, quiet: true}, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		got, err := run("", runFlags{resume: cut, duration: c.whole, quiet: true}, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		if got.SpikesSHA256 != want.SpikesSHA256 || want.Spikes == 0 {
			t.Errorf("%s: resumed spikes differ (%d spikes)", c.spec, want.Spikes)
		}
		a, b := readRows[recordings.WeightRow](t, whole, "weights"), readRows[recordings.WeightRow](t, cut, "weights")
		if !slices.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s: weights differ: %d and %d rows", c.spec, len(a), len(b))
		}
		first, changed := map[[2]int32]float64{}, 0
		for _, r := range a {
			k := [2]int32{r.Pre, r.Post}
			if w, ok := first[k]; !ok {
				first[k] = r.Weight
			} else if w != r.Weight && !c.w0(r.Weight) {
				changed++
			}
		}
		if changed == 0 {
			t.Errorf("%s: no weight changed: the test exercises no plasticity", c.spec)
		}
	}
}

// TestResumeRewards: izhikevich2007 (modulated STDP, a reward triggered by a spike pairing
// and delivered 1-3 s later) stopped between a pairing and its reward, then resumed,
// gives the uninterrupted run's spikes, weights and rewards: eligibilities, the volume,
// the trigger and the pending reward are in the checkpoint.
func TestResumeRewards(t *testing.T) {
	tmp := t.TempDir()
	whole := filepath.Join(tmp, "whole")
	want, err := run("izhikevich2007", runFlags{out: whole, duration: "150s", quiet: true}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	evs := readRows[recordings.EventRow](t, whole, "events")
	if len(evs) == 0 {
		t.Fatal("no reward in 150 s: the test exercises nothing")
	}
	// 0.5 s before the first reward its pairing has happened (1-3 s before it).
	cutAt := sim.Time(evs[0].TimeNs) - 500*sim.Millisecond
	cut := filepath.Join(tmp, "cut")
	if _, err := run("izhikevich2007", runFlags{out: cut, duration: cutAt.String(), quiet: true}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	got, err := run("", runFlags{resume: cut, duration: "150s", quiet: true}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if got.SpikesSHA256 != want.SpikesSHA256 {
		t.Errorf("resumed spikes differ")
	}
	for _, ds := range []string{"weights", "events"} {
		var a, b []string
		if ds == "weights" {
			for _, r := range readRows[recordings.WeightRow](t, whole, ds) {
				a = append(a, fmt.Sprint(r))
			}
			for _, r := range readRows[recordings.WeightRow](t, cut, ds) {
				// The cut run snapshotted "end", its own end, too.
				if sim.Time(r.TimeNs) != cutAt {
					b = append(b, fmt.Sprint(r))
				}
			}
		} else {
			for _, r := range evs {
				a = append(a, fmt.Sprint(r))
			}
			for _, r := range readRows[recordings.EventRow](t, cut, ds) {
				b = append(b, fmt.Sprint(r))
			}
		}
		if !slices.Equal(a, b) || len(a) == 0 {
			t.Errorf("%s differ: %d and %d rows", ds, len(a), len(b))
		}
	}
	if got.Plastic["chosen"] != want.Plastic["chosen"] {
		t.Errorf("chosen synapse %+v, uninterrupted %+v", got.Plastic["chosen"], want.Plastic["chosen"])
	}
}
