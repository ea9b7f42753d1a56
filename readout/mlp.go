package readout

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"snn/sim"
)

// Method says how the hidden layers of an MLP receive the output error (see the package
// documentation for the equations).
type Method int

const (
	Backprop                Method = iota // the transposed forward weights: exact gradients
	FeedbackAlignment                     // a fixed random matrix per layer in place of W^T (Lillicrap et al. 2016)
	DirectFeedbackAlignment               // the output error sent to every hidden layer by its own fixed random matrix (Nokland 2016)
)

func (m Method) String() string {
	switch m {
	case Backprop:
		return "backprop"
	case FeedbackAlignment:
		return "feedback-alignment"
	case DirectFeedbackAlignment:
		return "direct-feedback-alignment"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Activation is the nonlinearity f of the hidden units.
type Activation int

const (
	ReLU    Activation = iota // f(a) = max(0, a),       f'(a) = [a > 0] = [f(a) > 0]
	Sigmoid                   // f(a) = 1/(1 + e^{-a}),  f'(a) = f(a)(1 - f(a))
)

func (a Activation) String() string {
	switch a {
	case ReLU:
		return "relu"
	case Sigmoid:
		return "sigmoid"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Config describes an MLP and how it learns.
type Config struct {
	// Sizes are the layer widths from the input to the classes, at least two:
	// {784, 256, 10} has one hidden layer of 256 units, {784, 10} is a linear softmax.
	Sizes      []int
	Activation Activation // of the hidden units; ReLU by default
	Method     Method     // how hidden layers receive the error; Backprop by default
	Optimizer  Optimizer  // Adam(1e-3) when zero
	BatchSize  int        // rows per minibatch, m; 100 when 0
	// Seed seeds three streams (sim.Stream): "readout/init" draws the weights (the same
	// for every Method), "readout/feedback" the feedback matrices, "readout/shuffle" the
	// order of the training rows in each epoch.
	Seed uint64
}

// MLP is a multilayer perceptron with softmax outputs, trained on cross-entropy by
// backpropagation, feedback alignment or direct feedback alignment. Its state is flat
// gonum matrices, allocated once by New for a minibatch of Config.BatchSize rows: the
// weights W_k (n_k x n_{k+1}, one row per input unit) and biases b_k, and for learning
// the cached layer outputs H_k and error signals Delta_k of a minibatch, the gradients,
// the optimizer's state and the fixed feedback matrices. Training allocates nothing per
// minibatch itself except when a minibatch is shorter than BatchSize (views of the
// buffers); gonum's gemm does, when it splits a product among goroutines (about 150
// small allocations per minibatch for 784-256-10 at m = 100). An MLP is not safe for
// concurrent use.
type MLP struct {
	cfg   Config
	sizes []int // n_0 .. n_L
	nl    int   // L, the number of weight layers

	w []*mat.Dense // w[k]: n_k x n_{k+1}, k = 0..L-1
	b [][]float64  // b[k]: n_{k+1}

	fb []*mat.Dense  // feedback: fb[k] for k = 1..L-1 (FA: n_k x n_{k+1}, DFA: n_k x n_L); nil for backprop
	h  []*mat.Dense  // h[k]: m x n_k, k = 0..L: the minibatch input, hidden outputs, softmax probabilities
	d  []*mat.Dense  // d[k]: m x n_{k+1}, k = 0..L-1: Delta, the error signal at layer k+1's input
	gw []*mat.Dense  // gw[k]: dJ/dW_k, n_k x n_{k+1}
	gb [][]float64   // gb[k]: dJ/db_k
	st [][][]float64 // st[j]: the optimizer's state tensors for parameter tensor j (2k: W_k, 2k+1: b_k)

	// The transposes W_k^T, F_k^T (or D_k^T) and H_k^T of the full buffers, made once:
	// converting a mat.Transpose to a mat.Matrix allocates.
	wT, fbT, hT []mat.Matrix

	lab     []int      // the labels of the current minibatch
	t       int        // optimizer steps taken
	shuffle *rand.Rand // the order of rows in each epoch
	perm    []int
	swap    func(i, j int) // swaps perm[i] and perm[j], made once
}

// New builds an MLP with weights drawn from Config.Seed, or returns an error naming the
// first bad field. The weights of a layer feeding n_k units are normal with standard
// deviation sqrt(2/n_k) into ReLU units (He et al. 2015) and sqrt(1/n_k) into sigmoid or
// softmax units (LeCun et al. 1998), biases 0. Feedback matrices are normal with standard
// deviation sqrt(1/r), r the number of error components each feedback sum runs over, so
// that the feedback signal has the error's scale.
func New(cfg Config) (*MLP, error) {
	if len(cfg.Sizes) < 2 {
		return nil, fmt.Errorf("readout: Config.Sizes = %v: want at least the input and output widths", cfg.Sizes)
	}
	for k, s := range cfg.Sizes {
		if s < 1 {
			return nil, fmt.Errorf("readout: Config.Sizes[%d] = %d: want a positive layer width", k, s)
		}
	}
	if cfg.Sizes[len(cfg.Sizes)-1] < 2 {
		return nil, fmt.Errorf("readout: Config.Sizes ends with %d classes: want at least 2", cfg.Sizes[len(cfg.Sizes)-1])
	}
	if cfg.Activation != ReLU && cfg.Activation != Sigmoid {
		return nil, fmt.Errorf("readout: Config.Activation = %d: want ReLU or Sigmoid", int(cfg.Activation))
	}
	if cfg.Method < Backprop || cfg.Method > DirectFeedbackAlignment {
		return nil, fmt.Errorf("readout: Config.Method = %d: want Backprop, FeedbackAlignment or DirectFeedbackAlignment", int(cfg.Method))
	}
	if cfg.Optimizer == (Optimizer{}) {
		cfg.Optimizer = Adam(1e-3)
	}
	if err := cfg.Optimizer.validate(); err != nil {
		return nil, err
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 100
	}
	if cfg.BatchSize < 0 {
		return nil, fmt.Errorf("readout: Config.BatchSize = %d: want > 0 (0 for 100)", cfg.BatchSize)
	}
	cfg.Sizes = append([]int(nil), cfg.Sizes...)

	L, n, m := len(cfg.Sizes)-1, cfg.Sizes, cfg.BatchSize
	net := &MLP{cfg: cfg, sizes: cfg.Sizes, nl: L, shuffle: sim.Stream(cfg.Seed, "readout/shuffle"), lab: make([]int, m)}
	init := sim.Stream(cfg.Seed, "readout/init")
	for k := range L {
		sd := math.Sqrt(1 / float64(n[k]))
		if k < L-1 && cfg.Activation == ReLU {
			sd = math.Sqrt(2 / float64(n[k]))
		}
		net.w = append(net.w, normalDense(init, n[k], n[k+1], sd))
		net.b = append(net.b, make([]float64, n[k+1]))
		net.gw = append(net.gw, mat.NewDense(n[k], n[k+1], nil))
		net.gb = append(net.gb, make([]float64, n[k+1]))
		net.d = append(net.d, mat.NewDense(m, n[k+1], nil))
		for _, size := range []int{n[k] * n[k+1], n[k+1]} {
			var s [][]float64
			for range cfg.Optimizer.stateTensors() {
				s = append(s, make([]float64, size))
			}
			net.st = append(net.st, s)
		}
	}
	for k := range L + 1 {
		net.h = append(net.h, mat.NewDense(m, n[k], nil))
	}
	if cfg.Method != Backprop && L > 1 {
		fbs := sim.Stream(cfg.Seed, "readout/feedback")
		net.fb = make([]*mat.Dense, L)
		for k := 1; k < L; k++ {
			cols := n[k+1] // FA: F_k stands in for W_k
			if cfg.Method == DirectFeedbackAlignment {
				cols = n[L] // DFA: D_k maps the output error to layer k
			}
			net.fb[k] = normalDense(fbs, n[k], cols, math.Sqrt(1/float64(cols)))
		}
	}
	net.wT = make([]mat.Matrix, L)
	net.fbT = make([]mat.Matrix, L)
	net.hT = make([]mat.Matrix, L+1)
	for k := range L {
		net.wT[k] = net.w[k].T()
		if net.fb != nil && net.fb[k] != nil {
			net.fbT[k] = net.fb[k].T()
		}
	}
	for k := range L + 1 {
		net.hT[k] = net.h[k].T()
	}
	return net, nil
}

func normalDense(r *rand.Rand, rows, cols int, sd float64) *mat.Dense {
	data := make([]float64, rows*cols)
	for i := range data {
		data[i] = sd * r.NormFloat64()
	}
	return mat.NewDense(rows, cols, data)
}

// Config returns the configuration with its defaults filled in.
func (net *MLP) Config() Config {
	c := net.cfg
	c.Sizes = append([]int(nil), c.Sizes...)
	return c
}

// Layer returns the weights W_k (n_k x n_{k+1}) and biases b_k of weight layer k, k = 0
// for the input layer's outgoing weights. They are the network's own; do not modify them.
func (net *MLP) Layer(k int) (w mat.Matrix, b []float64) {
	return net.w[k], net.b[k]
}

// Steps returns the number of minibatch updates made so far.
func (net *MLP) Steps() int { return net.t }

// SetLearningRate changes the learning rate eta for the following updates (for a
// schedule decaying it between epochs); the optimizer's state is kept.
func (net *MLP) SetLearningRate(eta float64) error {
	if !(eta > 0) || math.IsInf(eta, 0) {
		return fmt.Errorf("readout: learning rate %g: want a finite value > 0", eta)
	}
	net.cfg.Optimizer.LearningRate = eta
	return nil
}

// views returns the minibatch buffers for a minibatch of rows rows: the full buffers, or
// views of their first rows.
func (net *MLP) views(rows int) (h, d []*mat.Dense) {
	if rows == net.cfg.BatchSize {
		return net.h, net.d
	}
	h = make([]*mat.Dense, len(net.h))
	d = make([]*mat.Dense, len(net.d))
	for k, x := range net.h {
		h[k] = x.Slice(0, rows, 0, net.sizes[k]).(*mat.Dense)
	}
	for k, x := range net.d {
		d[k] = x.Slice(0, rows, 0, net.sizes[k+1]).(*mat.Dense)
	}
	return h, d
}

// forward computes, for the minibatch in h[0],
//
//	A_k = H_{k-1} W_{k-1} + 1 b_{k-1}^T   (as in the package doc, layers counted from 1)
//	H_k = f(A_k) for hidden layers,  H_L = P = softmax(A_L) row by row,
//
// each in place in h[k], and returns the summed cross-entropy -sum_i log P[i, y_i] when
// labels is not nil. The softmax subtracts the row's maximum before exponentiating, and
// the loss is taken from the logits (log P_y = a_y - max - log sum_j e^{a_j - max}), so it
// stays finite however confident the network.
func (net *MLP) forward(h []*mat.Dense, labels []int) (loss float64) {
	L := net.nl
	for k := range L {
		h[k+1].Mul(h[k], net.w[k])
		raw := h[k+1].RawMatrix()
		bias := net.b[k]
		for i := range raw.Rows {
			row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
			for j, bj := range bias {
				row[j] += bj
			}
			switch {
			case k == L-1:
				mx := row[0]
				for _, a := range row {
					mx = max(mx, a)
				}
				var ay float64
				if labels != nil {
					ay = row[labels[i]]
				}
				var s float64
				for j, a := range row {
					e := math.Exp(a - mx)
					row[j] = e
					s += e
				}
				if labels != nil {
					loss -= ay - mx - math.Log(s)
				}
				inv := 1 / s
				for j := range row {
					row[j] *= inv
				}
			case net.cfg.Activation == ReLU:
				for j, a := range row {
					row[j] = max(a, 0)
				}
			default:
				for j, a := range row {
					row[j] = 1 / (1 + math.Exp(-a))
				}
			}
		}
	}
	return loss
}

// backward computes the (pseudo-)gradients of the mean loss J = -(1/m) sum_i log P[i, y_i]
// over the minibatch held in h (after forward):
//
//	Delta_L = (P - Y)/m                        Y the one-hot labels
//	dJ/dW_k = H_{k-1}^T Delta_k,   dJ/db_k = Delta_k^T 1
//	Delta_{k-1} = (Delta_k W_k^T) .* f'(A_{k-1})   backprop
//	            = (Delta_k F_k^T) .* f'(A_{k-1})   feedback alignment
//	            = (Delta_L D_k^T) .* f'(A_{k-1})   direct feedback alignment
//
// with layers counted from 1 as in the package documentation (the code's k is one less).
func (net *MLP) backward(h, d []*mat.Dense, labels []int) {
	L := net.nl
	rows := len(labels)
	inv := 1 / float64(rows)
	out := d[L-1].RawMatrix()
	p := h[L].RawMatrix()
	for i, y := range labels {
		dr := out.Data[i*out.Stride : i*out.Stride+out.Cols]
		pr := p.Data[i*p.Stride : i*p.Stride+p.Cols]
		for j, pj := range pr {
			dr[j] = pj * inv
		}
		dr[y] -= inv
	}
	full := rows == net.cfg.BatchSize
	for k := L - 1; k >= 0; k-- {
		if full {
			net.gw[k].Mul(net.hT[k], d[k])
		} else {
			net.gw[k].Mul(h[k].T(), d[k])
		}
		gb := net.gb[k]
		clear(gb)
		dk := d[k].RawMatrix()
		for i := range dk.Rows {
			for j, v := range dk.Data[i*dk.Stride : i*dk.Stride+dk.Cols] {
				gb[j] += v
			}
		}
		if k == 0 {
			break
		}
		switch net.cfg.Method {
		case Backprop:
			d[k-1].Mul(d[k], net.wT[k])
		case FeedbackAlignment:
			d[k-1].Mul(d[k], net.fbT[k])
		case DirectFeedbackAlignment:
			d[k-1].Mul(d[L-1], net.fbT[k])
		}
		// Multiply by f'(A) written through the unit's output H = f(A).
		dr, hr := d[k-1].RawMatrix(), h[k].RawMatrix()
		for i := range dr.Rows {
			drow := dr.Data[i*dr.Stride : i*dr.Stride+dr.Cols]
			hrow := hr.Data[i*hr.Stride : i*hr.Stride+hr.Cols]
			if net.cfg.Activation == ReLU {
				for j, hj := range hrow {
					if hj <= 0 {
						drow[j] = 0
					}
				}
			} else {
				for j, hj := range hrow {
					drow[j] *= hj * (1 - hj)
				}
			}
		}
	}
}

// update moves every parameter tensor by the optimizer.
func (net *MLP) update() {
	net.t++
	o := net.cfg.Optimizer
	for k := range net.nl {
		o.step(net.w[k].RawMatrix().Data, net.gw[k].RawMatrix().Data, net.st[2*k], net.t)
		o.step(net.b[k], net.gb[k], net.st[2*k+1], net.t)
	}
}

// loadRows copies rows idx of ds (or rows start.. when idx is nil) into h[0].
func loadRows(h0 *mat.Dense, ds *Dataset, idx []int, start int) {
	raw := h0.RawMatrix()
	for i := range raw.Rows {
		r := start + i
		if idx != nil {
			r = idx[i]
		}
		copy(raw.Data[i*raw.Stride:i*raw.Stride+raw.Cols], ds.X[r*ds.Dim:(r+1)*ds.Dim])
	}
}

// TrainBatch makes one update from the minibatch x (len(labels) rows of n_0 values,
// row-major) and returns its mean cross-entropy before the update. It takes 1 to
// BatchSize rows.
func (net *MLP) TrainBatch(x []float64, labels []int) (loss float64, err error) {
	rows := len(labels)
	if rows < 1 || rows > net.cfg.BatchSize {
		return 0, fmt.Errorf("readout: minibatch of %d rows: want 1 to BatchSize = %d", rows, net.cfg.BatchSize)
	}
	if len(x) != rows*net.sizes[0] {
		return 0, fmt.Errorf("readout: minibatch has %d values for %d rows: want %d per row", len(x), rows, net.sizes[0])
	}
	for i, y := range labels {
		if y < 0 || y >= net.sizes[net.nl] {
			return 0, fmt.Errorf("readout: label %d of the minibatch is %d: want 0 to %d", i, y, net.sizes[net.nl]-1)
		}
	}
	h, d := net.views(rows)
	copy(h[0].RawMatrix().Data, x)
	loss = net.forward(h, labels)
	net.backward(h, d, labels)
	net.update()
	return loss / float64(rows), nil
}

// TrainEpoch makes one pass over ds in minibatches of BatchSize rows, in an order drawn
// from the "readout/shuffle" stream, and returns the mean cross-entropy of the rows
// (each measured just before its minibatch's update). Cost: about 6 N sum_k n_k n_{k+1}
// floating-point operations for backprop (forward, dJ/dW, Delta), less the first
// layer's Delta.
func (net *MLP) TrainEpoch(ds *Dataset) (loss float64, err error) {
	if err := net.check(ds); err != nil {
		return 0, err
	}
	if len(net.perm) != ds.N {
		net.perm = make([]int, ds.N)
	}
	for i := range net.perm {
		net.perm[i] = i
	}
	if net.swap == nil {
		net.swap = func(i, j int) { net.perm[i], net.perm[j] = net.perm[j], net.perm[i] }
	}
	net.shuffle.Shuffle(ds.N, net.swap)
	m := net.cfg.BatchSize
	for start := 0; start < ds.N; start += m {
		idx := net.perm[start:min(start+m, ds.N)]
		h, d := net.views(len(idx))
		loadRows(h[0], ds, idx, 0)
		lab := net.batchLabels(ds, idx)
		loss += net.forward(h, lab)
		net.backward(h, d, lab)
		net.update()
	}
	return loss / float64(ds.N), nil
}

// batchLabels gathers the labels of rows idx into a buffer reused between minibatches.
func (net *MLP) batchLabels(ds *Dataset, idx []int) []int {
	buf := net.lab[:len(idx)]
	for i, r := range idx {
		buf[i] = ds.Labels[r]
	}
	return buf
}

func (net *MLP) check(ds *Dataset) error {
	if err := ds.Validate(); err != nil {
		return err
	}
	if ds.Dim != net.sizes[0] {
		return fmt.Errorf("readout: data set rows have %d values, the network takes %d", ds.Dim, net.sizes[0])
	}
	if ds.Classes > net.sizes[net.nl] {
		return fmt.Errorf("readout: data set has %d classes, the network %d outputs", ds.Classes, net.sizes[net.nl])
	}
	return nil
}

// Evaluate returns the fraction of rows of ds whose most probable class is their label,
// and the mean cross-entropy. It uses the minibatch buffers and changes no parameter.
func (net *MLP) Evaluate(ds *Dataset) (accuracy, loss float64, err error) {
	if err := net.check(ds); err != nil {
		return 0, 0, err
	}
	correct := 0
	for start := 0; start < ds.N; start += net.cfg.BatchSize {
		rows := min(net.cfg.BatchSize, ds.N-start)
		h, _ := net.views(rows)
		loadRows(h[0], ds, nil, start)
		loss += net.forward(h, ds.Labels[start:start+rows])
		for i, c := range argmaxRows(h[net.nl]) {
			if c == ds.Labels[start+i] {
				correct++
			}
		}
	}
	return float64(correct) / float64(ds.N), loss / float64(ds.N), nil
}

// Predict returns the most probable class of every row of ds, in dst when it has room.
func (net *MLP) Predict(ds *Dataset, dst []int) ([]int, error) {
	if err := net.check(ds); err != nil {
		return nil, err
	}
	dst = dst[:0]
	for start := 0; start < ds.N; start += net.cfg.BatchSize {
		rows := min(net.cfg.BatchSize, ds.N-start)
		h, _ := net.views(rows)
		loadRows(h[0], ds, nil, start)
		net.forward(h, nil)
		dst = append(dst, argmaxRows(h[net.nl])...)
	}
	return dst, nil
}

// argmaxRows returns the index of the largest value of each row (the first on ties).
func argmaxRows(p *mat.Dense) []int {
	raw := p.RawMatrix()
	out := make([]int, raw.Rows)
	for i := range raw.Rows {
		row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		out[i] = best
	}
	return out
}
