package recordings

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var testNames = []string{"exc", "inh", "noise"}

// writeSpikes writes n spikes with small limits (so there are several row groups and
// parts) and returns what it wrote.
func writeSpikes(t *testing.T, dir string, n int, lim Limits) ([]SpikeRow, *Run) {
	t.Helper()
	run, err := CreateRun(dir, Manifest{Name: "test", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.AddDataset("spikes", SpikeColumns); err != nil {
		t.Fatal(err)
	}
	w, err := NewSpikeWriter(dir, testNames, map[string]string{"snn.run": "test"}, lim, run.PartClosed("spikes"))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var want []SpikeRow
	tNs := int64(0)
	for range n {
		tNs += int64(r.IntN(100000))
		pop := int32(r.IntN(len(testNames)))
		node := int32(r.IntN(1000))
		w.Add(tNs, pop, node)
		want = append(want, SpikeRow{tNs, node, testNames[pop]})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := run.Finish(nil); err != nil {
		t.Fatal(err)
	}
	return want, run
}

// TestSpikesRoundTrip: what is written is read back, row for row, across row groups and
// parts, and the manifest lists exactly the parts on disk with their row counts and times.
func TestSpikesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	lim := Limits{Batch: 100, RowsPerGroup: 1000, GroupsPerPart: 3}
	want, _ := writeSpikes(t, dir, 10500, lim)
	var got []SpikeRow
	if err := ReadSpikes(dir, func(r SpikeRow) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(want))
	}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("row %d: read %+v, wrote %+v", k, got[k], want[k])
		}
	}
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := m.Datasets["spikes"]
	parts, _ := Parts(filepath.Join(dir, "spikes"))
	// 10500 rows at 3000 per part: 4 parts, the last of 1500 rows.
	if len(d.Parts) != 4 || len(parts) != 4 || d.Rows != 10500 || m.Status != "complete" {
		t.Fatalf("manifest %+v, parts on disk %v", m, parts)
	}
	row := 0
	for k, p := range d.Parts {
		if filepath.Base(parts[k]) != p.File || p.FirstNs != want[row].TimeNs || p.LastNs != want[row+int(p.Rows)-1].TimeNs {
			t.Errorf("part %d: %+v", k, p)
		}
		if st, _ := os.Stat(parts[k]); st.Size() != p.Bytes {
			t.Errorf("part %d: %d bytes on disk, manifest %d", k, st.Size(), p.Bytes)
		}
		row += int(p.Rows)
	}
}

// TestBadParts: a part that is not Parquet, is truncated, or has other columns is an
// error naming the file, never a panic.
func TestBadParts(t *testing.T) {
	dir := t.TempDir()
	writeSpikes(t, dir, 3000, Limits{Batch: 100, RowsPerGroup: 1000, GroupsPerPart: 10})
	part := filepath.Join(dir, "spikes", "part-00000.parquet")
	good, _ := os.ReadFile(part)
	type other struct {
		A int64 `parquet:"a"`
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"text", []byte("time_ns,population,neuron\n1,exc,0\n"), "not a readable Parquet file"},
		{"truncated", good[:len(good)/2], "not a readable Parquet file"},
		{"empty", nil, "not a readable Parquet file"},
	}
	for _, c := range cases {
		os.WriteFile(part, c.data, 0o644)
		err := ReadSpikes(dir, func(SpikeRow) error { return nil })
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "part-00000.parquet") {
			t.Errorf("%s: %v, want an error naming the part and %q", c.name, err, c.want)
		}
	}
	// A Parquet file with other columns.
	odir := t.TempDir()
	w, err := newWriter(filepath.Join(odir, "spikes"), DefaultLimits, nil, func(*other) int64 { return 0 }, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.add(other{1})
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	err = ReadSpikes(odir, func(SpikeRow) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `no column "time_ns"`) {
		t.Errorf("wrong schema: %v", err)
	}
	if err := ReadSpikes(filepath.Join(dir, "nosuch"), func(SpikeRow) error { return nil }); err == nil {
		t.Error("missing directory: no error")
	}
}

