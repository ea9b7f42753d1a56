package readout

import (
	"fmt"
	"slices"
	"time"

	"snn/sim"
)

// CompareConfig describes the measured comparison of learning by a global error with
// local, spike-based learning on one data set (Comparison). Zero fields take the
// defaults of DefaultCompare, except Seed.
type CompareConfig struct {
	// The multilayer perceptrons on pixels: Inputs-Hidden-Classes, ReLU, Adam with
	// learning rate LearningRate * Decay^(epoch-1), minibatches of BatchSize, Epochs
	// passes over the training rows.
	Hidden       int     `json:"hidden"`
	Epochs       int     `json:"epochs"`
	BatchSize    int     `json:"batch_size"`
	LearningRate float64 `json:"learning_rate"`
	Decay        float64 `json:"decay"`

	// The Diehl & Cook network (DefaultDC(Neurons)) learns unsupervised from every
	// training row once; then the first Label training rows are presented without
	// learning (the labelling pass), and their responses assign the neurons' labels and
	// train the readouts.
	Neurons int `json:"neurons"`
	Label   int `json:"label"`
	// DCStep, when positive, runs the network by the clock-driven kernel of the
	// published code (DCParams.Dt, e.g. 0.5 ms) instead of the exact one; DCDelay gives
	// its input synapses delays up to it (DCParams.MaxDelay, the code's 10 ms).
	DCStep  sim.Time `json:"dc_step_ns,omitempty"`
	DCDelay sim.Time `json:"dc_delay_ns,omitempty"`
	// DCRule is the network's learning rule (DCParams.Rule).
	DCRule DCRule `json:"dc_rule"`
	// DCEpochs are the network's unsupervised passes over the training rows (0: one;
	// the published code made three).
	DCEpochs int `json:"dc_epochs,omitempty"`
	// ReadoutEpochs are the linear softmax readout's passes over the labelling
	// responses (Adam, ReadoutLearningRate, minibatches of BatchSize).
	ReadoutEpochs       int     `json:"readout_epochs"`
	ReadoutLearningRate float64 `json:"readout_learning_rate"`
	// RSTDPPasses are the R-STDP readout's passes over the labelling responses.
	RSTDPPasses int `json:"rstdp_passes"`
	// Block is the number of images over which running accuracies are measured during
	// online learning (0: 1/50 of a pass, between 100 and 1000 images).
	Block int `json:"block"`

	Seed uint64 `json:"seed"` // of every system: weights, shuffles, input spikes
}

// DefaultCompare returns the measured settings: 784-256-10 trained for 20 epochs with
// Adam (1e-3, decayed by 0.9 per epoch, minibatches of 100), a Diehl & Cook network of
// 100 neurons labelled on 10 000 images, a linear readout trained for 20 epochs (Adam,
// 1e-2) and an R-STDP readout for 5 passes (both cheap beside the network's passes).
// Label is left 0: Comparison.Run takes then the training rows, up to 10 000.
func DefaultCompare() CompareConfig {
	return CompareConfig{Hidden: 256, Epochs: 20, BatchSize: 100, LearningRate: 1e-3, Decay: 0.9,
		Neurons: 100, ReadoutEpochs: 20, ReadoutLearningRate: 1e-2, RSTDPPasses: 5, Seed: 1}
}

// compareBlocks is the number of running-accuracy blocks per pass when Block is 0.
const compareBlocks = 50

// fill returns c with the defaults in its zero fields, for train training rows.
func (c CompareConfig) fill(train int) CompareConfig {
	d := DefaultCompare()
	set := func(dst *int, v int) {
		if *dst == 0 {
			*dst = v
		}
	}
	set(&c.Hidden, d.Hidden)
	set(&c.Epochs, d.Epochs)
	set(&c.BatchSize, d.BatchSize)
	set(&c.Neurons, d.Neurons)
	set(&c.ReadoutEpochs, d.ReadoutEpochs)
	set(&c.RSTDPPasses, d.RSTDPPasses)
	set(&c.Label, min(train, 10000))
	if c.LearningRate == 0 {
		c.LearningRate = d.LearningRate
	}
	if c.Decay == 0 {
		c.Decay = d.Decay
	}
	if c.ReadoutLearningRate == 0 {
		c.ReadoutLearningRate = d.ReadoutLearningRate
	}
	return c
}

