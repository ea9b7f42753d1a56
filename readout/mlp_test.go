package readout

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomBatch returns rows x n values drawn normal and rows labels in [0, classes).
func randomBatch(seed uint64, rows, n, classes int) ([]float64, []int) {
	r := rand.New(rand.NewPCG(seed, 99))
	x := make([]float64, rows*n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	y := make([]int, rows)
	for i := range y {
		y[i] = r.IntN(classes)
	}
	return x, y
}

// randomDataset is a synthetic classification problem: class c's rows are a fixed random
// prototype plus noise, so a network can learn it.
func randomDataset(seed uint64, n, dim, classes int) *Dataset {
	r := rand.New(rand.NewPCG(seed, 7))
	proto := make([]float64, classes*dim)
	for i := range proto {
		proto[i] = r.Float64()
	}
	d := &Dataset{N: n, Dim: dim, Classes: classes, X: make([]float64, n*dim), Labels: make([]int, n)}
	for i := range n {
		c := r.IntN(classes)
		d.Labels[i] = c
		for j := range dim {
			d.X[i*dim+j] = proto[c*dim+j] + 0.3*r.NormFloat64()
		}
	}
	return d
}

func mustNew(t testing.TB, cfg Config) *MLP {
	t.Helper()
	net, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// lossAt is J on the minibatch (forward only): the function whose derivatives backward
// claims to compute.
func (net *MLP) lossAt(x []float64, labels []int) float64 {
	h, _ := net.views(len(labels))
	copy(h[0].RawMatrix().Data, x)
	return net.forward(h, labels) / float64(len(labels))
}

// gradients runs forward and backward on the minibatch without updating.
func (net *MLP) gradients(x []float64, labels []int) {
	h, d := net.views(len(labels))
	copy(h[0].RawMatrix().Data, x)
	net.forward(h, labels)
	net.backward(h, d, labels)
}

// TestGradientsFiniteDifference checks every component of dJ/dW_l and dJ/db_l from
// backward against the central difference (J(theta + eps) - J(theta - eps)) / (2 eps).
//
// Tolerance: the central difference's truncation error is eps^2 |J3| / 6 (J3 the third
// derivative) and its rounding error about 1e-16 |J| / eps; with eps = 1e-5 and J, J3 of
// order 1 both are below 1e-10 in absolute terms. Relative to max(|g|, |fd|, 1e-4)
// (gradients of this tiny net are mostly 1e-3 to 1e-1) that is below 1e-6, the bound we
// assert; the worst measured is 8e-8. A ReLU kink within eps of a pre-activation would
// break it; the seeds are fixed and none lies there.
func TestGradientsFiniteDifference(t *testing.T) {
	const eps = 1e-5
	for _, tc := range []struct {
		name  string
		sizes []int
		act   Activation
		rows  int
	}{
		{"relu/two-hidden", []int{6, 5, 4, 3}, ReLU, 7},
		{"sigmoid/two-hidden", []int{6, 5, 4, 3}, Sigmoid, 7},
		{"relu/one-hidden/one-row", []int{5, 8, 4}, ReLU, 1},
		{"linear-softmax", []int{6, 3}, ReLU, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := mustNew(t, Config{Sizes: tc.sizes, Activation: tc.act, BatchSize: 8, Seed: 3})
			x, y := randomBatch(5, tc.rows, tc.sizes[0], tc.sizes[len(tc.sizes)-1])
			net.gradients(x, y)
			worst := 0.0
			for k := range net.nl {
				params := [][]float64{net.w[k].RawMatrix().Data, net.b[k]}
				grads := [][]float64{net.gw[k].RawMatrix().Data, net.gb[k]}
				for j, p := range params {
					for i := range p {
						g := grads[j][i]
						orig := p[i]
						p[i] = orig + eps
						jp := net.lossAt(x, y)
						p[i] = orig - eps
						jm := net.lossAt(x, y)
						p[i] = orig
						fd := (jp - jm) / (2 * eps)
						rel := math.Abs(g-fd) / max(math.Abs(g), math.Abs(fd), 1e-4)
						worst = max(worst, rel)
						if rel > 1e-6 {
							t.Errorf("layer %d tensor %d [%d]: backward %.12g, finite difference %.12g (relative error %.2g)", k, j, i, g, fd, rel)
						}
					}
				}
			}
			t.Logf("worst relative error %.2g", worst)
		})
	}
}

// TestFeedbackAlignmentWithTransposedWeightsIsBackprop ties FA's feedback matrices to
// the forward weights before every step (F_l = W_l, that is B = W^T): the updates must
// equal backprop's to the last bit, since the code runs the same gemm on the same
// numbers. The same holds for DFA with one hidden layer and D_1 = W_2.
func TestFeedbackAlignmentWithTransposedWeightsIsBackprop(t *testing.T) {
	for _, tc := range []struct {
		method Method
		sizes  []int
	}{
		{FeedbackAlignment, []int{8, 6, 5, 4}},
		{FeedbackAlignment, []int{8, 6, 4}},
		{DirectFeedbackAlignment, []int{8, 6, 4}},
	} {
		bp := mustNew(t, Config{Sizes: tc.sizes, BatchSize: 5, Seed: 11})
		fa := mustNew(t, Config{Sizes: tc.sizes, BatchSize: 5, Seed: 11, Method: tc.method})
		for step := range 6 {
			for k := 1; k < fa.nl; k++ {
				fa.fb[k].Copy(fa.w[k])
			}
			x, y := randomBatch(uint64(step), 5, tc.sizes[0], tc.sizes[len(tc.sizes)-1])
			if _, err := bp.TrainBatch(x, y); err != nil {
				t.Fatal(err)
			}
			if _, err := fa.TrainBatch(x, y); err != nil {
				t.Fatal(err)
			}
		}
		if !sameParams(bp, fa) {
			t.Errorf("%v %v with tied feedback: weights differ from backprop's", tc.method, tc.sizes)
		}
	}
}

// TestFAAndDFACoincideWithOneHiddenLayer: with one hidden layer DFA's D_1 and FA's F_2
// have the same shape, scale and stream, so the two train identically; with two hidden
// layers they differ, and both differ from backprop.
func TestFAAndDFACoincideWithOneHiddenLayer(t *testing.T) {
	ds := randomDataset(1, 200, 12, 3)
	train := func(m Method, sizes []int) *MLP {
		net := mustNew(t, Config{Sizes: sizes, Method: m, BatchSize: 16, Seed: 2})
		for range 2 {
			if _, err := net.TrainEpoch(ds); err != nil {
				t.Fatal(err)
			}
		}
		return net
	}
	one := []int{12, 9, 3}
	if !sameParams(train(FeedbackAlignment, one), train(DirectFeedbackAlignment, one)) {
		t.Error("one hidden layer: FA and DFA differ")
	}
	if sameParams(train(FeedbackAlignment, one), train(Backprop, one)) {
		t.Error("one hidden layer: FA equals backprop (its feedback should be random)")
	}
	two := []int{12, 9, 7, 3}
	if sameParams(train(FeedbackAlignment, two), train(DirectFeedbackAlignment, two)) {
		t.Error("two hidden layers: FA and DFA train identically")
	}
	lin := []int{12, 3}
	if !sameParams(train(Backprop, lin), train(FeedbackAlignment, lin)) || !sameParams(train(Backprop, lin), train(DirectFeedbackAlignment, lin)) {
		t.Error("linear softmax: the methods differ")
	}
}

func sameParams(a, b *MLP) bool {
	for k := range a.w {
		if !mat.Equal(a.w[k], b.w[k]) {
			return false
		}
		for i := range a.b[k] {
			if a.b[k][i] != b.b[k][i] {
				return false
			}
		}
	}
	return true
}

// TestDeterminism: the same configuration, seed and data give bitwise the same weights
// (gonum's parallel gemm gives each output block to one goroutine, which sums in a fixed
// order); another seed gives other weights.
func TestDeterminism(t *testing.T) {
	ds := randomDataset(4, 300, 200, 4) // 128-row minibatches of 200 and 130 units take gonum's parallel gemm
	for _, m := range []Method{Backprop, FeedbackAlignment, DirectFeedbackAlignment} {
		run := func(seed uint64) (*MLP, float64) {
			net := mustNew(t, Config{Sizes: []int{200, 130, 70, 4}, Method: m, BatchSize: 128, Seed: seed, Optimizer: SGD(0.05, 0.9)})
			var loss float64
			for range 3 {
				var err error
				if loss, err = net.TrainEpoch(ds); err != nil {
					t.Fatal(err)
				}
			}
			return net, loss
		}
		a, la := run(8)
		b, lb := run(8)
		c, _ := run(9)
		if !sameParams(a, b) || la != lb {
			t.Errorf("%v: two runs with seed 8 differ (losses %v, %v)", m, la, lb)
		}
		if sameParams(a, c) {
			t.Errorf("%v: seeds 8 and 9 give the same weights", m)
		}
	}
}

// TestOptimizerClosedForms checks the update rules against their closed forms for a
// constant gradient g:
//   - SGD with momentum mu, after two steps from 0: theta = -eta g (1 + (1 + mu));
//   - Adam's first step: m^ = g and s^ = g^2 after bias correction, so
//     theta = -eta g / (|g| + eps), a step of eta against the gradient's sign;
//   - Adam after t steps of a constant g: still m^ = g, s^ = g^2, so t such steps.
//
// Tolerance: a few roundings of numbers of order 1, 1e-15 relative.
func TestOptimizerClosedForms(t *testing.T) {
	g := []float64{0.3, -2, 1e-3}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-15*max(1, math.Abs(b)) }

	o := SGD(0.1, 0.9)
	p := make([]float64, len(g))
	s := [][]float64{make([]float64, len(g))}
	o.step(p, g, s, 1)
	o.step(p, g, s, 2)
	for i := range g {
		if want := -0.1 * g[i] * 2.9; !near(p[i], want) {
			t.Errorf("SGD momentum: theta[%d] = %g, want %g", i, p[i], want)
		}
	}

	a := Adam(0.01)
	p = make([]float64, len(g))
	s = [][]float64{make([]float64, len(g)), make([]float64, len(g))}
	for step := 1; step <= 3; step++ {
		a.step(p, g, s, step)
		for i := range g {
			if want := -float64(step) * 0.01 * g[i] / (math.Abs(g[i]) + 1e-8); math.Abs(p[i]-want) > 1e-14 {
				t.Errorf("Adam step %d: theta[%d] = %.17g, want %.17g", step, i, p[i], want)
			}
		}
	}
}