// TestKilledWriterLeavesCompleteParts runs a writer in a child process (this test binary,
// re-executed), kills it with SIGKILL while it writes, and checks that every
// part-*.parquet left behind opens and reads completely, and that run.json lists exactly
// those parts: a crash loses at most the part being written.
func TestKilledWriterLeavesCompleteParts(t *testing.T) {
	if dir := os.Getenv("SNN_KILL_WRITER_DIR"); dir != "" {
		killChild(dir) // never returns
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestKilledWriterLeavesCompleteParts$")
	cmd.Env = append(os.Environ(), "SNN_KILL_WRITER_DIR="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until a few parts are complete, then kill mid-part.
	deadline := time.Now().Add(20 * time.Second)
	for {
		parts, _ := Parts(filepath.Join(dir, "spikes"))
		if len(parts) >= 3 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("child wrote no parts in 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(7 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	parts, _ := Parts(filepath.Join(dir, "spikes"))
	rows := int64(0)
	buf := make([]SpikeRow, 1000)
	for _, p := range parts {
		if err := readPart(p, buf, checkSchema, func(SpikeRow) error { rows++; return nil }); err != nil {
			t.Errorf("closed part %s does not read: %v", p, err)
		}
	}
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := m.Datasets["spikes"]
	// The manifest is rewritten after each rename, so it may lag the disk by the one part
	// renamed just before the kill, never lead it.
	if n := len(d.Parts); n != len(parts) && n != len(parts)-1 {
		t.Errorf("manifest lists %d parts, %d on disk", n, len(parts))
	}
	if m.Status != "running" {
		t.Errorf("status %q after a kill", m.Status)
	}
	t.Logf("killed after %d complete parts, %d rows readable", len(parts), rows)
}

// killChild writes spikes for ever, slowly enough to be killed mid-part.
func killChild(dir string) {
	run, err := CreateRun(dir, Manifest{Name: "killed"})
	if err != nil {
		panic(err)
	}
	run.AddDataset("spikes", SpikeColumns)
	w, err := NewSpikeWriter(dir, testNames, nil, Limits{Batch: 500, RowsPerGroup: 2000, GroupsPerPart: 2}, run.PartClosed("spikes"))
	if err != nil {
		panic(err)
	}
	for k := int64(0); ; k++ {
		w.Add(k*1000, int32(k%3), int32(k%1000))
		if k%500 == 0 {
			time.Sleep(time.Millisecond)
		}
		if err := w.Err(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// TestDuckDBReadsParts opens the parts with DuckDB, an independent Parquet reader
// (scripts/check-parquet-reader.sh installs it from the npm registry into a cache). The
// test is skipped when node/npm are missing or the install fails (exit status 2), and
// fails if DuckDB cannot read a part.
func TestDuckDBReadsParts(t *testing.T) {
	if testing.Short() {
		t.Skip("installs DuckDB")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm not installed")
	}
	dir := t.TempDir()
	want, _ := writeSpikes(t, dir, 5000, Limits{Batch: 100, RowsPerGroup: 1000, GroupsPerPart: 2})
	parts, _ := Parts(filepath.Join(dir, "spikes"))
	out, err := exec.Command("bash", append([]string{"../scripts/check-parquet-reader.sh"}, parts...)...).CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 2 {
		t.Skipf("DuckDB not available: %s", out)
	}
	if err != nil {
		t.Fatalf("DuckDB could not read the parts: %v\n%s", err, out)
	}
	total := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var rows int
		if i := strings.Index(line, " rows="); i >= 0 {
			fmt.Sscanf(line[i:], " rows=%d", &rows)
		}
		total += rows
		if !strings.Contains(line, "time_ns:BIGINT,node_ids:INTEGER,population:VARCHAR") {
			t.Errorf("DuckDB schema: %s", line)
		}
	}
	if total != len(want) {
		t.Errorf("DuckDB counts %d rows, %d written\n%s", total, len(want), out)
	}
}

// TestDiskFullIsAnError: a part that cannot be written (here /dev/full, which fails every
// write with ENOSPC as a full disk does) makes Close return the error, the parts closed
// before stay listed and readable, and no temporary part is left.
func TestDiskFullIsAnError(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	dir := t.TempDir()
	run, err := CreateRun(dir, Manifest{Name: "full"})
	if err != nil {
		t.Fatal(err)
	}
	run.AddDataset("spikes", SpikeColumns)
	lim := Limits{Batch: 100, RowsPerGroup: 1000, GroupsPerPart: 1}
	w, err := NewSpikeWriter(dir, testNames, nil, lim, run.PartClosed("spikes"))
	if err != nil {
		t.Fatal(err)
	}
	// The second part's temporary file is the full device.
	if err := os.Symlink("/dev/full", filepath.Join(dir, "spikes", ".part-00001.parquet.tmp")); err != nil {
		t.Fatal(err)
	}
	for k := range 5000 {
		w.Add(int64(k)*1000, int32(k%3), int32(k))
	}
	err = w.Close()
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("Close: %v, want the device's ENOSPC", err)
	}
	run.Finish(err)
	m, _ := ReadManifest(dir)
	if m.Status != "failed" || len(m.Datasets["spikes"].Parts) != 1 || !strings.Contains(m.Error, "no space") {
		t.Errorf("manifest after the failure: %+v", m)
	}
	rows := 0
	if err := ReadSpikes(dir, func(SpikeRow) error { rows++; return nil }); err != nil || rows != 1000 {
		t.Errorf("the complete part: %d rows, %v", rows, err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "spikes"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
