package main

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"snn/readout"
	"snn/recordings"
	"snn/sim"
)

// The sizes of MNIST's two sets, the bounds of --train and --test.
const (
	mnistTrainN = 60000
	mnistTestN  = 10000
)

type compareFlags struct {
	train, test, label    int
	neurons, hidden       int
	epochs, batch         int
	lr, decay             float64
	readoutEpochs, passes int
	readoutLR             float64
	block                 int
	dcDt, dcDelay         time.Duration // the network's clock-driven kernel (0: exact)
	dcRule                string
	dcEpochs              int
	seed                  uint64
	data, out             string
	quiet                 bool
	checkpointEvery       int           // training images between checkpoints (0: none by count)
	checkpointInterval    time.Duration // wall time between checkpoints (0: none by time)
	resume                string

	// Tests: stop as on SIGINT once stopAfter training images are done; fail at
	// crashAfter as a kill would, without writing a checkpoint.
	stopAfter, crashAfter int
}

// compareConfigFlags are the flags that set the comparison: a checkpoint records them
// and --resume takes them from it.
var compareConfigFlags = []string{"train", "test", "label", "neurons", "hidden", "epochs", "batch", "lr", "decay",
	"readout-epochs", "readout-lr", "rstdp-passes", "block", "dc-dt", "dc-delay", "dc-rule", "dc-epochs", "seed", "data"}

func compareCmd() *cobra.Command { return compareCommand(&compareFlags{}) }