// TestMemory checks Memory against the package documentation's formulas.
func TestMemory(t *testing.T) {
	for _, tc := range []struct {
		sizes  []int
		method Method
		opt    Optimizer
		m      int
	}{
		{[]int{784, 256, 10}, Backprop, Adam(1e-3), 100},
		{[]int{784, 256, 10}, FeedbackAlignment, SGD(0.1, 0.9), 100},
		{[]int{784, 300, 100, 10}, FeedbackAlignment, SGD(0.1, 0), 32},
		{[]int{784, 300, 100, 10}, DirectFeedbackAlignment, Adam(1e-3), 32},
		{[]int{784, 10}, DirectFeedbackAlignment, Adam(1e-3), 1},
	} {
		net := mustNew(t, Config{Sizes: tc.sizes, Method: tc.method, Optimizer: tc.opt, BatchSize: tc.m})
		n, L, m := tc.sizes, len(tc.sizes)-1, int64(tc.m)
		var want Memory
		var params int64
		for k, s := range n {
			want.Activations += 8 * m * int64(s)
			if k > 0 {
				want.Deltas += 8 * m * int64(s)
				params += int64(n[k-1]+1) * int64(s)
			}
		}
		want.Activations += 8 * m
		want.Gradients = 8 * params
		want.Optimizer = 8 * params * int64(net.cfg.Optimizer.stateTensors())
		for l := 1; l < L; l++ {
			switch tc.method {
			case FeedbackAlignment:
				want.Feedback += 8 * int64(n[l]*n[l+1])
			case DirectFeedbackAlignment:
				want.Feedback += 8 * int64(n[l]*n[L])
			}
		}
		if got := net.Memory(); got != want {
			t.Errorf("%v %v: Memory() = %+v, want %+v", tc.sizes, tc.method, got, want)
		}
		if got := net.WeightBytes(); got != 8*params {
			t.Errorf("%v: WeightBytes() = %d, want %d", tc.sizes, got, 8*params)
		}
		if net.LearningMemoryBytes() != want.Total() {
			t.Errorf("%v: LearningMemoryBytes() = %d, want %d", tc.sizes, net.LearningMemoryBytes(), want.Total())
		}
	}
}

