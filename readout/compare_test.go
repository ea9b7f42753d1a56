package readout

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestConfusion counts by hand: rows are true classes, a prediction outside the classes
// is unanswered.
func TestConfusion(t *testing.T) {
	m, correct, un := confusion([]int{0, 1, 1, 2, -1, 0}, []int{0, 1, 2, 2, 1, 1}, 3)
	want := [][]int{{1, 0, 0}, {1, 1, 0}, {0, 1, 1}}
	for y := range want {
		if !slices.Equal(m[y], want[y]) {
			t.Errorf("row %d: %v, want %v", y, m[y], want[y])
		}
	}
	if correct != 3 || un != 1 {
		t.Errorf("correct %d, unanswered %d, want 3 and 1", correct, un)
	}
}

// TestCompareConfig: defaults fill the zero fields, the labelling pass defaults to the
// training set up to 10 000 images, and a bad field is an error naming it.
func TestCompareConfig(t *testing.T) {
	c := CompareConfig{Seed: 7}.fill(60000)
	if c.Label != 10000 || c.Hidden != 256 || c.Epochs != 20 || c.Decay != 0.9 || c.Seed != 7 {
		t.Errorf("filled %+v", c)
	}
	if c := (CompareConfig{}).fill(300); c.Label != 300 {
		t.Errorf("label %d for 300 training images, want 300", c.Label)
	}
	if b := (CompareConfig{}).block(60000); b != 1000 {
		t.Errorf("block %d for 60000 images, want 1000", b)
	}
	if b := (CompareConfig{}).block(300); b != 100 {
		t.Errorf("block %d for 300 images, want 100", b)
	}
	ds := &Dataset{N: 4, Dim: 2, Classes: 2, X: make([]float64, 8), Labels: []int{0, 1, 0, 1}}
	for _, bad := range []struct {
		c    CompareConfig
		want string
	}{
		{CompareConfig{Label: 5}, "labelling on 5 images of a training set of 4"},
		{CompareConfig{Neurons: -1}, "neurons -1"},
		{CompareConfig{Decay: 2}, "decay 2"},
	} {
		c := bad.c.fill(ds.N)
		if err := c.check(ds, ds); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: %v, want an error containing %q", bad.c, err, bad.want)
		}
	}
}

// synthDigits returns n seeded 28x28 images in 10 classes: class y inks rows 2y+4 to
// 2y+9 (columns 4 to 23), each pixel of them with probability 0.7, enough input for the
// Diehl & Cook network to answer without many repeats.
func synthDigits(n int, seed uint64) *Dataset {
	rng := rand.New(rand.NewPCG(seed, 0))
	ds := &Dataset{N: n, Dim: MNISTPixels, Classes: 10, X: make([]float64, n*MNISTPixels), Labels: make([]int, n)}
	for i := range n {
		y := rng.IntN(10)
		ds.Labels[i] = y
		for r := 2*y + 4; r < 2*y+10; r++ {
			for col := 4; col < 24; col++ {
				if rng.Float64() < 0.7 {
					ds.X[i*MNISTPixels+r*MNISTCols+col] = 1
				}
			}
		}
	}
	return ds
}