func (c CompareConfig) check(train, test *Dataset) error {
	if err := train.Validate(); err != nil {
		return fmt.Errorf("readout: comparison: training set: %w", err)
	}
	if err := test.Validate(); err != nil {
		return fmt.Errorf("readout: comparison: test set: %w", err)
	}
	switch {
	case train.Dim != test.Dim || train.Classes != test.Classes:
		return fmt.Errorf("readout: comparison: training rows of %d values in %d classes, test rows of %d in %d: want the same", train.Dim, train.Classes, test.Dim, test.Classes)
	case c.Hidden < 1 || c.Epochs < 1 || c.BatchSize < 1 || c.Neurons < 1 || c.ReadoutEpochs < 1 || c.RSTDPPasses < 1 || c.Block < 0 || c.DCEpochs < 0:
		return fmt.Errorf("readout: comparison: hidden %d, epochs %d, batch %d, neurons %d, readout epochs %d, R-STDP passes %d, block %d, network epochs %d: want all positive (block and network epochs >= 0)",
			c.Hidden, c.Epochs, c.BatchSize, c.Neurons, c.ReadoutEpochs, c.RSTDPPasses, c.Block, c.DCEpochs)
	case c.Label < 1 || c.Label > train.N:
		return fmt.Errorf("readout: comparison: labelling on %d images of a training set of %d: want 1 to %d", c.Label, train.N, train.N)
	case !(c.LearningRate > 0) || !(c.Decay > 0 && c.Decay <= 1) || !(c.ReadoutLearningRate > 0):
		return fmt.Errorf("readout: comparison: learning rates %g and %g, decay %g: want positive rates and a decay in (0, 1]", c.LearningRate, c.ReadoutLearningRate, c.Decay)
	}
	return nil
}

// block returns the running-accuracy block for a pass over n images.
// dcEpochs is the number of the network's training passes.
func (c CompareConfig) dcEpochs() int { return max(c.DCEpochs, 1) }

func (c CompareConfig) block(n int) int {
	if c.Block > 0 {
		return c.Block
	}
	return min(max(n/compareBlocks, 100), 1000)
}

// SystemResult is one system's measured entry in a comparison.
type SystemResult struct {
	Name         string `json:"name"`
	Architecture string `json:"architecture"`
	// Accuracy is the fraction of test rows classified correctly.
	Accuracy float64 `json:"accuracy"`
	// TrainSeconds is the wall time of all the learning the system needed, the
	// unsupervised network and the labelling pass included; ReadoutSeconds is the part
	// spent on its readout (labelling pass, assignment, readout training).
	TrainSeconds   float64 `json:"train_seconds"`
	ReadoutSeconds float64 `json:"readout_seconds,omitempty"`
	// TestSeconds is the wall time of classifying the test rows (for the spiking systems
	// it includes the test pass through the network, shared by them).
	TestSeconds float64 `json:"test_seconds"`
	// LearningMemoryBytes is what learning holds beyond the weights (see MemoryParts):
	// for an MLP its Memory, for STDP the traces, for the readouts their own.
	LearningMemoryBytes int64            `json:"learning_memory_bytes"`
	MemoryParts         map[string]int64 `json:"memory_parts"`
	// SignalScope is how far the signal that changes a weight travels, Phases whether
	// learning needs a separate backward phase, ErrorSource where the teaching signal
	// comes from.
	SignalScope string `json:"signal_scope"`
	Phases      string `json:"phases"`
	ErrorSource string `json:"error_source"`
	// LabelsUsed is the number of labelled rows the system learnt or assigned from.
	LabelsUsed int `json:"labels_used"`
	// Epochs is the number of passes over the labelled rows.
	Epochs int `json:"epochs"`
	// Parameters counts the learnt values: weights, biases, thresholds, assignments.
	Parameters int64 `json:"parameters"`
	// Confusion[y][k] counts the test rows of class y classified as k; Unanswered those
	// for which the system gave no class (a silent spiking readout).
	Confusion  [][]int `json:"confusion"`
	Unanswered int     `json:"unanswered"`
	Notes      string  `json:"notes,omitempty"`
}

// LearningCurve is an accuracy measured as learning goes: test accuracy after each
// epoch, or running accuracy over blocks of images during online learning.
type LearningCurve struct {
	System   string    `json:"system"`
	X        string    `json:"x"` // "epoch" or "images"
	Xs       []float64 `json:"xs"`
	Accuracy []float64 `json:"accuracy"`
}

// DCSummary describes the Diehl & Cook network's passes.
type DCSummary struct {
	Neurons             int     `json:"neurons"`
	Kernel              string  `json:"kernel"` // "exact" or "clock-driven, dt ..., input delays ..."
	Rule                string  `json:"rule"`   // "code" or "paper"
	Epochs              int     `json:"epochs"` // unsupervised passes over the TrainImages
	TrainImages         int     `json:"train_images"`
	LabelImages         int     `json:"label_images"`
	TestImages          int     `json:"test_images"`
	TrainSeconds        float64 `json:"train_seconds"`
	LabelSeconds        float64 `json:"label_seconds"`
	TestSeconds         float64 `json:"test_seconds"`
	MsPerImage          float64 `json:"ms_per_training_image"`
	Presentations       int64   `json:"presentations"` // repeats at higher intensity included
	InputSpikes         int64   `json:"input_spikes"`
	OutputSpikes        int64   `json:"output_spikes"`
	MeanSpikesPerImage  float64 `json:"mean_spikes_per_test_image"`
	Unassigned          int     `json:"unassigned_neurons"` // silent in the labelling pass
	AssignedPerClass    []int   `json:"assigned_per_class"`
	StateBytes          int     `json:"state_bytes,omitempty"` // of the saved state, set by the caller
	WeightBytes         int64   `json:"weight_bytes"`
	TraceBytes          int64   `json:"trace_bytes"`
	RunningBlock        int     `json:"running_block"`
	ReadoutRunningBlock int     `json:"rstdp_running_block"`
	// ResumedAt lists the training images at which the training pass was continued
	// from a saved state (Comparison.Resume); TrainSeconds sums its sessions.
	ResumedAt []int `json:"resumed_at,omitempty"`
}