// TestTrainingLearns: on a separable synthetic problem every method and optimizer, with
// sigmoid and ReLU units, reaches high accuracy and lowers the loss. (The bound is far
// from chance, 1/3, and below what each configuration reaches, 0.957 to 0.993.)
func TestTrainingLearns(t *testing.T) {
	train, test := randomDataset(10, 600, 20, 3), randomDataset(10, 300, 20, 3)
	for _, m := range []Method{Backprop, FeedbackAlignment, DirectFeedbackAlignment} {
		for _, act := range []Activation{ReLU, Sigmoid} {
			for _, opt := range []Optimizer{Adam(3e-3), SGD(0.02, 0.9)} {
				net := mustNew(t, Config{Sizes: []int{20, 16, 16, 3}, Method: m, Activation: act, Optimizer: opt, BatchSize: 20, Seed: 1})
				_, before, _ := net.Evaluate(test)
				for range 10 {
					if _, err := net.TrainEpoch(train); err != nil {
						t.Fatal(err)
					}
				}
				acc, after, err := net.Evaluate(test)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%v %v %v: test accuracy %.3f, loss %.3f -> %.3f", m, act, opt.Kind, acc, before, after)
				if acc < 0.9 || after >= before {
					t.Errorf("%v %v %v: test accuracy %.3f, loss %.3f -> %.3f", m, act, opt.Kind, acc, before, after)
				}
			}
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Sizes: []int{784}}, "at least the input and output"},
		{Config{Sizes: []int{784, 0, 10}}, "Sizes[1] = 0"},
		{Config{Sizes: []int{784, 1}}, "at least 2"},
		{Config{Sizes: []int{4, 2}, BatchSize: -1}, "BatchSize = -1"},
		{Config{Sizes: []int{4, 2}, Method: 7}, "Method = 7"},
		{Config{Sizes: []int{4, 2}, Activation: 5}, "Activation = 5"},
		{Config{Sizes: []int{4, 2}, Optimizer: SGD(0, 0.9)}, "LearningRate = 0"},
		{Config{Sizes: []int{4, 2}, Optimizer: SGD(0.1, 1)}, "Momentum = 1"},
		{Config{Sizes: []int{4, 2}, Optimizer: Optimizer{Kind: OptAdam, LearningRate: 1e-3}}, "Epsilon = 0"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}

	net := mustNew(t, Config{Sizes: []int{4, 3, 2}, BatchSize: 2})
	if _, err := net.TrainBatch(make([]float64, 12), []int{0, 1, 0}); err == nil || !strings.Contains(err.Error(), "want 1 to BatchSize = 2") {
		t.Errorf("oversized minibatch: %v", err)
	}
	if _, err := net.TrainBatch(make([]float64, 8), []int{0, 2}); err == nil || !strings.Contains(err.Error(), "label 1 of the minibatch is 2") {
		t.Errorf("bad label: %v", err)
	}
	if _, err := net.TrainEpoch(randomDataset(1, 10, 5, 2)); err == nil || !strings.Contains(err.Error(), "rows have 5 values, the network takes 4") {
		t.Errorf("wrong width: %v", err)
	}
	if err := net.SetLearningRate(-1); err == nil || !strings.Contains(err.Error(), "learning rate -1") {
		t.Errorf("SetLearningRate(-1): %v", err)
	}
	bad := randomDataset(1, 10, 4, 2)
	bad.Labels[3] = 9
	if _, err := net.TrainEpoch(bad); err == nil || !strings.Contains(err.Error(), "label of row 3 is 9") {
		t.Errorf("bad label in data set: %v", err)
	}
}

