package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"snn/recordings"
)

// TestRunWritesSummaryAndSpikes runs the default example and checks summary.json against
// the spikes dataset: row counts agree, and spikes_sha256 digests its rows.
func TestRunWritesSummaryAndSpikes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var out bytes.Buffer
	sum, err := run("demo", runFlags{out: dir, duration: "300ms"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var js map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"spec", "seed", "sim_seconds", "wall_seconds", "synaptic_events", "spikes", "spikes_sha256", "populations"} {
		if _, ok := js[k]; !ok {
			t.Errorf("summary.json lacks %q", k)
		}
	}
	for name, p := range js["populations"].(map[string]any) {
		for _, k := range []string{"neurons", "spikes", "mean_rate_hz", "cv_isi"} {
			if _, ok := p.(map[string]any)[k]; !ok {
				t.Errorf("populations.%s lacks %q", name, k)
			}
		}
	}
	if js["sim_seconds"].(float64) != 0.3 {
		t.Errorf("sim_seconds = %v, want 0.3 (--duration)", js["sim_seconds"])
	}
	// The spikes dataset holds every recorded spike; its rows printed as
	// "time_ns,population,node\n" digest to spikes_sha256.
	h := sha256.New()
	counts := map[string]int64{}
	rows := int64(0)
	last := int64(-1)
	err = recordings.ReadSpikes(dir, func(r recordings.SpikeRow) error {
		fmt.Fprintf(h, "%d,%s,%d\n", r.TimeNs, r.Population, r.NodeIDs)
		counts[r.Population]++
		rows++
		if r.TimeNs < last {
			return fmt.Errorf("rows out of time order at %d", r.TimeNs)
		}
		last = r.TimeNs
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if rows != sum.Spikes || sum.Spikes == 0 {
		t.Errorf("spikes dataset has %d rows, summary says %d spikes", rows, sum.Spikes)
	}
	if hex.EncodeToString(h.Sum(nil)) != sum.SpikesSHA256 {
		t.Errorf("spikes_sha256 %s is not the digest of the dataset's rows", sum.SpikesSHA256)
	}
	for name, p := range sum.Populations {
		if counts[name] != p.Spikes {
			t.Errorf("%s: %d rows, summary %d", name, counts[name], p.Spikes)
		}
		if want := float64(p.Spikes) / float64(p.Neurons) / 0.3; abs(p.MeanRateHz-want) > 1e-9 {
			t.Errorf("%s: mean_rate_hz %v, want %v", name, p.MeanRateHz, want)
		}
	}
	// The manifest lists the parts and the run as complete.
	m, err := recordings.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != "complete" || m.Datasets["spikes"].Rows != rows || len(m.Datasets["spikes"].Parts) == 0 || m.Seed != 1 || m.SpecText == "" {
		t.Errorf("manifest: %+v", m)
	}
	if !strings.Contains(out.String(), "spikes_sha256") {
		t.Errorf("no summary printed: %q", out.String())
	}
	// The same run again into another directory gives the same digest; another seed not.
	again, err := run("demo", runFlags{out: dir + "2", duration: "300ms"}, &out)
	if err != nil || again.SpikesSHA256 != sum.SpikesSHA256 {
		t.Errorf("repeat run digest %v (err %v), want %s", again, err, sum.SpikesSHA256)
	}
	other, err := run("demo", runFlags{out: dir + "3", duration: "300ms", seed: 7, seedSet: true}, &out)
	if err != nil || other.SpikesSHA256 == sum.SpikesSHA256 || other.Seed != 7 {
		t.Errorf("seed 7 run: %+v, %v", other, err)
	}
	// A directory holding a run is not overwritten.
	if _, err := run("demo", runFlags{out: dir, duration: "300ms"}, &out); err == nil || !strings.Contains(err.Error(), "already holds a run") {
		t.Errorf("rerun into %s: %v", dir, err)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestBadInputWritesNothing: a bad spec or flag is a usage error naming the problem, and
// the output directory is not created.
func TestBadInputWritesNothing(t *testing.T) {
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.toml")
	os.WriteFile(bad, []byte(`duration = "1 s"
[populations.a]
model = "lif_delta"
size = 10
tau_m = "20"
e_l = "-65 mV"
v_th = "-50 mV"
v_reset = "-70 mV"
`), 0o644)
	cases := []struct {
		arg   string
		flags runFlags
		want  string
	}{
		{bad, runFlags{}, `populations.a.tau_m = "20": missing unit`},
		{"nosuch", runFlags{}, "no such spec file or built-in example"},
		{"cuba", runFlags{duration: "10"}, `--duration "10": missing unit`},
		{"cuba", runFlags{duration: "10 mV"}, "mV is a unit of voltage"},
	}
	for _, c := range cases {
		c.flags.out = filepath.Join(tmp, "out")
		_, err := run(c.arg, c.flags, &bytes.Buffer{})
		var u usageError
		if err == nil || !errors.As(err, &u) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q, %+v) = %v, want a usage error containing %q", c.arg, c.flags, err, c.want)
		}
		if exists(c.flags.out) {
			t.Errorf("run(%q) created %s despite bad input", c.arg, c.flags.out)
		}
	}
}

// TestCommandExitStatus builds the command and checks exit statuses and messages of the
// whole process.
func TestCommandExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildSNN(t)
	cmd := exec.Command(bin, "examples")
	out, err := cmd.Output()
	if err != nil || !strings.Contains(string(out), "cuba") || !strings.Contains(string(out), "(default)") {
		t.Errorf("snn examples: %v\n%s", err, out)
	}
	// snn examples NAME prints a spec that runs as a file.
	spec := filepath.Join(t.TempDir(), "cubadv.toml")
	out, err = exec.Command(bin, "examples", "cubadv").Output()
	if err != nil || !strings.Contains(string(out), `name = "cubadv"`) {
		t.Fatalf("snn examples cubadv: %v\n%s", err, out)
	}
	os.WriteFile(spec, out, 0o644)
	cmd = exec.Command(bin, "run", spec, "--duration", "20ms", "-o", "f")
	cmd.Dir = t.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("running the printed spec: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "run", "cuba", "--seed", "x")
	cmd.Dir = t.TempDir()
	out, _ = cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), "invalid argument") {
		t.Errorf("bad flag: exit %d\n%s", cmd.ProcessState.ExitCode(), out)
	}
	cmd = exec.Command(bin, "run", "cubadv", "--duration", "50ms", "-o", "r")
	cmd.Dir = t.TempDir()
	out, err = cmd.CombinedOutput()
	if err != nil || !exists(filepath.Join(cmd.Dir, "r", "summary.json")) {
		t.Errorf("snn run cubadv: %v\n%s", err, out)
	}
	// Not on a terminal, progress comes as structured log lines; --quiet silences it.
	if !strings.Contains(string(out), "msg=progress") || !strings.Contains(string(out), "real_time_factor=") {
		t.Errorf("no progress log line:\n%s", out)
	}
	cmd = exec.Command(bin, "run", "cubadv", "--duration", "50ms", "-o", "q", "--quiet")
	cmd.Dir = t.TempDir()
	if out, err = cmd.CombinedOutput(); err != nil || strings.Contains(string(out), "msg=progress") {
		t.Errorf("--quiet: %v\n%s", err, out)
	}
}

// TestExistingOutputIsKept: a directory already holding spikes (an earlier run that did
// not finish, say) is refused and its files left as they were.
func TestExistingOutputIsKept(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "spikes"), 0o755)
	old := filepath.Join(dir, "spikes", "part-00000.parquet")
	os.WriteFile(old, []byte("keep me\n"), 0o644)
	_, err := run("cubadv", runFlags{out: dir, duration: "10ms"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "already holds a run (spikes)") {
		t.Errorf("run into a directory with spikes: %v", err)
	}
	if b, _ := os.ReadFile(old); string(b) != "keep me\n" {
		t.Errorf("a part was overwritten: %q", b)
	}
}

// buildSNN builds the command into a temporary directory and returns its path.
func buildSNN(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "snn")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
