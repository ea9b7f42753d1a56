package readout_test

import (
	"fmt"
	"math/rand/v2"

	"snn/readout"
)

// The memory each method needs for learning a 784-256-10 readout with Adam and minibatches
// of 100, beside the 1.63 MB of its weights.
func ExampleMLP_Memory() {
	for _, m := range []readout.Method{readout.Backprop, readout.FeedbackAlignment, readout.DirectFeedbackAlignment} {
		net, err := readout.New(readout.Config{Sizes: []int{784, 256, 10}, Method: m, Optimizer: readout.Adam(1e-3), BatchSize: 100})
		if err != nil {
			fmt.Println(err)
			return
		}
		mem := net.Memory()
		fmt.Printf("%-25s activations %d, deltas %d, gradients %d, optimizer %d, feedback %d: %d bytes (weights %d)\n",
			m, mem.Activations, mem.Deltas, mem.Gradients, mem.Optimizer, mem.Feedback, net.LearningMemoryBytes(), net.WeightBytes())
	}
	// Output:
	// backprop                  activations 840800, deltas 212800, gradients 1628240, optimizer 3256480, feedback 0: 5938320 bytes (weights 1628240)
	// feedback-alignment        activations 840800, deltas 212800, gradients 1628240, optimizer 3256480, feedback 20480: 5958800 bytes (weights 1628240)
	// direct-feedback-alignment activations 840800, deltas 212800, gradients 1628240, optimizer 3256480, feedback 20480: 5958800 bytes (weights 1628240)
}

// Training a readout: rows whose class is which of two features is larger.
func ExampleMLP_TrainEpoch() {
	r := rand.New(rand.NewPCG(1, 2))
	ds := &readout.Dataset{N: 400, Dim: 2, Classes: 2, X: make([]float64, 800), Labels: make([]int, 400)}
	for i := range ds.N {
		a, b := r.Float64(), r.Float64()
		ds.X[2*i], ds.X[2*i+1] = a, b
		if b > a {
			ds.Labels[i] = 1
		}
	}
	train, _ := ds.Subset(300)
	test := &readout.Dataset{N: 100, Dim: 2, Classes: 2, X: ds.X[600:], Labels: ds.Labels[300:]}

	net, err := readout.New(readout.Config{Sizes: []int{2, 8, 2}, Method: readout.FeedbackAlignment, Optimizer: readout.Adam(0.01), BatchSize: 10, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 30 {
		if _, err := net.TrainEpoch(train); err != nil {
			fmt.Println(err)
			return
		}
	}
	acc, _, _ := net.Evaluate(test)
	fmt.Printf("test accuracy at least 95 %%: %v\n", acc >= 0.95)
	// Output:
	// test accuracy at least 95 %: true
}
