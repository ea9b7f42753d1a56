package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"snn/readout"
)

// runCompare runs snn compare with args (and -q) as the command line would.
func runCompare(args ...string) (string, error) { return runCompareHook(nil, args...) }

// runCompareHook is runCompare with set, if not nil, setting the flags' test hooks.
func runCompareHook(set func(*compareFlags), args ...string) (string, error) {
	f := &compareFlags{}
	cmd := compareCommand(f)
	if set != nil {
		set(f)
	}
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(append([]string{"-q"}, args...))
	err := cmd.Execute()
	return out.String(), err
}

// TestCompareCommand runs the small comparison: 1000 training and 300 test images, 30
// neurons, 3 epochs (minibatches of 20, so that the MLPs take 150 steps). Every system
// must be well above chance (10 %): the MLPs at least 60 %, the spiking systems at
// least 30 %, three times chance. The files must exist and parse, and dc.state must
// restore the trained weights.
func TestCompareCommand(t *testing.T) {
	if _, err := readout.MNISTDir(); err != nil {
		t.Skip(err)
	}
	dir := filepath.Join(t.TempDir(), "cmp")
	out, err := runCompare("--train", "1000", "--test", "300", "--neurons", "30", "--epochs", "3", "--batch", "20", "--seed", "3", "-o", dir)
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
		floor := 0.3
		if strings.HasPrefix(s.Name, "MLP") {
			floor = 0.6
		}
		if s.Accuracy < floor {
			t.Errorf("%s: test accuracy %.3f, want at least %.2f (chance 0.1)", s.Name, s.Accuracy, floor)
		}
		if s.TrainSeconds <= 0 || s.LearningMemoryBytes <= 0 || s.SignalScope == "" || s.Phases == "" || s.ErrorSource == "" {
			t.Errorf("%s: incomplete entry %+v", s.Name, s)
		}
		wantLabels := 1000
		if s.LabelsUsed != wantLabels {
			t.Errorf("%s: %d labels used, want %d", s.Name, s.LabelsUsed, wantLabels)
		}
		n := s.Unanswered
		for _, row := range s.Confusion {
			for _, v := range row {
				n += v
			}
		}
		if len(s.Confusion) != 10 || n != 300 {
			t.Errorf("%s: confusion matrix of %d rows counting %d images, want 10 rows and 300", s.Name, len(s.Confusion), n)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("systems %q, want %q", names, want)
	}
	if len(rep.Curves) != 6 || rep.Config.Label != 1000 || rep.DiehlCook.Neurons != 30 {
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
	p := readout.DefaultDC(30)
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
		{[]string{"--checkpoint-every=-1"}, "--checkpoint-every -1: expected a number of images"},
		{[]string{"--checkpoint-interval=-1s"}, "--checkpoint-interval -1s: expected a positive duration"},
		{[]string{"--dc-dt=-1ms"}, "--dc-dt -1ms: expected a positive step"},
		{[]string{"--dc-rule", "hebb"}, `--dc-rule: unknown learning rule "hebb": want code`},
		{[]string{"--dc-epochs", "0"}, "--dc-epochs 0: expected at least 1"},
		{[]string{"--dc-delay", "10ms"}, "--dc-delay 10ms: input delays need the clock-driven kernel"},
		{[]string{"--dc-dt", "0.3ms"}, "--dc-dt 300µs --dc-delay 0s: readout: clock step Dt 300 us does not divide the presentation 350 ms"},
		{[]string{"--dc-dt", "0.5ms", "--dc-delay", "20ms"}, "--dc-dt 500µs --dc-delay 20ms: readout: input delays up to 20 ms: want 0, or a multiple of the clock step"},
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

// compareResult is what a resumed comparison must reproduce from report.json.
type compareResult struct {
	Systems []struct {
		Name       string  `json:"name"`
		Accuracy   float64 `json:"accuracy"`
		Confusion  [][]int `json:"confusion"`
		Unanswered int     `json:"unanswered"`
	} `json:"systems"`
	Curves    []readout.LearningCurve `json:"curves"`
	DiehlCook struct {
		Presentations int64  `json:"presentations"`
		OutputSpikes  int64  `json:"output_spikes"`
		ResumedAt     []int  `json:"resumed_at"`
		Kernel        string `json:"kernel"`
	} `json:"diehl_cook"`
}

func readCompareResult(t *testing.T, dir string) (compareResult, []byte) {
	t.Helper()
	var r compareResult
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	state, err := os.ReadFile(filepath.Join(dir, "dc.state"))
	if err != nil {
		t.Fatal(err)
	}
	return r, state
}

// compareSmall is a small comparison: 120 training and 30 test images, 12 neurons, the
// labelling pass on the first 60 images, one epoch of the MLPs, running accuracy in
// blocks of 30, a checkpoint every 40 training images.
var compareSmall = []string{"--train", "120", "--test", "30", "--label", "60", "--neurons", "12", "--epochs", "1", "--block", "30",
	"--rstdp-passes", "1", "--readout-epochs", "2", "--seed", "3", "--checkpoint-every", "40"}

// TestCompareResume: a comparison stopped as by SIGINT (a checkpoint at the stop) or by
// a crash (the last periodic checkpoint) and resumed with --resume gives the
// uninterrupted run's report (accuracies, confusion matrices, curves) and the same
// trained network, bit for bit; the checkpoint is removed once the report is written.
func TestCompareResume(t *testing.T) {
	if _, err := readout.MNISTDir(); err != nil {
		t.Skip(err)
	}
	// Both kernels: the exact one, and the clock-driven one with input delays, whose
	// state holds rings of recent spikes besides.
	// The third runs two training passes and stops in the second.
	for _, v := range []struct {
		kernel []string
		skip   int // training images of the passes before the one stopped in
	}{
		{nil, 0},
		{[]string{"--dc-dt", "0.5ms", "--dc-delay", "10ms"}, 0},
		{[]string{"--dc-dt", "0.5ms", "--dc-delay", "10ms", "--dc-rule", "paper", "--dc-epochs", "2"}, 120},
	} {
		kernel := v.kernel
		args := append(slices.Clone(compareSmall), kernel...)
		tmp := t.TempDir()
		whole := filepath.Join(tmp, "whole")
		if _, err := runCompare(append(args, "-o", whole)...); err != nil {
			t.Fatal(err)
		}
		want, wantState := readCompareResult(t, whole)
		for _, c := range []struct {
			name      string
			set       func(*compareFlags)
			resumedAt int
			wantErr   string
		}{
			{"stopped", func(f *compareFlags) { f.stopAfter = v.skip + 70 }, v.skip + 70, fmt.Sprintf("interrupt: stopped after training image %d of %d", v.skip+70, v.skip+120)},
			{"crashed", func(f *compareFlags) { f.crashAfter = v.skip + 90 }, v.skip + 80, fmt.Sprintf("crash after training image %d", v.skip+90)},
		} {
			name := fmt.Sprintf("%s %v", c.name, kernel)
			dir := filepath.Join(tmp, c.name)
			_, err := runCompareHook(c.set, append(args, "-o", dir)...)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("%s: %v, want an error containing %q", name, err, c.wantErr)
			}
			var in interrupted
			if c.name == "stopped" && (!errors.As(err, &in) || !strings.HasSuffix(err.Error(), "continue with: snn compare --resume "+dir)) {
				t.Errorf("%s: %v: want an interruption (exit status 130) saying how to continue", name, err)
			}
			if exists(filepath.Join(dir, "report.json")) {
				t.Fatalf("%s: report.json written", name)
			}
			if _, err := runCompare("--resume", dir); err != nil {
				t.Fatalf("%s: resuming: %v", name, err)
			}
			got, gotState := readCompareResult(t, dir)
			if !bytes.Equal(gotState, wantState) {
				t.Errorf("%s: dc.state differs from the uninterrupted run's", name)
			}
			if !slices.Equal(got.DiehlCook.ResumedAt, []int{c.resumedAt}) {
				t.Errorf("%s: resumed at %v, want [%d]", name, got.DiehlCook.ResumedAt, c.resumedAt)
			}
			got.DiehlCook.ResumedAt = nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: the resumed report differs:\n%+v\nwant\n%+v", name, got, want)
			}
			if exists(filepath.Join(dir, compareCheckpointFile)) {
				t.Errorf("%s: %s left after the report", name, compareCheckpointFile)
			}
		}
		if len(want.Systems) != 6 || len(want.Curves[3].Xs) != 3+v.skip/30 || want.DiehlCook.Kernel == "" {
			t.Errorf("%d systems, running curve at %v, kernel %q: the test exercises less than it should", len(want.Systems), want.Curves[3].Xs, want.DiehlCook.Kernel)
		}
	}
}

