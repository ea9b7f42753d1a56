package readout

import (
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