// CompareReport is the outcome of a comparison.
type CompareReport struct {
	Config      CompareConfig   `json:"config"`
	TrainImages int             `json:"train_images"`
	TestImages  int             `json:"test_images"`
	Classes     int             `json:"classes"`
	Systems     []SystemResult  `json:"systems"`
	Curves      []LearningCurve `json:"curves"`
	DiehlCook   DCSummary       `json:"diehl_cook"`
	// WallSeconds is Run's wall time; for a resumed comparison, plus the earlier
	// sessions' training seconds (the time of an uninterrupted run, near enough).
	WallSeconds float64 `json:"wall_seconds"`
}

// Comparison runs the systems of the comparison on one training and one test set:
//
//   - three MLPs Inputs-Hidden-Classes on the pixels, trained by backpropagation,
//     feedback alignment and direct feedback alignment;
//   - the Diehl & Cook network, trained unsupervised by STDP on every training row once,
//     read out (i) by Diehl & Cook's vote over neurons labelled from the labelling pass,
//     (ii) by a linear softmax trained by gradient descent on the labelling pass's spike
//     counts, and (iii) by a spiking readout trained by reward-modulated STDP (RSTDP) on
//     the labelling pass's spikes.
//
// Everything is seeded by Config.Seed, so a run is reproducible up to the wall times.
// The network's passes dominate the cost: with DefaultCompare on all of MNIST (snn
// compare with its defaults) it presents 80 000 images (60 000 learning, 10 000
// labelling, 10 000 test), each advancing every neuron to every input spike, against
// minutes for the MLPs (the README gives measured times).
type Comparison struct {
	Config CompareConfig
	// Progress, when not nil, is told the stage and how far it is (done of total) as the
	// comparison goes: every ten images and every epoch.
	Progress func(stage string, done, total int)
	// AfterImage, when not nil, is called after each image of the network's passes with
	// the pass and the images done in it. An error it returns stops Run, which returns
	// it (errors.Is and errors.As find it). During the training pass, Snapshot takes the
	// state to continue from. The wall time spent in AfterImage is not counted in the
	// passes' seconds.
	AfterImage func(pass Pass, done int) error
	// Resume, when not nil, is a training pass to continue, taken by Snapshot in a run
	// of the same Config on the same training set: Run restores the network from it and
	// goes on at image Resume.Done, so that the comparison ends as the uninterrupted one
	// would, bit for bit (the wall times aside). Run checks what it can (the
	// configuration, the sizes) and refuses a state that does not fit.
	Resume *TrainState
	// DC is the trained Diehl & Cook network after Run (the caller closes it), RSTDP the
	// trained R-STDP readout.
	DC    *DiehlCook
	RSTDP *RSTDP

	tr *trainRun // the training pass under way, for Snapshot
}

// Pass names one of the Diehl & Cook network's passes over images.
type Pass int

const (
	TrainingPass  Pass = iota // unsupervised, with STDP, over every training image
	LabellingPass             // without learning, over the first Label training images
	TestPass                  // without learning, over the test images
)

func (p Pass) String() string {
	switch p {
	case TrainingPass:
		return "training pass"
	case LabellingPass:
		return "labelling pass"
	case TestPass:
		return "test pass"
	}
	return fmt.Sprintf("Pass(%d)", int(p))
}

// TrainState is the unsupervised training pass stopped after Done images: what
// continuing it needs besides the data. Comparison.Snapshot takes it and
// Comparison.Resume continues from it. Every field but DC marshals to JSON (floats
// round-trip exactly); DC is the network's own binary state.
type TrainState struct {
	Config      CompareConfig `json:"config"`       // with its defaults filled in
	TrainImages int           `json:"train_images"` // of the training set
	Done        int           `json:"done"`         // training images learnt from
	// Seconds is the wall time of the training pass so far, summed over the sessions
	// (the time between a stop and its resumption not counted); ResumedAt lists the
	// images at which it was continued.
	Seconds   float64 `json:"train_seconds"`
	ResumedAt []int   `json:"resumed_at,omitempty"`
	// Running is the running-accuracy curve so far; Prev and Cur are the spike counts of
	// the last complete block (empty before the first) and of the block under way: Done
	// = k*Block + len(Cur), and each row has Neurons counts.
	Running LearningCurve `json:"running"`
	Prev    [][]float64   `json:"prev_block"`
	Cur     [][]float64   `json:"cur_block"`
	DC      []byte        `json:"-"` // DiehlCook.MarshalBinary
}

// trainRun is the training pass under way.
type trainRun struct {
	n, done   int // images of the pass, and done
	prev, cur [][]float64
	running   LearningCurve
	before    float64 // seconds of the earlier sessions
	clock     *passClock
	resumedAt []int
}

// passClock measures a pass's wall time without the time spent in AfterImage.
type passClock struct {
	t0, hook time.Time // start, and start of the AfterImage call under way
	hooks    time.Duration
}