// TestCompareResume: a comparison whose training pass is stopped (inside a block, on a
// block's end, and after its last image), saved through JSON and resumed ends exactly as
// the uninterrupted one: the same accuracies, confusion matrices and curves, and the
// same network state bit for bit. States that do not fit are refused with errors naming
// what differs.
func TestCompareResume(t *testing.T) {
	train, test := synthDigits(90, 1), synthDigits(20, 2)
	cfg := CompareConfig{Hidden: 8, Epochs: 1, BatchSize: 10, Neurons: 6, Block: 20, ReadoutEpochs: 2, RSTDPPasses: 1, Seed: 5}
	whole := &Comparison{Config: cfg}
	want, err := whole.Run(train, test)
	if err != nil {
		t.Fatal(err)
	}
	wantState, _ := whole.DC.MarshalBinary()
	whole.DC.Close()
	if len(want.Curves[3].Xs) < 2 {
		t.Fatalf("running curve %v: the test exercises too few blocks", want.Curves[3].Xs)
	}
	errStop := errors.New("stop")
	stopAt := func(at int) *TrainState {
		t.Helper()
		var saved *TrainState
		c := &Comparison{Config: cfg}
		c.AfterImage = func(p Pass, done int) error {
			if p != TrainingPass || done < at {
				return nil
			}
			var err error
			if saved, err = c.Snapshot(); err != nil {
				return err
			}
			return errStop
		}
		_, err := c.Run(train, test)
		c.DC.Close()
		if !errors.Is(err, errStop) || saved == nil {
			t.Fatalf("stop at %d: %v", at, err)
		}
		if _, err := c.Snapshot(); err == nil {
			t.Error("Snapshot after Run: no error")
		}
		// Through JSON, as a checkpoint file holds it.
		b, err := json.Marshal(saved)
		if err != nil {
			t.Fatal(err)
		}
		back := &TrainState{}
		if err := json.Unmarshal(b, back); err != nil {
			t.Fatal(err)
		}
		back.DC = saved.DC
		return back
	}
	for _, at := range []int{33, 60, 90} {
		s := stopAt(at)
		if s.Done != at || len(s.Cur) != at%20 {
			t.Fatalf("stopped at %d: done %d, %d rows in the block under way", at, s.Done, len(s.Cur))
		}
		c := &Comparison{Config: cfg, Resume: s}
		got, err := c.Run(train, test)
		if err != nil {
			t.Fatalf("resumed at %d: %v", at, err)
		}
		gotState, _ := c.DC.MarshalBinary()
		c.DC.Close()
		if !bytes.Equal(gotState, wantState) {
			t.Errorf("resumed at %d: the network's final state differs", at)
		}
		for k, s := range want.Systems {
			g := got.Systems[k]
			if g.Name != s.Name || g.Accuracy != s.Accuracy || !reflect.DeepEqual(g.Confusion, s.Confusion) || g.Unanswered != s.Unanswered {
				t.Errorf("resumed at %d: %s: accuracy %v, want %v (or the confusion differs)", at, g.Name, g.Accuracy, s.Accuracy)
			}
		}
		if !reflect.DeepEqual(got.Curves, want.Curves) {
			t.Errorf("resumed at %d: curves\n%v\nwant\n%v", at, got.Curves, want.Curves)
		}
		if !slices.Equal(got.DiehlCook.ResumedAt, []int{at}) || got.DiehlCook.Presentations != want.DiehlCook.Presentations {
			t.Errorf("resumed at %d: resumed_at %v, %d presentations (want %d)", at, got.DiehlCook.ResumedAt, got.DiehlCook.Presentations, want.DiehlCook.Presentations)
		}
	}

	// States that do not fit.
	s := stopAt(47)
	for _, c := range []struct {
		name   string
		change func(c *CompareConfig, s *TrainState)
		want   string
	}{
		{"other neurons", func(c *CompareConfig, _ *TrainState) { c.Neurons = 7 }, "Neurons:6"},
		{"other seed", func(c *CompareConfig, _ *TrainState) { c.Seed = 6 }, "Seed:5"},
		{"other training set", func(_ *CompareConfig, s *TrainState) { s.TrainImages = 91 }, "over 91 images, this training set has 90"},
		{"done beyond the set", func(_ *CompareConfig, s *TrainState) { s.Done = 91 }, "91 images done of 90"},
		{"block rows", func(_ *CompareConfig, s *TrainState) { s.Cur = s.Cur[1:] }, "saved blocks hold 20 and 6 rows (want 20 and 7)"},
		{"curve", func(_ *CompareConfig, s *TrainState) { s.Running.Xs = nil; s.Running.Accuracy = nil }, "running accuracy has 0 points"},
		{"row width", func(_ *CompareConfig, s *TrainState) { s.Prev[3] = s.Prev[3][1:] }, "row 3 has 5 counts, want 6"},
		{"truncated network", func(_ *CompareConfig, s *TrainState) { s.DC = s.DC[:len(s.DC)-8] }, "cannot resume: readout: saved Diehl & Cook network has"},
		{"not a network", func(_ *CompareConfig, s *TrainState) { s.DC = []byte("junk") }, "not a saved Diehl & Cook network"},
	} {
		cc, ss := cfg, *s
		ss.Prev, ss.Cur = slices.Clone(s.Prev), slices.Clone(s.Cur)
		c.change(&cc, &ss)
		cmp := &Comparison{Config: cc, Resume: &ss, Progress: func(stage string, _, _ int) {
			if strings.HasPrefix(stage, "MLP") {
				t.Fatalf("%s: the MLPs ran before the state was refused", c.name)
			}
		}}
		_, err := cmp.Run(train, test)
		if cmp.DC != nil {
			cmp.DC.Close()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "cannot resume") {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
