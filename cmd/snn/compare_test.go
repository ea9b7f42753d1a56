package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"snn/readout"
)

// runCompare runs snn compare with args (and -q) as the command line would.
func runCompare(args ...string) (string, error) {
	cmd := compareCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append([]string{"-q"}, args...))
	err := cmd.Execute()
	return out.String(), err
}

// TestCompareCommand runs a small comparison: 300 training and 200 test images, 20
// neurons, 3 epochs (minibatches of 10 so that the MLPs take 90 steps). Every system
// must be well above chance (10 %): the MLPs at least 50 % (they reach 70-75 % here),
// the spiking systems at least 20 %, twice chance (with 20 neurons and 300 images the
// vote reaches 35-40 %, the linear readout about 50 %). The files must exist and parse,
// and dc.state must restore the trained weights.
func TestCompareCommand(t *testing.T) {
	if _, err := readout.MNISTDir(); err != nil {
		t.Skip(err)
	}
	dir := filepath.Join(t.TempDir(), "cmp")
	out, err := runCompare("--train", "300", "--test", "200", "--neurons", "20", "--epochs", "3", "--batch", "10", "--seed", "3", "-o", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "| MLP, backprop |") {
		t.Errorf("no table on stdout:\n%s", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Systems []struct {
			Name                string  `json:"name"`
			Accuracy            float64 `json:"accuracy"`
			TrainSeconds        float64 `json:"train_seconds"`
			LearningMemoryBytes int64   `json:"learning_memory_bytes"`
			SignalScope         string  `json:"signal_scope"`
			Phases              string  `json:"phases"`
			ErrorSource         string  `json:"error_source"`
			LabelsUsed          int     `json:"labels_used"`
			Confusion           [][]int `json:"confusion"`
			Unanswered          int     `json:"unanswered"`
		} `json:"systems"`
		Curves    []readout.LearningCurve `json:"curves"`
		DiehlCook readout.DCSummary       `json:"diehl_cook"`
		Config    readout.CompareConfig   `json:"config"`
		Confusion []string                `json:"confusion_plots"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	want := []string{"MLP, backprop", "MLP, feedback alignment", "MLP, direct feedback alignment",
		"Diehl & Cook, vote", "Diehl & Cook, linear readout", "Diehl & Cook, R-STDP readout"}
	var names []string
	for _, s := range rep.Systems {
		names = append(names, s.Name)
		floor := 0.2
		if strings.HasPrefix(s.Name, "MLP") {
			floor = 0.5
		}
		if s.Accuracy < floor {
			t.Errorf("%s: test accuracy %.3f, want at least %.2f (chance 0.1)", s.Name, s.Accuracy, floor)
		}
		if s.TrainSeconds <= 0 || s.LearningMemoryBytes <= 0 || s.SignalScope == "" || s.Phases == "" || s.ErrorSource == "" {
			t.Errorf("%s: incomplete entry %+v", s.Name, s)
		}
		wantLabels := 300
		if s.LabelsUsed != wantLabels {
			t.Errorf("%s: %d labels used, want %d", s.Name, s.LabelsUsed, wantLabels)
		}
		n := s.Unanswered
		for _, row := range s.Confusion {
			for _, v := range row {
				n += v
			}
		}
		if len(s.Confusion) != 10 || n != 200 {
			t.Errorf("%s: confusion matrix of %d rows counting %d images, want 10 rows and 200", s.Name, len(s.Confusion), n)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("systems %q, want %q", names, want)
	}
	if len(rep.Curves) != 6 || rep.Config.Label != 300 || rep.DiehlCook.Neurons != 20 {
		t.Errorf("%d curves, label %d, %d neurons", len(rep.Curves), rep.Config.Label, rep.DiehlCook.Neurons)
	}
	for _, cv := range rep.Curves {
		if len(cv.Xs) == 0 || len(cv.Xs) != len(cv.Accuracy) {
			t.Errorf("curve %s: %d points, %d accuracies", cv.System, len(cv.Xs), len(cv.Accuracy))
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(want, "| system | accuracy | train s |", "**signal scope**") {
		if !bytes.Contains(md, []byte(s)) {
			t.Errorf("report.md lacks %q", s)
		}
	}
	files := append([]string{"learning_epochs.png", "learning_online.png", "receptive_fields.png", "rstdp.state"}, rep.Confusion...)
	if len(rep.Confusion) != 6 {
		t.Errorf("confusion plots %q, want 6", rep.Confusion)
	}
	for _, f := range files {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}

	// dc.state restores the trained network: the same weights, bit for bit.
	state, err := os.ReadFile(filepath.Join(dir, "dc.state"))
	if err != nil {
		t.Fatal(err)
	}
	p := readout.DefaultDC(20)
	p.Seed = 3
	d, err := readout.NewDiehlCook(p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	w0 := slices.Clone(d.Weights())
	if err := d.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(w0, d.Weights()) {
		t.Error("dc.state holds the initial weights")
	}
	if _, err := runCompare("--train", "300", "--test", "200", "-o", dir); err == nil || !strings.Contains(err.Error(), "already holds a comparison") {
		t.Errorf("a second run into %s: %v, want a refusal", dir, err)
	}
}

// writeIDX writes a gzip-compressed IDX file of unsigned bytes.
func writeIDX(t *testing.T, path string, dims []int, data []byte) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	hdr := binary.BigEndian.AppendUint32(nil, 0x0800|uint32(len(dims)))
	for _, d := range dims {
		hdr = binary.BigEndian.AppendUint32(hdr, uint32(d))
	}
	zw.Write(hdr)
	zw.Write(data)
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCompareBadInput: bad flags and data are usage errors (exit status 2) naming the
// flag, its value and what was expected, and nothing is written.
func TestCompareBadInput(t *testing.T) {
	tmp := t.TempDir()
	// A valid but small MNIST: 5 training and 3 test images.
	small := filepath.Join(tmp, "small")
	os.Mkdir(small, 0o755)
	writeIDX(t, filepath.Join(small, "train-images-idx3-ubyte.gz"), []int{5, 28, 28}, make([]byte, 5*784))
	writeIDX(t, filepath.Join(small, "train-labels-idx1-ubyte.gz"), []int{5}, []byte{0, 1, 2, 3, 4})
	writeIDX(t, filepath.Join(small, "t10k-images-idx3-ubyte.gz"), []int{3, 28, 28}, make([]byte, 3*784))
	writeIDX(t, filepath.Join(small, "t10k-labels-idx1-ubyte.gz"), []int{3}, []byte{0, 1, 2})
	// A corrupt one: the files are not gzip streams of IDX data.
	corrupt := filepath.Join(tmp, "corrupt")
	os.Mkdir(corrupt, 0o755)
	for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		os.WriteFile(filepath.Join(corrupt, f), []byte("not MNIST"), 0o644)
	}
	file := filepath.Join(tmp, "file")
	os.WriteFile(file, nil, 0o644)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--train", "60001"}, "--train 60001: expected 1 to 60000"},
		{[]string{"--train", "0"}, "--train 0: expected 1 to 60000"},
		{[]string{"--test", "10001"}, "--test 10001: expected 1 to 10000"},
		{[]string{"--test=-5"}, "--test -5: expected 1 to 10000"},
		{[]string{"--neurons", "0"}, "--neurons 0: expected at least 1"},
		{[]string{"--neurons", "-3"}, "--neurons -3: expected at least 1"},
		{[]string{"--epochs", "0"}, "--epochs 0: expected at least 1"},
		{[]string{"--train", "100", "--label", "200"}, "--label 200: expected 1 to --train (100)"},
		{[]string{"--decay", "1.5"}, "--decay 1.5: expected a factor in (0, 1]"},
		{[]string{"--rstdp-passes", "0"}, "--rstdp-passes 0: expected at least 1"},
		{[]string{"--data", filepath.Join(tmp, "nosuch")}, "--data " + filepath.Join(tmp, "nosuch") + ": stat"},
		{[]string{"--data", file}, "not a directory"},
		{[]string{"--data", corrupt, "--train", "5", "--test", "3"}, "MNIST file " + filepath.Join(corrupt, "train-images-idx3-ubyte.gz") + ": truncated IDX header"},
		{[]string{"--data", small, "--train", "10", "--test", "3"}, "10 items requested from MNIST file " + filepath.Join(small, "train-images-idx3-ubyte.gz") + ", which holds 5"},
		{[]string{"--data", small, "--train", "5", "--test", "4"}, "which holds 3"},
	} {
		out := filepath.Join(tmp, "out")
		_, err := runCompare(append(c.args, "-o", out)...)
		var u usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want a usage error containing %q", c.args, err, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: %s was created", c.args, out)
			os.RemoveAll(out)
		}
	}

	// Through the whole process: exit status 2 and the message on stderr.
	if testing.Short() {
		return
	}
	bin := buildSNN(t)
	for _, args := range [][]string{{"--neurons", "0"}, {"--epochs", "abc"}} {
		cmd := exec.Command(bin, append([]string{"compare", "-o", filepath.Join(tmp, "out")}, args...)...)
		out, _ := cmd.CombinedOutput()
		if cmd.ProcessState.ExitCode() != 2 || !strings.HasPrefix(string(out), "snn: ") || !strings.Contains(string(out), args[0]) {
			t.Errorf("snn compare %v: exit %d\n%s", args, cmd.ProcessState.ExitCode(), out)
		}
	}
}