// elapsed is the pass's time up to the AfterImage call under way (or up to now).
func (k *passClock) elapsed() time.Duration {
	end := time.Now()
	if !k.hook.IsZero() {
		end = k.hook
	}
	return end.Sub(k.t0) - k.hooks
}

// Snapshot returns the training pass's state, to continue it later with Resume. It may
// be called from AfterImage during the training pass only (the labelling and test
// passes change the network's dynamic state, so that what they leave is not a
// training state); otherwise it returns an error.
func (c *Comparison) Snapshot() (*TrainState, error) {
	tr := c.tr
	if tr == nil || c.DC == nil {
		return nil, fmt.Errorf("readout: comparison: no training pass under way to snapshot")
	}
	dc, err := c.DC.MarshalBinary()
	if err != nil {
		return nil, err
	}
	rows := func(m [][]float64) [][]float64 {
		out := make([][]float64, len(m))
		for k, r := range m {
			out[k] = slices.Clone(r)
		}
		return out
	}
	return &TrainState{Config: c.Config, TrainImages: tr.n, Done: tr.done,
		Seconds: tr.before + tr.clock.elapsed().Seconds(), ResumedAt: slices.Clone(tr.resumedAt),
		Running: LearningCurve{System: tr.running.System, X: tr.running.X, Xs: slices.Clone(tr.running.Xs), Accuracy: slices.Clone(tr.running.Accuracy)},
		Prev:    rows(tr.prev), Cur: rows(tr.cur), DC: dc}, nil
}

// checkResume checks that s can continue a training pass of c.Config over n images in
// blocks of blk with a network of the given neurons.
func (c *Comparison) checkResume(s *TrainState, n, blk int) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("readout: comparison: cannot resume: "+format, a...)
	}
	switch {
	case s.Config != c.Config:
		return bad("the saved training pass ran with %+v, this comparison is %+v", s.Config, c.Config)
	case s.TrainImages != n:
		return bad("the saved training pass is over %d images, this training set has %d", s.TrainImages, n)
	case s.Done < 0 || s.Done > n:
		return bad("%d images done of %d", s.Done, n)
	case len(s.Cur) != s.Done%blk || s.Done >= blk && len(s.Prev) != blk || s.Done < blk && len(s.Prev) != 0:
		return bad("%d images done in blocks of %d, but the saved blocks hold %d and %d rows (want %d and %d)",
			s.Done, blk, len(s.Prev), len(s.Cur), min(s.Done/blk, 1)*blk, s.Done%blk)
	case len(s.Running.Xs) != len(s.Running.Accuracy) || len(s.Running.Xs) != max(s.Done/blk-1, 0):
		return bad("%d images done in blocks of %d, but the running accuracy has %d points and %d values (want %d)",
			s.Done, blk, len(s.Running.Xs), len(s.Running.Accuracy), max(s.Done/blk-1, 0))
	case !(s.Seconds >= 0):
		return bad("training time %g s", s.Seconds)
	}
	for k, r := range slices.Concat(s.Prev, s.Cur) {
		if len(r) != c.Config.Neurons {
			return bad("saved block row %d has %d counts, want %d (the neurons)", k, len(r), c.Config.Neurons)
		}
	}
	return nil
}

func (c *Comparison) progress(stage string, done, total int) {
	if c.Progress != nil {
		c.Progress(stage, done, total)
	}
}

// Run runs the comparison and returns its report. The configuration is checked first
// (with its defaults filled in), and Resume if set; an error names what was wrong. With
// Resume, the MLPs are trained again (they are deterministic and take minutes at most)
// and the network's training pass goes on where Resume stopped.
func (c *Comparison) Run(train, test *Dataset) (*CompareReport, error) {
	if train == nil || test == nil {
		return nil, fmt.Errorf("readout: comparison: nil data set")
	}
	cfg := c.Config.fill(train.N)
	if err := cfg.check(train, test); err != nil {
		return nil, err
	}
	c.Config = cfg
	start := time.Now()
	rep := &CompareReport{Config: cfg, TrainImages: train.N, TestImages: test.N, Classes: train.Classes}
	// The network is built (and restored) first, so that a state that does not fit is
	// refused before the MLPs' minutes.
	tr, err := c.newSpiking(train)
	if err != nil {
		return nil, err
	}
	for _, m := range []Method{Backprop, FeedbackAlignment, DirectFeedbackAlignment} {
		res, curve, err := c.runMLP(m, train, test)
		if err != nil {
			return nil, err
		}
		rep.Systems = append(rep.Systems, res)
		rep.Curves = append(rep.Curves, curve)
	}
	if err := c.runSpiking(rep, tr, train, test); err != nil {
		return nil, err
	}
	rep.WallSeconds = tr.before + time.Since(start).Seconds()
	return rep, nil
}

// mlpNames are the systems' names by method.
var mlpNames = map[Method]string{Backprop: "MLP, backprop", FeedbackAlignment: "MLP, feedback alignment",
	DirectFeedbackAlignment: "MLP, direct feedback alignment"}