// TestPredictMatchesEvaluate: Predict's classes give Evaluate's accuracy, also with a
// last minibatch shorter than BatchSize.
func TestPredictMatchesEvaluate(t *testing.T) {
	ds := randomDataset(2, 103, 10, 4)
	net := mustNew(t, Config{Sizes: []int{10, 8, 4}, BatchSize: 25, Seed: 5})
	if _, err := net.TrainEpoch(ds); err != nil {
		t.Fatal(err)
	}
	pred, err := net.Predict(ds, nil)
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	for i, c := range pred {
		if c == ds.Labels[i] {
			correct++
		}
	}
	acc, _, _ := net.Evaluate(ds)
	if len(pred) != ds.N || float64(correct)/float64(ds.N) != acc {
		t.Errorf("Predict: %d classes, %d correct; Evaluate accuracy %v", len(pred), correct, acc)
	}
}

// BenchmarkTrainEpoch: one epoch of 1000 MNIST-shaped rows through 784-256-10, minibatch
// 100, Adam, by each method.
func BenchmarkTrainEpoch(b *testing.B) {
	ds := randomDataset(1, 1000, 784, 10)
	for _, m := range []Method{Backprop, FeedbackAlignment, DirectFeedbackAlignment} {
		b.Run("method="+m.String(), func(b *testing.B) {
			net := mustNew(b, Config{Sizes: []int{784, 256, 10}, Method: m, Seed: 1})
			b.ReportAllocs()
			for b.Loop() {
				if _, err := net.TrainEpoch(ds); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTrainEpochAllocations: an epoch of full minibatches allocates nothing once the
// permutation exists. The sizes keep gonum's gemm serial (fewer than 4 blocks of 64x64 in
// the output), since its parallel path allocates for its goroutines.
func TestTrainEpochAllocations(t *testing.T) {
	ds := randomDataset(1, 100, 20, 3)
	for _, m := range []Method{Backprop, FeedbackAlignment, DirectFeedbackAlignment} {
		net := mustNew(t, Config{Sizes: []int{20, 16, 12, 3}, Method: m, Seed: 1, BatchSize: 10})
		if _, err := net.TrainEpoch(ds); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(5, func() { net.TrainEpoch(ds) }); n != 0 {
			t.Errorf("%v: %v allocations per epoch, want 0", m, n)
		}
	}
}
