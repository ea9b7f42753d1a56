package readout

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestSmallMNIST trains on the first 1000 training images and tests on the first 1000
// test images, 8 epochs, Adam 1e-3, minibatch 10. Two hidden layers, so that FA and DFA
// are different algorithms. Chance is 10 %; the bound, 75 %, lies well above it and below
// what each method reached when this test was written (seed 1: linear softmax 83.7 %,
// backprop 86.0 %, FA 84.2 %, DFA 83.8 %; 2 s in all on 2 cores).
func TestSmallMNIST(t *testing.T) {
	train, test := loadSmall(t, 1000, 1000)
	for _, tc := range []struct {
		sizes  []int
		method Method
	}{
		{[]int{784, 10}, Backprop},
		{[]int{784, 64, 64, 10}, Backprop},
		{[]int{784, 64, 64, 10}, FeedbackAlignment},
		{[]int{784, 64, 64, 10}, DirectFeedbackAlignment},
	} {
		start := time.Now()
		net := mustNew(t, Config{Sizes: tc.sizes, Method: tc.method, BatchSize: 10, Seed: 1})
		for range 8 {
			if _, err := net.TrainEpoch(train); err != nil {
				t.Fatal(err)
			}
		}
		acc, loss, err := net.Evaluate(test)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v %v: test accuracy %.1f %%, loss %.3f, %v", tc.sizes, tc.method, 100*acc, loss, time.Since(start).Round(time.Millisecond))
		if acc < 0.75 {
			t.Errorf("%v %v: test accuracy %.1f %%, want at least 75 %%", tc.sizes, tc.method, 100*acc)
		}
	}
}

// TestFullMNIST is the measurement of the readout on pixels, not run by default:
//
//	SNN_LONG=1 go test ./readout -run TestFullMNIST -v -timeout 3h
//
// It trains on all 60 000 training images and tests on the 10 000 test images, ReLU,
// Adam with learning rate 1e-3 * SNN_DECAY^(epoch-1) (SNN_DECAY default 0.9; 1 keeps it
// constant), minibatch 100, seed 1, SNN_EPOCHS epochs (default 20): 784-256-10 by
// backprop and by feedback alignment (with one hidden layer DFA is FA, see the package
// doc), and 784-256-256-10 by all three. It prints each epoch's training loss, test
// accuracy and training time, and checks the targets on 784-256-10: backprop at
// least 97.5 %, feedback alignment within 1 point of it.
func TestFullMNIST(t *testing.T) {
	if os.Getenv("SNN_LONG") == "" {
		t.Skip("set SNN_LONG=1 to train on all of MNIST (about half an hour)")
	}
	epochs := 20
	if s := os.Getenv("SNN_EPOCHS"); s != "" {
		var err error
		if epochs, err = strconv.Atoi(s); err != nil || epochs < 1 {
			t.Fatalf("SNN_EPOCHS = %q: want a positive integer", s)
		}
	}
	decay := 0.9
	if s := os.Getenv("SNN_DECAY"); s != "" {
		var err error
		if decay, err = strconv.ParseFloat(s, 64); err != nil || !(decay > 0 && decay <= 1) {
			t.Fatalf("SNN_DECAY = %q: want a number in (0, 1]", s)
		}
	}
	train, test, err := LoadMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	final := map[string]float64{}
	for _, tc := range []struct {
		sizes  []int
		method Method
	}{
		{[]int{784, 256, 10}, Backprop},
		{[]int{784, 256, 10}, FeedbackAlignment},
		{[]int{784, 256, 256, 10}, Backprop},
		{[]int{784, 256, 256, 10}, FeedbackAlignment},
		{[]int{784, 256, 256, 10}, DirectFeedbackAlignment},
	} {
		name := fmt.Sprintf("%v %v", tc.sizes, tc.method)
		net := mustNew(t, Config{Sizes: tc.sizes, Method: tc.method, Seed: 1})
		var trainTime time.Duration
		var acc float64
		for e := 1; e <= epochs; e++ {
			if err := net.SetLearningRate(1e-3 * math.Pow(decay, float64(e-1))); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			loss, err := net.TrainEpoch(train)
			if err != nil {
				t.Fatal(err)
			}
			dt := time.Since(start)
			trainTime += dt
			if acc, _, err = net.Evaluate(test); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s epoch %2d: train loss %.4f, test accuracy %.2f %%, %.1f s", name, e, loss, 100*acc, dt.Seconds())
		}
		m := net.Memory()
		t.Logf("%s: final test accuracy %.2f %% after %d epochs, %.1f s per epoch; learning memory %d bytes (activations %d, deltas %d, gradients %d, optimizer %d, feedback %d), weights %d bytes",
			name, 100*acc, epochs, trainTime.Seconds()/float64(epochs), m.Total(), m.Activations, m.Deltas, m.Gradients, m.Optimizer, m.Feedback, net.WeightBytes())
		final[name] = acc
	}
	bp, fa := final["[784 256 10] backprop"], final["[784 256 10] feedback-alignment"]
	if bp < 0.975 {
		t.Errorf("backprop 784-256-10: %.2f %%, target at least 97.5 %%", 100*bp)
	}
	if fa < bp-0.01 {
		t.Errorf("feedback alignment 784-256-10: %.2f %%, target within 1 point of backprop's %.2f %%", 100*fa, 100*bp)
	}
}