// runMLP trains one MLP on the pixels, evaluating it on the test set after each epoch
// (not timed).
func (c *Comparison) runMLP(m Method, train, test *Dataset) (SystemResult, LearningCurve, error) {
	cfg := c.Config
	sizes := []int{train.Dim, cfg.Hidden, train.Classes}
	net, err := New(Config{Sizes: sizes, Method: m, Optimizer: Adam(cfg.LearningRate), BatchSize: cfg.BatchSize, Seed: cfg.Seed})
	if err != nil {
		return SystemResult{}, LearningCurve{}, err
	}
	name := mlpNames[m]
	curve := LearningCurve{System: name, X: "epoch"}
	var trainTime time.Duration
	eta := cfg.LearningRate
	for e := 1; e <= cfg.Epochs; e++ {
		c.progress(name+": epochs", e-1, cfg.Epochs)
		if err := net.SetLearningRate(eta); err != nil {
			return SystemResult{}, LearningCurve{}, err
		}
		t0 := time.Now()
		if _, err := net.TrainEpoch(train); err != nil {
			return SystemResult{}, LearningCurve{}, fmt.Errorf("readout: comparison: %s, epoch %d: %w", name, e, err)
		}
		trainTime += time.Since(t0)
		eta *= cfg.Decay
		acc, _, err := net.Evaluate(test)
		if err != nil {
			return SystemResult{}, LearningCurve{}, err
		}
		curve.Xs = append(curve.Xs, float64(e))
		curve.Accuracy = append(curve.Accuracy, acc)
	}
	c.progress(name+": epochs", cfg.Epochs, cfg.Epochs)
	t0 := time.Now()
	pred, err := net.Predict(test, nil)
	if err != nil {
		return SystemResult{}, LearningCurve{}, err
	}
	testTime := time.Since(t0)
	conf, correct, _ := confusion(pred, test.Labels, test.Classes)
	mem := net.Memory()
	scope, source := "global", "backpropagated error"
	switch m {
	case FeedbackAlignment:
		source = "output error through fixed random feedback, layer by layer"
	case DirectFeedbackAlignment:
		source = "output error through fixed random feedback, straight to each layer"
	}
	return SystemResult{
		Name: name, Architecture: fmt.Sprintf("%d-%d-%d on pixels", sizes[0], sizes[1], sizes[2]),
		Accuracy:     float64(correct) / float64(test.N),
		TrainSeconds: trainTime.Seconds(), TestSeconds: testTime.Seconds(),
		LearningMemoryBytes: mem.Total(),
		MemoryParts: map[string]int64{"activations": mem.Activations, "deltas": mem.Deltas, "gradients": mem.Gradients,
			"optimizer": mem.Optimizer, "feedback": mem.Feedback},
		SignalScope: scope, Phases: "two-phase (forward, then backward)", ErrorSource: source,
		LabelsUsed: train.N, Epochs: cfg.Epochs, Parameters: mlpParameters(sizes),
		Confusion: conf,
	}, curve, nil
}

func mlpParameters(sizes []int) int64 {
	var n int64
	for k := 1; k < len(sizes); k++ {
		n += int64(sizes[k-1])*int64(sizes[k]) + int64(sizes[k])
	}
	return n
}

// confusion counts the predictions by true class; a prediction outside [0, classes) is
// unanswered.
func confusion(pred, labels []int, classes int) (m [][]int, correct, unanswered int) {
	m = make([][]int, classes)
	for y := range m {
		m[y] = make([]int, classes)
	}
	for i, p := range pred {
		y := labels[i]
		if p < 0 || p >= classes {
			unanswered++
			continue
		}
		m[y][p]++
		if p == y {
			correct++
		}
	}
	return m, correct, unanswered
}

// dcPass is what one pass of images through the Diehl & Cook network evoked.
type dcPass struct {
	counts [][]float64 // per image, per neuron
	spikes [][]DCSpike // per image
	flat   []float64   // counts, row-major (a Dataset's X)
}

// What present keeps of the responses.
const (
	keepNothing = iota
	keepAll     // counts and spikes
)

// present runs rows [from, n) of ds through the network, keeping copies of the
// responses (keepAll) or only showing each image's counts to each (the network's own
// slice), and calling AfterImage after each. It returns the responses to rows [from, n)
// and the pass's wall time, AfterImage's excluded.
func (c *Comparison) present(d *DiehlCook, ds *Dataset, from, n int, learn bool, pass Pass, stage string, keep int, each func(i int, counts []float64) error) (*dcPass, time.Duration, error) {
	nn := d.Params().Neurons
	p := &dcPass{}
	if keep == keepAll {
		p.counts, p.flat, p.spikes = make([][]float64, n-from), make([]float64, (n-from)*nn), make([][]DCSpike, n-from)
	}
	clock := &passClock{t0: time.Now()}
	if pass == TrainingPass && c.tr != nil {
		c.tr.clock = clock
	}
	for i := from; i < n; i++ {
		if i%10 == 0 {
			c.progress(stage, i, n)
		}
		r, err := d.Present(ds.Row(i%ds.N), learn)
		if err != nil {
			return nil, 0, fmt.Errorf("readout: comparison: Diehl & Cook %s, image %d: %w", stage, i, err)
		}
		if keep == keepAll {
			k := i - from
			row := p.flat[k*nn : (k+1)*nn : (k+1)*nn]
			copy(row, r.Counts)
			p.counts[k] = row
			p.spikes[k] = append([]DCSpike(nil), r.Spikes...)
		}
		if each != nil {
			if err := each(i, r.Counts); err != nil {
				return nil, 0, err
			}
		}
		if c.AfterImage != nil {
			clock.hook = time.Now()
			err := c.AfterImage(pass, i+1)
			clock.hooks += time.Since(clock.hook)
			clock.hook = time.Time{}
			if err != nil {
				return nil, 0, err
			}
		}
	}
	c.progress(stage, n, n)
	return p, clock.elapsed(), nil
}