// TestCompareCheckpointErrors: a damaged checkpoint, flags that contradict it, other
// images, and directories that hold no checkpoint or a finished comparison are usage
// errors saying what is wrong (and nothing runs).
func TestCompareCheckpointErrors(t *testing.T) {
	if _, err := readout.MNISTDir(); err != nil {
		t.Skip(err)
	}
	tmp := t.TempDir()
	cut := filepath.Join(tmp, "cut")
	if _, err := runCompareHook(func(f *compareFlags) { f.stopAfter = 20 }, append(compareSmall, "-o", cut)...); err == nil {
		t.Fatal("the stopped run did not stop")
	}
	path := filepath.Join(cut, compareCheckpointFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ck, err := readCompareCheckpoint(path)
	if err != nil || ck.State.Done != 20 || ck.Flags["neurons"] != "12" {
		t.Fatalf("checkpoint: %v, %+v", err, ck)
	}
	other := *ck
	other.Version = "0.0.1"
	otherVersion, _ := other.encode()
	head := bytes.IndexByte(good[len(compareCheckpointMagic):], '\n') + len(compareCheckpointMagic)
	flip := slices.Clone(good)
	flip[len(flip)-100] ^= 1
	badJSON := slices.Clone(good)
	badJSON[len(compareCheckpointMagic)+1] = '!'

	// Images that are not those of the checkpoint: 120 and 30 blank ones.
	blank := filepath.Join(tmp, "blank")
	os.Mkdir(blank, 0o755)
	writeIDX(t, filepath.Join(blank, "train-images-idx3-ubyte.gz"), []int{120, 28, 28}, make([]byte, 120*784))
	writeIDX(t, filepath.Join(blank, "train-labels-idx1-ubyte.gz"), []int{120}, make([]byte, 120))
	writeIDX(t, filepath.Join(blank, "t10k-images-idx3-ubyte.gz"), []int{30, 28, 28}, make([]byte, 30*784))
	writeIDX(t, filepath.Join(blank, "t10k-labels-idx1-ubyte.gz"), []int{30}, make([]byte, 30))
	done := filepath.Join(tmp, "done")
	os.MkdirAll(done, 0o755)
	os.WriteFile(filepath.Join(done, "report.json"), []byte("{}"), 0o644)

	for _, c := range []struct {
		name string
		file []byte // checkpoint.bin's content, nil: the good one
		args []string
		want string
	}{
		{"flipped bit", flip, nil, "damaged: the network's state does not match its SHA-256"},
		{"truncated", good[:len(good)-10], nil, fmt.Sprintf("truncated or damaged: %d bytes of network state, the header announces %d", ck.DCBytes-10, ck.DCBytes)},
		{"cut in the header", good[:head-5], nil, "truncated: the header does not end"},
		{"bad header", badJSON, nil, "damaged header: invalid character"},
		{"not a checkpoint", []byte("PK\x03\x04"), nil, "not a checkpoint of snn compare"},
		{"other version", otherVersion, nil, "written by snn 0.0.1; this is snn " + version},
		{"other neurons", nil, []string{"--neurons", "13"}, "--neurons 13: " + path + " was made with --neurons 12; drop the flag or give the same value"},
		{"other seed", nil, []string{"--seed", "4"}, "--seed 4: " + path + " was made with --seed 3"},
		{"other lr", nil, []string{"--lr", "0.002"}, "--lr 0.002: " + path + " was made with --lr 0.001"},
		{"other -o", nil, []string{"-o", filepath.Join(tmp, "x")}, "drop -o " + filepath.Join(tmp, "x")},
		{"other images", nil, []string{"--data", blank}, "--data " + blank + ": its first 120 training and 30 test images differ from those " + path + " was made with"},
		{"no checkpoint", nil, []string{"--resume", tmp}, "--resume " + tmp + ": no checkpoint.bin there"},
		{"finished", nil, []string{"--resume", done}, "the comparison there is complete (report.json)"},
		{"no directory", nil, []string{"--resume", filepath.Join(tmp, "nosuch")}, "--resume " + filepath.Join(tmp, "nosuch") + ": stat"},
		{"new run over a checkpoint", nil, []string{"-o", cut, "--resume", ""}, "-o " + cut + " holds an unfinished comparison (checkpoint.bin); continue it with: snn compare --resume " + cut},
	} {
		file := good
		if c.file != nil {
			file = c.file
		}
		if err := os.WriteFile(path, file, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := runCompare(append([]string{"--resume", cut}, c.args...)...)
		var u usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a usage error containing %q", c.name, err, c.want)
		}
		if exists(filepath.Join(cut, "report.json")) {
			t.Fatalf("%s: the comparison ran", c.name)
		}
	}
	// The same flags as the checkpoint's are accepted (the check passes, the run is not
	// waited for here: see TestCompareResume).
	if _, err := resumeFlags(compareCommandFlags(append(compareSmall, "--lr", "1e-3")), cut); err != nil {
		t.Errorf("resuming with the checkpoint's own flags: %v", err)
	}
}

// compareCommandFlags returns snn compare's flags parsed from args.
func compareCommandFlags(args []string) *pflag.FlagSet {
	cmd := compareCommand(&compareFlags{})
	cmd.Flags().Parse(args)
	return cmd.Flags()
}

// TestCompareSIGTERM runs the command, stops it with SIGTERM once the training pass has
// written a checkpoint, and checks the exit status (143), the message and the
// checkpoint it leaves.
func TestCompareSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command for seconds")
	}
	if _, err := readout.MNISTDir(); err != nil {
		t.Skip(err)
	}
	bin := buildSNN(t)
	dir := filepath.Join(t.TempDir(), "cmp")
	cmd := exec.Command(bin, append(append([]string{"compare"}, compareSmall...), "-o", dir, "--train", "2000", "--checkpoint-every", "10")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	path := filepath.Join(dir, compareCheckpointFile)
	deadline := time.After(time.Minute)
	for !exists(path) {
		select {
		case <-exited:
			t.Fatalf("exited without a checkpoint\n%s", stderr.String())
		case <-deadline:
			cmd.Process.Kill()
			<-exited
			t.Fatalf("no checkpoint after a minute\n%s", stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	<-exited
	if code := cmd.ProcessState.ExitCode(); code != 128+int(syscall.SIGTERM) || !strings.Contains(stderr.String(), "continue with: snn compare --resume "+dir+"\n") {
		t.Fatalf("after SIGTERM: exit %d\n%s", code, stderr.String())
	}
	ck, err := readCompareCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if ck.State.Done < 10 || ck.State.Done >= 2000 || !strings.Contains(stderr.String(), fmt.Sprintf("stopped after training image %d of 2000", ck.State.Done)) {
		t.Errorf("checkpoint at image %d\n%s", ck.State.Done, stderr.String())
	}
}
