package main

import (
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"snn/readout"
	"snn/recordings"
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
	seed                  uint64
	data, out             string
	quiet                 bool
}

func compareCmd() *cobra.Command {
	var f compareFlags
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

The full comparison (the defaults) presents 80 000 images to the spiking network and
takes about an hour on two cores (30 ms an image at 100 neurons); --train 2000 --test 1000
runs in about three minutes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return compare(f, cmd.OutOrStdout(), os.Stderr)
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
	fl.Uint64Var(&f.seed, "seed", d.Seed, "seed of every random stream")
	fl.StringVar(&f.data, "data", "", "directory of the MNIST IDX files (default: the GoMNIST module in the module cache)")
	fl.StringVarP(&f.out, "out", "o", "", "output directory (default: runs/compare-TIMESTAMP)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress report (a bar on a terminal, log lines otherwise)")
	return cmd
}

// check validates the flags: a usage error naming the first bad one.
func (f compareFlags) check() error {
	bad := func(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }
	switch {
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

func compare(f compareFlags, stdout io.Writer, stderr *os.File) error {
	if err := f.check(); err != nil {
		return err
	}
	dir := f.out
	if dir == "" {
		dir = filepath.Join("runs", "compare-"+time.Now().Format("20060102-150405"))
		for k := 2; exists(dir); k++ {
			dir = filepath.Join("runs", fmt.Sprintf("compare-%s-%d", time.Now().Format("20060102-150405"), k))
		}
	}
	if exists(filepath.Join(dir, "report.json")) {
		return usageError{fmt.Errorf("-o %s already holds a comparison (report.json); choose another -o or remove it", dir)}
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return usageError{fmt.Errorf("-o %s: not a directory", dir)}
	}
	train, test, dataDir, err := compareData(f)
	if err != nil {
		return err
	}
	cfg := readout.CompareConfig{Hidden: f.hidden, Epochs: f.epochs, BatchSize: f.batch, LearningRate: f.lr, Decay: f.decay,
		Neurons: f.neurons, Label: f.label, ReadoutEpochs: f.readoutEpochs, ReadoutLearningRate: f.readoutLR,
		RSTDPPasses: f.passes, Block: f.block, Seed: f.seed}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	prog := newStageProgress(stderr, f.quiet)
	c := &readout.Comparison{Config: cfg, Progress: prog.update}
	started := time.Now().UTC()
	rep, err := c.Run(train, test)
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
	fmt.Fprint(stdout, compareTable(rep))
	fmt.Fprintf(stdout, "\nwrote %s: report.json, report.md, %s\n", dir, strings.Join(files, ", "))
	return nil
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
	fmt.Fprintf(&b, "- Diehl & Cook: %d excitatory and %d inhibitory neurons, the paper's parameters (readout.DefaultDC); %d training images once with STDP (%.1f ms per image, %d presentations in all counting repeats at higher intensity), labelling pass on the first %d training images, test pass on %d test images (%.1f excitatory spikes per test image). %d neurons stayed silent in the labelling pass; assigned per class: %v.\n",
		dc.Neurons, dc.Neurons, dc.TrainImages, dc.MsPerImage, dc.Presentations, dc.LabelImages, dc.TestImages, dc.MeanSpikesPerImage, dc.Unassigned, dc.AssignedPerClass)
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
		p.stage, p.start, p.lastLog = stage, now, now
		if p.tty {
			p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription(stage),
				progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish())
		}
	}
	if p.bar != nil {
		p.bar.Set(done)
		return
	}
	if p.log != nil && (now.Sub(p.lastLog) >= 10*time.Second || done == total) {
		p.lastLog = now
		el := now.Sub(p.start).Seconds()
		eta := 0.0
		if done > 0 {
			eta = el * float64(total-done) / float64(done)
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