// newSpiking builds the Diehl & Cook network (c.DC) and its training pass, restored
// from c.Resume if set.
func (c *Comparison) newSpiking(train *Dataset) (*trainRun, error) {
	cfg := c.Config
	blk := cfg.block(train.N)
	if s := c.Resume; s != nil {
		if err := c.checkResume(s, train.N*cfg.dcEpochs(), blk); err != nil {
			return nil, err
		}
	}
	dp := DefaultDC(cfg.Neurons)
	dp.Inputs, dp.Seed = train.Dim, cfg.Seed
	dp.Dt, dp.MaxDelay, dp.Rule = cfg.DCStep, cfg.DCDelay, cfg.DCRule
	d, err := NewDiehlCook(dp)
	if err != nil {
		return nil, err
	}
	c.DC = d
	tr := &trainRun{n: train.N * cfg.dcEpochs(), running: LearningCurve{System: "Diehl & Cook, vote (running, during training)", X: "images"},
		prev: make([][]float64, 0, blk), cur: make([][]float64, 0, blk)}
	if s := c.Resume; s != nil {
		if err := d.UnmarshalBinary(s.DC); err != nil {
			return nil, fmt.Errorf("readout: comparison: cannot resume: %w", err)
		}
		tr.done, tr.before = s.Done, s.Seconds
		tr.resumedAt = append(slices.Clone(s.ResumedAt), s.Done)
		tr.running.Xs, tr.running.Accuracy = slices.Clone(s.Running.Xs), slices.Clone(s.Running.Accuracy)
		for _, r := range s.Prev {
			tr.prev = append(tr.prev, slices.Clone(r))
		}
		for _, r := range s.Cur {
			tr.cur = append(tr.cur, slices.Clone(r))
		}
	}
	return tr, nil
}