// compareCommand is snn compare with its flags parsed into f.
func compareCommand(f *compareFlags) *cobra.Command {
	d := readout.DefaultCompare()
	cmd := &cobra.Command{
		Use:   "compare",
		Short: "Measure backprop against STDP on MNIST: accuracy, training time, learning memory",
		Long: `The measured comparison of learning by a global error with local, spike-based learning,
on the same MNIST images (the first --train training and --test test images):

  MLP 784-H-10 on the pixels, trained by backprop, feedback alignment and direct feedback
    alignment (--epochs, --hidden, Adam with --lr decayed by --decay per epoch);
  the Diehl & Cook 2015 network of --neurons neurons, trained unsupervised by STDP on
    every training image once, then shown the first --label training images without
    learning (the labelling pass), read out by
      its vote (neurons labelled by their strongest class in the labelling pass),
      a linear softmax trained by backprop on the labelling pass's spike counts,
      a spiking readout trained by reward-modulated STDP on its spikes (--rstdp-passes).

Writes into DIR (default: a new folder under ./runs):
  report.json, report.md      the systems side by side (accuracy, train seconds, learning
                              memory, signal scope, phases, error source, labels used, ...)
  learning_epochs.png         test accuracy after each epoch (MLPs, linear readout)
  learning_online.png         running accuracy during online learning (Diehl & Cook, R-STDP)
  receptive_fields.png        the Diehl & Cook neurons' input weights as 28x28 tiles
  confusion_*.png             one confusion matrix per system
  dc.state, rstdp.state       the trained Diehl & Cook network and R-STDP readout
  checkpoint.bin              while the network trains: its state, to continue from
                              (removed once the report is written)

The network runs exactly (event-driven, spikes at their times to the nanosecond) unless
--dc-dt asks for the published code's own scheme: forward Euler steps of --dc-dt (0.5ms
there) with inputs on that grid and, with --dc-delay (10ms there), input delays. That
kernel is about five times faster at 400 neurons; with the code's rule it learns much as the
exact one does. --dc-rule paper takes the learning rule of the paper's text instead of
the code's, and --dc-epochs the published code's three passes over the images.

The full comparison (the defaults) presents 80 000 images to the spiking network, one
at a time; these passes take far longer than the MLPs' training, in proportion to
--train, --label and --test, and longer with more --neurons. The progress report gives
the rate and the time left of each stage.

Checkpoints and resuming: during the network's unsupervised training pass, checkpoint.bin
is written (atomically) every --checkpoint-every images and every --checkpoint-interval
of wall time, and after the last training image. SIGINT (Ctrl-C) or SIGTERM during the
training pass writes one and stops (exit status 130 or 143); a second signal exits at
once. Then, or after a kill or crash,

  snn compare --resume DIR

trains the MLPs again (deterministic, the same results), restores the network and
continues at the image after the checkpoint; the report equals that of an uninterrupted
run, wall times aside. The labelling and test passes and the readouts are not
checkpointed: stopped there, a resumed run does them again from the end of training.
A signal before the training pass (during the MLPs) or after the test pass (readouts)
exits at once. --resume takes the comparison's flags from the checkpoint; one given with
another value is refused (--data may name another directory if its images are the same).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var ck *compareCheckpoint
			if f.resume != "" {
				var err error
				if ck, err = resumeFlags(cmd.Flags(), f.resume); err != nil {
					return err
				}
			}
			return compare(*f, ck, flagValues(cmd.Flags()), cmd.OutOrStdout(), os.Stderr)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&f.train, "train", mnistTrainN, "training images, the first of MNIST's 60000")
	fl.IntVar(&f.test, "test", mnistTestN, "test images, the first of MNIST's 10000")
	fl.IntVar(&f.label, "label", 0, "training images of the labelling pass (default: --train, up to 10000)")
	fl.IntVar(&f.neurons, "neurons", d.Neurons, "excitatory neurons of the Diehl & Cook network")
	fl.IntVar(&f.hidden, "hidden", d.Hidden, "hidden units of the MLPs")
	fl.IntVar(&f.epochs, "epochs", d.Epochs, "training epochs of the MLPs")
	fl.IntVar(&f.batch, "batch", d.BatchSize, "minibatch size of the MLPs and the linear readout")
	fl.Float64Var(&f.lr, "lr", d.LearningRate, "Adam learning rate of the MLPs in the first epoch")
	fl.Float64Var(&f.decay, "decay", d.Decay, "factor on the MLPs' learning rate after each epoch (1: constant)")
	fl.IntVar(&f.readoutEpochs, "readout-epochs", d.ReadoutEpochs, "epochs of the linear readout on the labelling pass's counts")
	fl.Float64Var(&f.readoutLR, "readout-lr", d.ReadoutLearningRate, "Adam learning rate of the linear readout")
	fl.IntVar(&f.passes, "rstdp-passes", d.RSTDPPasses, "passes of the R-STDP readout over the labelling pass's spikes")
	fl.IntVar(&f.block, "block", 0, "images per point of the running accuracies (default: 1/50 of a pass, 100 to 1000)")
	fl.DurationVar(&f.dcDt, "dc-dt", 0, "run the Diehl & Cook network clock-driven with this Euler step, as the published code (0.5ms) did (default 0: exact, event-driven)")
	fl.DurationVar(&f.dcDelay, "dc-delay", 0, "with --dc-dt, input delays uniform from 0 to this (the published code: 10ms)")
	fl.StringVar(&f.dcRule, "dc-rule", "code", "the network's learning rule: code (the published code's) or paper (the paper's equation 3, power-law weight dependence)")
	fl.IntVar(&f.dcEpochs, "dc-epochs", 1, "unsupervised training passes of the Diehl & Cook network over the training images (the published code made 3)")
	fl.Uint64Var(&f.seed, "seed", d.Seed, "seed of every random stream")
	fl.StringVar(&f.data, "data", "", "directory of the MNIST IDX files (default: the GoMNIST module in the module cache)")
	fl.StringVarP(&f.out, "out", "o", "", "output directory (default: runs/compare-TIMESTAMP)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress report (a bar on a terminal, log lines otherwise)")
	fl.IntVar(&f.checkpointEvery, "checkpoint-every", 2000, "write DIR/checkpoint.bin every this many training images of the network (0: not by count)")
	fl.DurationVar(&f.checkpointInterval, "checkpoint-interval", 5*time.Minute, "also write it every this much wall time of the training pass (0: not by time)")
	fl.StringVar(&f.resume, "resume", "", "continue the comparison in this directory from its checkpoint.bin")
	return cmd
}

// check validates the flags: a usage error naming the first bad one.
func (f compareFlags) check() error {
	bad := func(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }
	switch {
	case f.checkpointEvery < 0:
		return bad("--checkpoint-every %d: expected a number of images, or 0 for none by count", f.checkpointEvery)
	case f.checkpointInterval < 0:
		return bad("--checkpoint-interval %v: expected a positive duration such as 5m, or 0 for none by time", f.checkpointInterval)
	case f.train < 1 || f.train > mnistTrainN:
		return bad("--train %d: expected 1 to %d (MNIST's training images)", f.train, mnistTrainN)
	case f.test < 1 || f.test > mnistTestN:
		return bad("--test %d: expected 1 to %d (MNIST's test images)", f.test, mnistTestN)
	case f.label < 0 || f.label > f.train:
		return bad("--label %d: expected 1 to --train (%d), or 0 for the default", f.label, f.train)
	case f.neurons < 1:
		return bad("--neurons %d: expected at least 1", f.neurons)
	case f.hidden < 1:
		return bad("--hidden %d: expected at least 1", f.hidden)
	case f.epochs < 1:
		return bad("--epochs %d: expected at least 1", f.epochs)
	case f.batch < 1:
		return bad("--batch %d: expected at least 1", f.batch)
	case !(f.lr > 0) || f.lr > 1:
		return bad("--lr %g: expected a rate in (0, 1]", f.lr)
	case !(f.decay > 0) || f.decay > 1:
		return bad("--decay %g: expected a factor in (0, 1]", f.decay)
	case f.readoutEpochs < 1:
		return bad("--readout-epochs %d: expected at least 1", f.readoutEpochs)
	case !(f.readoutLR > 0) || f.readoutLR > 1:
		return bad("--readout-lr %g: expected a rate in (0, 1]", f.readoutLR)
	case f.passes < 1:
		return bad("--rstdp-passes %d: expected at least 1", f.passes)
	case f.block < 0 || f.block > f.train:
		return bad("--block %d: expected 0 (automatic) to --train (%d)", f.block, f.train)
	case f.dcEpochs < 1:
		return bad("--dc-epochs %d: expected at least 1", f.dcEpochs)
	case f.dcDt < 0:
		return bad("--dc-dt %v: expected a positive step such as 0.5ms, or 0 for the exact kernel", f.dcDt)
	case f.dcDelay != 0 && f.dcDt == 0:
		return bad("--dc-delay %v: input delays need the clock-driven kernel; give --dc-dt too (the published code: --dc-dt 0.5ms --dc-delay 10ms)", f.dcDelay)
	}
	rule, err := readout.ParseDCRule(f.dcRule)
	if err != nil {
		return bad("--dc-rule: %v", err)
	}
	p := readout.DefaultDC(f.neurons)
	p.Dt, p.MaxDelay, p.Rule = sim.Time(f.dcDt), sim.Time(f.dcDelay), rule
	if err := p.Check(); err != nil {
		return bad("--dc-dt %v --dc-delay %v: %v", f.dcDt, f.dcDelay, err)
	}
	return nil
}

// compareOutputs are the files compare writes besides the confusion matrices.
var compareOutputs = []string{"report.json", "report.md", "learning_epochs.png", "learning_online.png", "receptive_fields.png", "dc.state", "rstdp.state"}

// compareData loads the images, with errors naming the flags.
func compareData(f compareFlags) (train, test *readout.Dataset, dir string, err error) {
	dir = f.data
	if dir == "" {
		if dir, err = readout.MNISTDir(); err != nil {
			return nil, nil, "", usageError{fmt.Errorf("MNIST not found (give its directory with --data): %w", err)}
		}
	} else if st, err := os.Stat(dir); err != nil {
		return nil, nil, "", usageError{fmt.Errorf("--data %s: %w", dir, err)}
	} else if !st.IsDir() {
		return nil, nil, "", usageError{fmt.Errorf("--data %s: not a directory; expected the directory of MNIST's four IDX files", dir)}
	}
	train, test, err = readout.LoadMNISTN(dir, f.train, f.test)
	if err != nil {
		return nil, nil, "", usageError{fmt.Errorf("--data %s (--train %d, --test %d): %w", dir, f.train, f.test, err)}
	}
	if train.N < f.train || test.N < f.test {
		return nil, nil, "", usageError{fmt.Errorf("--train %d, --test %d: %s holds only %d and %d images", f.train, f.test, dir, train.N, test.N)}
	}
	return train, test, dir, nil
}

// compare runs the comparison, or continues the one whose checkpoint is ck (--resume;
// f then holds its flags), and writes its outputs. flags are the values of
// compareConfigFlags, for the checkpoints.
func compare(f compareFlags, ck *compareCheckpoint, flags map[string]string, stdout io.Writer, stderr *os.File) error {
	if err := f.check(); err != nil {
		return err
	}
	dir := f.out
	switch {
	case ck != nil:
		dir = f.resume
	case dir == "":
		dir = filepath.Join("runs", "compare-"+time.Now().Format("20060102-150405"))
		for k := 2; exists(dir); k++ {
			dir = filepath.Join("runs", fmt.Sprintf("compare-%s-%d", time.Now().Format("20060102-150405"), k))
		}
	}
	if exists(filepath.Join(dir, "report.json")) {
		return usageError{fmt.Errorf("-o %s already holds a comparison (report.json); choose another -o or remove it", dir)}
	}
	if ck == nil && exists(filepath.Join(dir, compareCheckpointFile)) {
		return usageError{fmt.Errorf("-o %s holds an unfinished comparison (%s); continue it with: snn compare --resume %s (or choose another -o, or remove it)", dir, compareCheckpointFile, dir)}
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return usageError{fmt.Errorf("-o %s: not a directory", dir)}
	}
	train, test, dataDir, err := compareData(f)
	if err != nil {
		return err
	}
	digest := dataDigest(train, test)
	if ck != nil && digest != ck.DataSHA256 {
		return usageError{fmt.Errorf("--data %s: its first %d training and %d test images differ from those %s was made with (from %s)",
			dataDir, f.train, f.test, filepath.Join(dir, compareCheckpointFile), ck.Data)}
	}
	rule, _ := readout.ParseDCRule(f.dcRule) // checked with the other flags
	cfg := readout.CompareConfig{Hidden: f.hidden, Epochs: f.epochs, BatchSize: f.batch, LearningRate: f.lr, Decay: f.decay,
		Neurons: f.neurons, Label: f.label, ReadoutEpochs: f.readoutEpochs, ReadoutLearningRate: f.readoutLR,
		RSTDPPasses: f.passes, Block: f.block, DCStep: sim.Time(f.dcDt), DCDelay: sim.Time(f.dcDelay), DCRule: rule, DCEpochs: f.dcEpochs, Seed: f.seed}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	prog := newStageProgress(stderr, f.quiet)
	c := &readout.Comparison{Config: cfg, Progress: prog.update}
	ckp := &compareCheckpointer{c: c, dir: dir, flags: f, stderr: stderr, trainN: train.N * f.dcEpochs, testN: test.N,
		head: compareCheckpoint{Version: version, Flags: flags, Data: dataDir, DataSHA256: digest}}
	ckp.saved.Store(-1)
	if ck != nil {
		c.Resume = ck.State
		ckp.saved.Store(int64(ck.State.Done))
		fmt.Fprintf(stderr, "snn: resuming %s: the MLPs again, then the network's training pass from image %d of %d\n", dir, ck.State.Done, ck.State.TrainImages)
	}
	c.AfterImage = ckp.afterImage
	ckp.listen()
	started := time.Now().UTC()
	rep, err := c.Run(train, test)
	ckp.stopListening()
	prog.finish()
	if c.DC != nil {
		defer c.DC.Close()
	}
	if err != nil {
		return err
	}
	out := compareOutput{Version: version, GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), Data: dataDir,
		Started: started, CompareReport: rep}

	// The trained state.
	var files []string
	for _, st := range []struct {
		name string
		m    encoding.BinaryMarshaler
	}{{"dc.state", c.DC}, {"rstdp.state", c.RSTDP}} {
		b, err := st.m.MarshalBinary()
		if err != nil {
			return fmt.Errorf("saving %s: %w", st.name, err)
		}
		if err := recordings.WriteAtomic(filepath.Join(dir, st.name), b); err != nil {
			return err
		}
		if st.name == "dc.state" {
			rep.DiehlCook.StateBytes = len(b)
		}
		files = append(files, st.name)
	}

	// Figures.
	var epochs, online []recordings.Series
	for _, cv := range rep.Curves {
		s := recordings.Series{Name: cv.System, Xs: cv.Xs, Ys: cv.Accuracy}
		if cv.X == "epoch" {
			epochs = append(epochs, s)
		} else {
			online = append(online, s)
		}
	}
	if err := recordings.PlotAccuracy(filepath.Join(dir, "learning_epochs.png"),
		fmt.Sprintf("Test accuracy after each epoch (%d training, %d test images)", train.N, test.N), "epoch", epochs); err != nil {
		return err
	}
	if err := recordings.PlotAccuracy(filepath.Join(dir, "learning_online.png"),
		"Running accuracy during online learning (each point: the block before it)", "images learnt from", online); err != nil {
		return err
	}
	if err := recordings.PlotReceptiveFields(filepath.Join(dir, "receptive_fields.png"),
		fmt.Sprintf("Input weights of the %d Diehl & Cook neurons after %d images (each tile: its min black, max white)", rep.DiehlCook.Neurons, train.N),
		c.DC.Weights(), rep.DiehlCook.Neurons, readout.MNISTRows, readout.MNISTCols); err != nil {
		return err
	}
	files = append(files, "learning_epochs.png", "learning_online.png", "receptive_fields.png")
	for k := range rep.Systems {
		s := &rep.Systems[k]
		name := "confusion_" + slug(s.Name) + ".png"
		if err := recordings.PlotConfusion(filepath.Join(dir, name), fmt.Sprintf("%s: %.2f %% of %d test images", s.Name, 100*s.Accuracy, test.N), s.Confusion); err != nil {
			return err
		}
		out.ConfusionPlots = append(out.ConfusionPlots, name)
	}
	files = append(files, out.ConfusionPlots...)

	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := recordings.WriteAtomic(filepath.Join(dir, "report.json"), append(b, '\n')); err != nil {
		return err
	}
	md := compareMarkdown(out)
	if err := recordings.WriteAtomic(filepath.Join(dir, "report.md"), []byte(md)); err != nil {
		return err
	}
	// The report is complete: the checkpoint has served.
	if err := os.Remove(filepath.Join(dir, compareCheckpointFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	fmt.Fprint(stdout, compareTable(rep))
	fmt.Fprintf(stdout, "\nwrote %s: report.json, report.md, %s\n", dir, strings.Join(files, ", "))
	return nil
}

// compareCheckpointFile is the checkpoint of a comparison's training pass, in its DIR.
const compareCheckpointFile = "checkpoint.bin"

// compareCheckpointMagic opens a checkpoint. The file is
//
//	snn compare checkpoint 1\n   this line: the format and its version
//	{...}\n                      the header, compareCheckpoint as JSON on one line
//	<dc_bytes bytes>             the network's state (readout.DiehlCook.MarshalBinary)
//
// so that head -c 2000 shows what it holds.
const compareCheckpointMagic = "snn compare checkpoint 1\n"

// compareCheckpoint is a checkpoint's header: the comparison's flags, the data's
// identity and the training pass's state, whose network part follows the header.
type compareCheckpoint struct {
	Version    string              `json:"snn_version"`
	Written    time.Time           `json:"written"`
	Flags      map[string]string   `json:"flags"`       // compareConfigFlags, given or default
	Data       string              `json:"data"`        // the directory the images came from
	DataSHA256 string              `json:"data_sha256"` // of the images and labels (dataDigest)
	DCBytes    int                 `json:"dc_bytes"`
	DCSHA256   string              `json:"dc_sha256"`
	State      *readout.TrainState `json:"state"`
}

// encode returns the checkpoint file's bytes.
func (ck *compareCheckpoint) encode() ([]byte, error) {
	h := sha256.Sum256(ck.State.DC)
	ck.DCBytes, ck.DCSHA256 = len(ck.State.DC), hex.EncodeToString(h[:])
	head, err := json.Marshal(ck) // escapes newlines: one line
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(compareCheckpointMagic)+len(head)+1+len(ck.State.DC))
	b = append(append(append(append(b, compareCheckpointMagic...), head...), '\n'), ck.State.DC...)
	return b, nil
}

// readCompareCheckpoint reads and checks a checkpoint file; an error says what is wrong
// with it (os.ErrNotExist when there is none).
func readCompareCheckpoint(path string) (*compareCheckpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte(compareCheckpointMagic)) {
		return nil, fmt.Errorf("%s: not a checkpoint of snn compare (expected it to begin with %q)", path, strings.TrimSpace(compareCheckpointMagic))
	}
	b = b[len(compareCheckpointMagic):]
	k := bytes.IndexByte(b, '\n')
	if k < 0 {
		return nil, fmt.Errorf("%s: truncated: the header does not end", path)
	}
	ck := &compareCheckpoint{}
	if err := json.Unmarshal(b[:k], ck); err != nil {
		return nil, fmt.Errorf("%s: damaged header: %w", path, err)
	}
	if ck.State == nil || ck.Flags == nil {
		return nil, fmt.Errorf("%s: damaged header: expected the flags and the training state", path)
	}
	dc := b[k+1:]
	if len(dc) != ck.DCBytes {
		return nil, fmt.Errorf("%s: truncated or damaged: %d bytes of network state, the header announces %d", path, len(dc), ck.DCBytes)
	}
	if h := sha256.Sum256(dc); hex.EncodeToString(h[:]) != ck.DCSHA256 {
		return nil, fmt.Errorf("%s: damaged: the network's state does not match its SHA-256 in the header", path)
	}
	ck.State.DC = dc
	return ck, nil
}

// flagValues returns the values of compareConfigFlags.
func flagValues(fl *pflag.FlagSet) map[string]string {
	m := make(map[string]string, len(compareConfigFlags))
	for _, name := range compareConfigFlags {
		m[name] = fl.Lookup(name).Value.String()
	}
	return m
}

// resumeFlags reads the checkpoint in dir and sets the comparison's flags from it: a
// flag given with another value is a usage error naming both (but --data may name
// another directory: compare checks the images themselves).
func resumeFlags(fl *pflag.FlagSet, dir string) (*compareCheckpoint, error) {
	if o, _ := fl.GetString("out"); fl.Changed("out") && filepath.Clean(o) != filepath.Clean(dir) {
		return nil, usageError{fmt.Errorf("--resume %s continues the comparison in %s; drop -o %s", dir, dir, o)}
	}
	if st, err := os.Stat(dir); err != nil {
		return nil, usageError{fmt.Errorf("--resume %s: %w", dir, err)}
	} else if !st.IsDir() {
		return nil, usageError{fmt.Errorf("--resume %s: not a directory", dir)}
	}
	if exists(filepath.Join(dir, "report.json")) {
		return nil, usageError{fmt.Errorf("--resume %s: the comparison there is complete (report.json); nothing to continue", dir)}
	}
	path := filepath.Join(dir, compareCheckpointFile)
	ck, err := readCompareCheckpoint(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, usageError{fmt.Errorf("--resume %s: no %s there: the comparison wrote none (it stopped before the network's training pass, or this is not its directory); run it again without --resume", dir, compareCheckpointFile)}
	case err != nil:
		return nil, usageError{fmt.Errorf("--resume: %w", err)}
	case ck.Version != version:
		return nil, usageError{fmt.Errorf("%s was written by snn %s; this is snn %s, which cannot resume it exactly", path, ck.Version, version)}
	}
	for _, name := range compareConfigFlags {
		v, ok := ck.Flags[name]
		if !ok {
			return nil, usageError{fmt.Errorf("%s: damaged header: no --%s among its flags", path, name)}
		}
		f := fl.Lookup(name)
		switch {
		case f.Changed && name == "data":
		case f.Changed && f.Value.String() != v:
			return nil, usageError{fmt.Errorf("--%s %s: %s was made with --%s %s; drop the flag or give the same value", name, f.Value, path, name, v)}
		case !f.Changed:
			if err := fl.Set(name, v); err != nil {
				return nil, usageError{fmt.Errorf("%s: --%s %q: %w", path, name, v, err)}
			}
		}
	}
	return ck, nil
}

// dataDigest identifies the images and labels of data sets: SHA-256 of their sizes,
// values (float64 bits) and labels, little-endian.
func dataDigest(sets ...*readout.Dataset) string {
	h := sha256.New()
	buf := make([]byte, 0, 1<<16)
	put := func(v uint64) {
		if buf = binary.LittleEndian.AppendUint64(buf, v); len(buf) == cap(buf) {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	for _, ds := range sets {
		put(uint64(ds.N))
		put(uint64(ds.Dim))
		put(uint64(ds.Classes))
		for _, v := range ds.X {
			put(math.Float64bits(v))
		}
		for _, y := range ds.Labels {
			put(uint64(y))
		}
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil))
}

// What a signal finds the comparison doing.
const (
	beforePasses = iota // the MLPs (and loading): nothing to save, exit at once
	inPasses            // the network's passes: stop cleanly after the current image
	afterPasses         // the readouts: the checkpoint is on disk, exit at once
)

// compareCheckpointer writes the training pass's checkpoints (Comparison.AfterImage)
// and turns SIGINT and SIGTERM into a clean stop.
type compareCheckpointer struct {
	c      *readout.Comparison
	dir    string
	flags  compareFlags
	head   compareCheckpoint // the header's fixed part
	stderr *os.File
	trainN int
	testN  int
	last   time.Time    // of the last checkpoint written, or of the first image
	saved  atomic.Int64 // training images in the checkpoint on disk, -1 for none

	sigs  chan os.Signal
	stop  atomic.Value // the os.Signal received
	mu    sync.Mutex   // over phase, between the signal handler and the comparison
	phase int
}

// compareStopped is the error of a comparison stopped by a signal: its message says how
// to continue; it unwraps to interrupted for the exit status.
type compareStopped struct {
	in  interrupted
	msg string
}

func (e compareStopped) Error() string { return e.msg }
func (e compareStopped) Unwrap() error { return e.in }

func (k *compareCheckpointer) path() string { return filepath.Join(k.dir, compareCheckpointFile) }

// afterImage is called after each image of the network's passes.
func (k *compareCheckpointer) afterImage(pass readout.Pass, done int) error {
	k.mu.Lock()
	if k.phase == beforePasses {
		k.last = time.Now() // the wall-time interval counts from the training pass's start
	}
	k.phase = inPasses
	sig, _ := k.stop.Load().(os.Signal)
	if sig == nil && k.flags.stopAfter > 0 && pass == readout.TrainingPass && done >= k.flags.stopAfter {
		sig = syscall.SIGINT
	}
	if sig == nil && pass == readout.TestPass && done == k.testN {
		k.phase = afterPasses
	}
	k.mu.Unlock()
	if k.flags.crashAfter > 0 && pass == readout.TrainingPass && done >= k.flags.crashAfter {
		return fmt.Errorf("crash after training image %d (a test)", done)
	}
	if pass == readout.TrainingPass {
		every, interval := k.flags.checkpointEvery, k.flags.checkpointInterval
		if sig != nil || done == k.trainN || every > 0 && done%every == 0 || interval > 0 && time.Since(k.last) >= interval {
			if err := k.write(); err != nil {
				return err
			}
		}
	}
	if sig == nil {
		return nil
	}
	msg := fmt.Sprintf("%v: stopped after training image %d of %d, saved in %s; continue with: snn compare --resume %s", sig, done, k.trainN, k.path(), k.dir)
	if pass != readout.TrainingPass {
		msg = fmt.Sprintf("%v: stopped in the %s (not checkpointed); %s holds the whole training pass; continue with: snn compare --resume %s", sig, pass, k.path(), k.dir)
	}
	return compareStopped{interrupted{sig, k.dir}, msg}
}

// write writes the training pass's checkpoint, atomically.
func (k *compareCheckpointer) write() error {
	st, err := k.c.Snapshot()
	if err != nil {
		return err
	}
	ck := k.head
	ck.Written, ck.State = time.Now().UTC(), st
	b, err := ck.encode()
	if err != nil {
		return err
	}
	if err := recordings.WriteAtomic(k.path(), b); err != nil {
		return fmt.Errorf("writing a checkpoint (the last one written, if any, stays usable): %w", err)
	}
	k.last = time.Now()
	k.saved.Store(int64(st.Done))
	return nil
}

// exitNote says what is left after an exit outside a clean stop.
func (k *compareCheckpointer) exitNote() string {
	if n := k.saved.Load(); n >= 0 {
		return fmt.Sprintf("%s (training image %d of %d) is kept; continue with: snn compare --resume %s", k.path(), n, k.trainN, k.dir)
	}
	return "the network's training had not begun, nothing to continue from: run the command again"
}

// listen handles SIGINT and SIGTERM until stopListening: during the network's passes
// the first one stops the comparison after the current image (afterImage), a second one
// exits at once; before and after them, the first one exits at once.
func (k *compareCheckpointer) listen() {
	k.sigs = make(chan os.Signal, 2)
	signal.Notify(k.sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s, ok := <-k.sigs
		if !ok {
			return
		}
		k.mu.Lock()
		if k.phase != inPasses {
			fmt.Fprintf(k.stderr, "\nsnn: %v: %s\n", s, k.exitNote())
			os.Exit(128 + int(s.(syscall.Signal)))
		}
		k.stop.Store(s)
		k.mu.Unlock()
		fmt.Fprintf(k.stderr, "\nsnn: %v: finishing the current image (and writing a checkpoint in the training pass); a second signal exits at once\n", s)
		if _, ok := <-k.sigs; ok {
			fmt.Fprintf(k.stderr, "snn: second signal: exiting now; %s\n", k.exitNote())
			os.Exit(1)
		}
	}()
}

func (k *compareCheckpointer) stopListening() {
	signal.Stop(k.sigs)
	close(k.sigs)
}

// compareOutput is report.json: the comparison and where it ran.
type compareOutput struct {
	Version   string    `json:"snn_version"`
	GoVersion string    `json:"go_version"`
	CPUs      int       `json:"cpus"`
	Data      string    `json:"data"`
	Started   time.Time `json:"started"`
	*readout.CompareReport
	ConfusionPlots []string `json:"confusion_plots"`
}

// slug makes a file name part of a system's name: lower case, runs of other characters
// than letters and digits as one dash.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// megabytes formats a byte count.
func megabytes(n int64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.2f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// compareTable is the side-by-side table (Markdown, readable as text).
func compareTable(rep *readout.CompareReport) string {
	var b strings.Builder
	b.WriteString("| system | accuracy | train s | test s | learning memory | signal scope | phases | error source | labels used | epochs | parameters |\n")
	b.WriteString("|---|---:|---:|---:|---:|---|---|---|---:|---:|---:|\n")
	for _, s := range rep.Systems {
		fmt.Fprintf(&b, "| %s | %.2f %% | %.1f | %.2f | %s | %s | %s | %s | %d | %d | %d |\n", s.Name, 100*s.Accuracy, s.TrainSeconds, s.TestSeconds,
			megabytes(s.LearningMemoryBytes), s.SignalScope, s.Phases, s.ErrorSource, s.LabelsUsed, s.Epochs, s.Parameters)
	}
	return b.String()
}

// compareMarkdown is report.md.
func compareMarkdown(o compareOutput) string {
	rep := o.CompareReport
	cfg := rep.Config
	dc := rep.DiehlCook
	var b strings.Builder
	fmt.Fprintf(&b, "# Backprop against STDP on MNIST\n\n")
	fmt.Fprintf(&b, "%d training and %d test images of MNIST (%s), seed %d. snn %s, %s, %d CPUs, started %s, %.0f s in all.\n\n",
		rep.TrainImages, rep.TestImages, o.Data, cfg.Seed, o.Version, o.GoVersion, o.CPUs, o.Started.Format(time.RFC3339), rep.WallSeconds)
	b.WriteString(compareTable(rep))
	b.WriteString(`
Columns:

- **accuracy**: the fraction of the test images classified correctly (chance: 10 %).
- **train s**: wall time of all the learning the system needed, in seconds. For the
  Diehl & Cook systems it includes the unsupervised training pass and the labelling pass
  through the network (shared by the three), then the readout's own learning; the MLPs'
  per-epoch test evaluations are not counted.
- **test s**: wall time of classifying the test images (for the spiking systems the test
  pass through the network, shared, plus the readout).
- **learning memory**: what learning holds beyond the weights, counted from the buffers.
  MLP: the minibatch's cached activations, the error signals, the gradients, Adam's
  moments and (FA, DFA) the feedback matrices. STDP: its traces (one per input, two per
  neuron). Vote: the per-class sums of the labelling pass. Linear readout: its own MLP
  memory. R-STDP: eligibilities, traces and the modulator. The data sets held for
  training (pixels, recorded counts or spikes) are not counted for any system.
- **signal scope**: how far the signal that changes a weight travels. *global*: an error
  computed at the output reaches every layer; *local*: only the synapse's own pre- and
  postsynaptic activity; *local + global reward*: local eligibility gated by one scalar
  broadcast to every synapse.
- **phases**: *two-phase*: a forward pass, then a separate backward pass carrying the
  error; *online*: weights change while the input is presented, from the activity itself.
- **error source**: where the teaching signal comes from: the error backpropagated
  through the forward weights, sent through fixed random matrices (feedback alignment),
  a scalar reward, or none (unsupervised).
- **labels used**: how many labelled images the system learnt (or assigned neurons) from.
- **epochs**: passes over the labelled images (the Diehl & Cook network itself sees each
  training image once, without its label).
- **parameters**: learnt values: weights and biases; for Diehl & Cook also the adaptive
  thresholds, and the vote's neuron labels.
`)
	fmt.Fprintf(&b, "\n## Settings\n\n")
	fmt.Fprintf(&b, "- MLPs: %d-%d-10, ReLU, Adam with learning rate %g x %g^(epoch-1), minibatches of %d, %d epochs; the same initial weights for the three methods.\n",
		readout.MNISTPixels, cfg.Hidden, cfg.LearningRate, cfg.Decay, cfg.BatchSize, cfg.Epochs)
	fmt.Fprintf(&b, "- Diehl & Cook: %d excitatory and %d inhibitory neurons, the paper's parameters (readout.DefaultDC), kernel %s, learning rule %s; %d training images, %d time(s) over, with STDP (%.1f ms per image, %d presentations in all counting repeats at higher intensity), labelling pass on the first %d training images, test pass on %d test images (%.1f excitatory spikes per test image). %d neurons stayed silent in the labelling pass; assigned per class: %v.",
		dc.Neurons, dc.Neurons, dc.Kernel, dc.Rule, dc.TrainImages, dc.Epochs, dc.MsPerImage, dc.Presentations, dc.LabelImages, dc.TestImages, dc.MeanSpikesPerImage, dc.Unassigned, dc.AssignedPerClass)
	if len(dc.ResumedAt) > 0 {
		fmt.Fprintf(&b, " The training pass was stopped and resumed from its checkpoint at image(s) %v (the results are those of an uninterrupted run; its seconds sum the sessions, and the MLPs ran again in the last).", dc.ResumedAt)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "- Linear readout: softmax %d-10 on the labelling pass's spike counts, Adam %g, %d epochs.\n", dc.Neurons, cfg.ReadoutLearningRate, cfg.ReadoutEpochs)
	fmt.Fprintf(&b, "- R-STDP readout: readout.DefaultRSTDP(%d, 10), %d pass(es) over the labelling pass's spikes.\n", dc.Neurons, cfg.RSTDPPasses)
	fmt.Fprintf(&b, "\n## Files\n\n")
	fmt.Fprintf(&b, "- `learning_epochs.png`: test accuracy after each epoch.\n")
	fmt.Fprintf(&b, "- `learning_online.png`: running accuracy during online learning: Diehl & Cook's vote over each block of %d training images with the labels assigned from the block before, and the R-STDP readout's answers (before each reward) over blocks of %d labelling images.\n", dc.RunningBlock, dc.ReadoutRunningBlock)
	fmt.Fprintf(&b, "- `receptive_fields.png`: the Diehl & Cook neurons' input weights.\n")
	for k, s := range rep.Systems {
		if k < len(o.ConfusionPlots) {
			fmt.Fprintf(&b, "- `%s`: confusion matrix of %s", o.ConfusionPlots[k], s.Name)
			if s.Unanswered > 0 {
				fmt.Fprintf(&b, " (%d test images unanswered)", s.Unanswered)
			}
			b.WriteString(".\n")
		}
	}
	fmt.Fprintf(&b, "- `dc.state`: the trained Diehl & Cook network (%d bytes); restore it with UnmarshalBinary into readout.NewDiehlCook(DefaultDC(%d)) with Seed %d.\n", dc.StateBytes, dc.Neurons, cfg.Seed)
	fmt.Fprintf(&b, "- `rstdp.state`: the trained R-STDP readout; restore it into readout.NewRSTDP(DefaultRSTDP(%d, 10)) with Seed %d.\n", dc.Neurons, cfg.Seed)
	return b.String()
}

// stageProgress reports the comparison's stages: a bar per stage on a terminal, a log
// line every 10 s and at the end of each stage otherwise, nothing with --quiet.
type stageProgress struct {
	w       *os.File
	tty     bool
	quiet   bool
	stage   string
	first   int // done when the stage began (a resumed pass)
	start   time.Time
	lastLog time.Time
	bar     *progressbar.ProgressBar
	log     *slog.Logger
}

func newStageProgress(w *os.File, quiet bool) *stageProgress {
	p := &stageProgress{w: w, quiet: quiet}
	if !quiet {
		p.tty = term.IsTerminal(int(w.Fd()))
		if !p.tty {
			p.log = slog.New(slog.NewTextHandler(w, nil))
		}
	}
	return p
}

func (p *stageProgress) update(stage string, done, total int) {
	if p.quiet {
		return
	}
	now := time.Now()
	if stage != p.stage {
		p.finish()
		p.stage, p.start, p.lastLog, p.first = stage, now, now, done
		if p.tty {
			// A resumed stage's bar counts from where it resumed, for a true ETA.
			desc := stage
			if done > 0 {
				desc = fmt.Sprintf("%s (from %d of %d)", stage, done, total)
			}
			p.bar = progressbar.NewOptions(total-done, progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription(desc),
				progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish())
		}
	}
	if p.bar != nil {
		p.bar.Set(done - p.first)
		return
	}
	if p.log != nil && (now.Sub(p.lastLog) >= 10*time.Second || done == total) {
		p.lastLog = now
		el := now.Sub(p.start).Seconds()
		eta := 0.0
		if done > p.first {
			eta = el * float64(total-done) / float64(done-p.first)
		}
		p.log.Info("progress", "stage", stage, "done", done, "of", total, "elapsed_s", el, "eta_s", eta)
	}
}

func (p *stageProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
	p.stage = ""
}
