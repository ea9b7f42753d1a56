package readout

import "gonum.org/v1/gonum/mat"

// Memory is what an MLP holds for learning beyond its weights, in bytes, counted from the
// buffers themselves (8 bytes per float64 or int allocated), at the network's
// BatchSize m. With layer widths n_0..n_L and P = sum_k (n_k + 1) n_{k+1} parameters:
//
//	Activations  8 m (n_0 + ... + n_L) + 8 m   the minibatch's input rows, every layer's
//	                                           output (kept for dJ/dW and f') and its labels
//	Deltas       8 m (n_1 + ... + n_L)         the error signal Delta_k of every layer
//	Gradients    8 P                           dJ/dW_k and dJ/db_k
//	Optimizer    8 P (SGD with momentum), 16 P (Adam), 0 (plain SGD)
//	Feedback     8 sum_{k=1}^{L-1} n_k n_{k+1}  feedback alignment's F_k
//	             8 sum_{k=1}^{L-1} n_k n_L      direct feedback alignment's D_k; 0 for backprop
//
// Backprop needs the cached activations because dJ/dW_k = H_{k-1}^T Delta_k pairs each
// layer's input with an error that arrives only after the whole forward pass; feedback
// alignment needs them too and adds its matrices. The permutation of the training rows
// (8 bytes per row) belongs to the pass over the data, not to the network, and is not
// counted; neither is inference, which needs only the weights and one row's outputs.
type Memory struct {
	Activations int64
	Deltas      int64
	Gradients   int64
	Optimizer   int64
	Feedback    int64
}

// Total is the sum of the parts.
func (m Memory) Total() int64 {
	return m.Activations + m.Deltas + m.Gradients + m.Optimizer + m.Feedback
}

// Memory returns the bytes this network holds for learning, by part.
func (net *MLP) Memory() Memory {
	var m Memory
	for _, x := range net.h {
		m.Activations += denseBytes(x)
	}
	m.Activations += 8 * int64(cap(net.lab))
	for _, x := range net.d {
		m.Deltas += denseBytes(x)
	}
	for k := range net.gw {
		m.Gradients += denseBytes(net.gw[k]) + 8*int64(cap(net.gb[k]))
	}
	for _, s := range net.st {
		for _, t := range s {
			m.Optimizer += 8 * int64(cap(t))
		}
	}
	for _, f := range net.fb {
		if f != nil {
			m.Feedback += denseBytes(f)
		}
	}
	return m
}

// LearningMemoryBytes is Memory().Total(): the bytes needed for learning beyond the
// weights, the figure the comparison reports as learning_memory_bytes.
func (net *MLP) LearningMemoryBytes() int64 { return net.Memory().Total() }

// WeightBytes is the bytes of the weights and biases, 8 P.
func (net *MLP) WeightBytes() int64 {
	var n int64
	for k := range net.w {
		n += denseBytes(net.w[k]) + 8*int64(cap(net.b[k]))
	}
	return n
}

func denseBytes(x *mat.Dense) int64 { return 8 * int64(cap(x.RawMatrix().Data)) }