// runSpiking trains the Diehl & Cook network, starting from tr, and its three readouts.
func (c *Comparison) runSpiking(rep *CompareReport, tr *trainRun, train, test *Dataset) error {
	cfg := c.Config
	classes := train.Classes
	d := c.DC
	n := cfg.Neurons
	sum := &rep.DiehlCook
	*sum = DCSummary{Neurons: n, Kernel: dcKernel(d.Params()), Rule: d.Params().Rule.String(), Epochs: cfg.dcEpochs(), TrainImages: train.N, LabelImages: cfg.Label, TestImages: test.N,
		WeightBytes: 8 * int64(len(d.Weights())), TraceBytes: d.TraceBytes(), ResumedAt: tr.resumedAt}

	// Unsupervised training, one pass; the running accuracy of each block uses the
	// labels assigned from the previous block's responses (Diehl & Cook's own monitor).
	blk := cfg.block(train.N)
	sum.RunningBlock = blk
	c.tr = tr
	// Image i of the training pass is training row i mod N (DCEpochs passes).
	label := func(i int) int { return train.Labels[i%train.N] }
	_, elapsed, err := c.present(d, train, tr.done, tr.n, true, TrainingPass, "Diehl & Cook: unsupervised training", keepNothing, func(i int, counts []float64) error {
		tr.done = i + 1
		tr.cur = append(tr.cur, slices.Clone(counts))
		if len(tr.cur) < blk {
			return nil
		}
		if len(tr.prev) == blk {
			from := i + 1 - blk
			labels := make([]int, blk)
			for k := range labels {
				labels[k] = label(from - blk + k)
			}
			assign, err := AssignLabels(tr.prev, labels, classes)
			if err != nil {
				return err
			}
			right := 0
			for k, cnt := range tr.cur {
				if Vote(cnt, assign, classes) == label(from+k) {
					right++
				}
			}
			tr.running.Xs = append(tr.running.Xs, float64(i+1))
			tr.running.Accuracy = append(tr.running.Accuracy, float64(right)/float64(blk))
		}
		tr.prev, tr.cur = tr.cur, tr.prev[:0]
		return nil
	})
	c.tr = nil
	if err != nil {
		return err
	}
	running := tr.running
	sum.TrainSeconds = tr.before + elapsed.Seconds()
	sum.MsPerImage = 1000 * sum.TrainSeconds / float64(tr.n)

	// Labelling pass and test pass, without learning.
	lab, elapsed, err := c.present(d, train, 0, cfg.Label, false, LabellingPass, "Diehl & Cook: labelling pass", keepAll, nil)
	if err != nil {
		return err
	}
	sum.LabelSeconds = elapsed.Seconds()
	tst, elapsed, err := c.present(d, test, 0, test.N, false, TestPass, "Diehl & Cook: test pass", keepAll, nil)
	if err != nil {
		return err
	}
	sum.TestSeconds = elapsed.Seconds()
	sum.Presentations, sum.InputSpikes, sum.OutputSpikes = d.Presentations, d.InputSpikes, d.OutputSpikes
	total := 0.0
	for _, row := range tst.counts {
		for _, v := range row {
			total += v
		}
	}
	sum.MeanSpikesPerImage = total / float64(test.N)
	labels := train.Labels[:cfg.Label]
	dcParams := int64(len(d.Weights())) + int64(n) // weights and adaptive thresholds
	arch := fmt.Sprintf("%d inputs -> %d LIF (STDP, WTA)", train.Dim, n)
	stdpMem := map[string]int64{"stdp traces": d.TraceBytes()}
	online := "online (STDP during presentation)"

	// (i) Diehl & Cook's vote.
	t0 := time.Now()
	assign, err := AssignLabels(lab.counts, labels, classes)
	if err != nil {
		return err
	}
	assignTime := time.Since(t0)
	sum.AssignedPerClass = make([]int, classes)
	for _, a := range assign {
		if a < 0 {
			sum.Unassigned++
		} else {
			sum.AssignedPerClass[a]++
		}
	}
	t0 = time.Now()
	pred := make([]int, test.N)
	for i, cnt := range tst.counts {
		pred[i] = Vote(cnt, assign, classes)
	}
	voteTime := time.Since(t0)
	conf, correct, un := confusion(pred, test.Labels, classes)
	assignMem := 8 * int64(n*classes+classes) // AssignLabels's sums and per-class counts
	rep.Systems = append(rep.Systems, SystemResult{
		Name: "Diehl & Cook, vote", Architecture: arch + ", vote of labelled neurons",
		Accuracy:     float64(correct) / float64(test.N),
		TrainSeconds: sum.TrainSeconds + sum.LabelSeconds + assignTime.Seconds(), ReadoutSeconds: sum.LabelSeconds + assignTime.Seconds(),
		TestSeconds:         sum.TestSeconds + voteTime.Seconds(),
		LearningMemoryBytes: d.TraceBytes() + assignMem,
		MemoryParts:         merge(stdpMem, map[string]int64{"label sums": assignMem}),
		SignalScope:         "local", Phases: online, ErrorSource: "none (unsupervised); labels only name the neurons",
		LabelsUsed: cfg.Label, Epochs: 1, Parameters: dcParams + int64(n),
		Confusion: conf, Unanswered: un,
	})
	rep.Curves = append(rep.Curves, running)

	// (ii) A linear softmax on the labelling pass's counts, by gradient descent.
	labDS := &Dataset{N: cfg.Label, Dim: n, Classes: classes, X: lab.flat, Labels: labels}
	tstDS := &Dataset{N: test.N, Dim: n, Classes: classes, X: tst.flat, Labels: test.Labels}
	lin, err := New(Config{Sizes: []int{n, classes}, Optimizer: Adam(cfg.ReadoutLearningRate), BatchSize: cfg.BatchSize, Seed: cfg.Seed})
	if err != nil {
		return err
	}
	linName := "Diehl & Cook, linear readout"
	linCurve := LearningCurve{System: linName, X: "epoch"}
	var linTime time.Duration
	for e := 1; e <= cfg.ReadoutEpochs; e++ {
		c.progress(linName+": epochs", e-1, cfg.ReadoutEpochs)
		t := time.Now()
		if _, err := lin.TrainEpoch(labDS); err != nil {
			return fmt.Errorf("readout: comparison: %s, epoch %d: %w", linName, e, err)
		}
		linTime += time.Since(t)
		acc, _, err := lin.Evaluate(tstDS)
		if err != nil {
			return err
		}
		linCurve.Xs = append(linCurve.Xs, float64(e))
		linCurve.Accuracy = append(linCurve.Accuracy, acc)
	}
	c.progress(linName+": epochs", cfg.ReadoutEpochs, cfg.ReadoutEpochs)
	t0 = time.Now()
	if pred, err = lin.Predict(tstDS, pred); err != nil {
		return err
	}
	linTest := time.Since(t0)
	conf, correct, un = confusion(pred, test.Labels, classes)
	lm := lin.Memory()
	rep.Systems = append(rep.Systems, SystemResult{
		Name: linName, Architecture: fmt.Sprintf("%s, softmax %d-%d on spike counts", arch, n, classes),
		Accuracy:     float64(correct) / float64(test.N),
		TrainSeconds: sum.TrainSeconds + sum.LabelSeconds + linTime.Seconds(), ReadoutSeconds: sum.LabelSeconds + linTime.Seconds(),
		TestSeconds:         sum.TestSeconds + linTest.Seconds(),
		LearningMemoryBytes: d.TraceBytes() + lm.Total(),
		MemoryParts: merge(stdpMem, map[string]int64{"readout activations": lm.Activations, "readout deltas": lm.Deltas,
			"readout gradients": lm.Gradients, "readout optimizer": lm.Optimizer}),
		SignalScope: "local (STDP) + global error at the readout", Phases: "online features, two-phase readout",
		ErrorSource: "none in the network; output error of the readout (gradient of cross-entropy)",
		LabelsUsed:  cfg.Label, Epochs: cfg.ReadoutEpochs, Parameters: dcParams + mlpParameters([]int{n, classes}),
		Confusion: conf, Unanswered: un,
	})
	rep.Curves = append(rep.Curves, linCurve)

	// (iii) The R-STDP spiking readout on the labelling pass's spikes.
	res, curve, err := c.runRSTDP(lab.spikes, labels, tst.spikes, test.Labels, n, classes)
	if err != nil {
		return err
	}
	res.Architecture = fmt.Sprintf("%s, %s", arch, res.Architecture)
	res.TrainSeconds += sum.TrainSeconds + sum.LabelSeconds
	res.ReadoutSeconds += sum.LabelSeconds
	res.TestSeconds += sum.TestSeconds
	res.LearningMemoryBytes += d.TraceBytes()
	res.MemoryParts = merge(stdpMem, res.MemoryParts)
	res.Parameters += dcParams
	rep.Systems = append(rep.Systems, res)
	rep.Curves = append(rep.Curves, curve)
	sum.ReadoutRunningBlock = cfg.block(len(labels))
	return nil
}

func merge(a, b map[string]int64) map[string]int64 {
	m := make(map[string]int64, len(a)+len(b))
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

// runRSTDP trains the reward-modulated STDP readout on the labelling responses for
// RSTDPPasses passes (the running accuracy: its answers before each reward, by block)
// and tests it.
func (c *Comparison) runRSTDP(lab [][]DCSpike, labels []int, tst [][]DCSpike, tlabels []int, inputs, classes int) (SystemResult, LearningCurve, error) {
	cfg := c.Config
	name := "Diehl & Cook, R-STDP readout"
	rcfg := DefaultRSTDP(inputs, classes)
	rcfg.Seed = cfg.Seed
	r, err := NewRSTDP(rcfg)
	if err != nil {
		return SystemResult{}, LearningCurve{}, err
	}
	c.RSTDP = r
	curve := LearningCurve{System: name + " (running, during training)", X: "images"}
	blk := cfg.block(len(lab))
	right, seen := 0, 0
	t0 := time.Now()
	stage := name + ": training"
	total := cfg.RSTDPPasses * len(lab)
	for pass := range cfg.RSTDPPasses {
		for i, sp := range lab {
			if seen%10 == 0 {
				c.progress(stage, seen, total)
			}
			p, err := r.Train(sp, labels[i])
			if err != nil {
				return SystemResult{}, LearningCurve{}, fmt.Errorf("readout: comparison: %s, pass %d, image %d: %w", name, pass+1, i, err)
			}
			if p == labels[i] {
				right++
			}
			seen++
			if seen%blk == 0 {
				curve.Xs = append(curve.Xs, float64(seen))
				curve.Accuracy = append(curve.Accuracy, float64(right)/float64(blk))
				right = 0
			}
		}
	}
	c.progress(stage, total, total)
	trainTime := time.Since(t0)
	t0 = time.Now()
	pred := make([]int, len(tst))
	for i, sp := range tst {
		if i%10 == 0 {
			c.progress(name+": test", i, len(tst))
		}
		if pred[i], err = r.Predict(sp); err != nil {
			return SystemResult{}, LearningCurve{}, fmt.Errorf("readout: comparison: %s, test image %d: %w", name, i, err)
		}
	}
	c.progress(name+": test", len(tst), len(tst))
	testTime := time.Since(t0)
	conf, correct, un := confusion(pred, tlabels, classes)
	return SystemResult{
		Name: name, Architecture: fmt.Sprintf("%d-%d LIF readout with lateral inhibition, most spikes wins", inputs, classes),
		Accuracy:     float64(correct) / float64(len(tst)),
		TrainSeconds: trainTime.Seconds(), ReadoutSeconds: trainTime.Seconds(), TestSeconds: testTime.Seconds(),
		LearningMemoryBytes: r.TraceBytes(), MemoryParts: map[string]int64{"readout eligibility and traces": r.TraceBytes()},
		SignalScope: "local + global reward", Phases: "online (reward after each presentation)",
		ErrorSource: "reward (right or wrong), no error vector",
		LabelsUsed:  len(lab), Epochs: cfg.RSTDPPasses, Parameters: int64(inputs) * int64(classes),
		Confusion: conf, Unanswered: un,
	}, curve, nil
}

// dcKernel names the network's kernel for reports.
func dcKernel(p DCParams) string {
	if p.Dt == 0 {
		return "exact, event-driven"
	}
	k := fmt.Sprintf("clock-driven, forward Euler with dt %v", p.Dt)
	if p.MaxDelay > 0 {
		k += fmt.Sprintf(", input delays 0 to %v", p.MaxDelay)
	}
	return k
}
