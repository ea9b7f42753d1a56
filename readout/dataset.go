package readout

import "fmt"

// Dataset is a labelled set of feature vectors held in memory: MNIST images, or the spike
// counts of a network's neurons. Row i is X[i*Dim : (i+1)*Dim]; its class is Labels[i].
//
//	X:      | row 0 (Dim float64) | row 1 | ... | row N-1 |   row-major, N*Dim values
//	Labels: | y0 | y1 | ... | y(N-1) |                       each in [0, Classes)
//
// For MNIST, Dim is 784 (28x28 pixels, row by row), each value is the pixel's intensity
// over 255 (0 background, 1 full ink), and Classes is 10. A Dataset costs 8*N*Dim bytes:
// 376 MB for the 60 000 training images.
type Dataset struct {
	N       int       // number of rows
	Dim     int       // values per row
	Classes int       // labels lie in [0, Classes)
	X       []float64 // N*Dim values, row-major
	Labels  []int     // N labels
}

// Row returns row i of X (a slice of it, not a copy). It panics if i is out of range.
func (d *Dataset) Row(i int) []float64 {
	if i < 0 || i >= d.N {
		panic(fmt.Sprintf("readout: Dataset.Row(%d) out of range [0, %d)", i, d.N))
	}
	return d.X[i*d.Dim : (i+1)*d.Dim : (i+1)*d.Dim]
}

// Subset returns the first n rows as a Dataset sharing d's memory (no copy). n must lie
// in [1, d.N].
func (d *Dataset) Subset(n int) (*Dataset, error) {
	if n < 1 || n > d.N {
		return nil, fmt.Errorf("readout: subset of %d rows of a data set of %d: want 1 to %d", n, d.N, d.N)
	}
	return &Dataset{N: n, Dim: d.Dim, Classes: d.Classes, X: d.X[: n*d.Dim : n*d.Dim], Labels: d.Labels[:n:n]}, nil
}

// Validate checks that the slices have the sizes N and Dim announce and that every label
// lies in [0, Classes). The error names the first offending row.
func (d *Dataset) Validate() error {
	switch {
	case d == nil:
		return fmt.Errorf("readout: nil data set")
	case d.N < 1 || d.Dim < 1 || d.Classes < 1:
		return fmt.Errorf("readout: data set with N = %d, Dim = %d, Classes = %d: want all positive", d.N, d.Dim, d.Classes)
	case len(d.X) != d.N*d.Dim:
		return fmt.Errorf("readout: data set has %d values in X, want N*Dim = %d*%d = %d", len(d.X), d.N, d.Dim, d.N*d.Dim)
	case len(d.Labels) != d.N:
		return fmt.Errorf("readout: data set has %d labels, want N = %d", len(d.Labels), d.N)
	}
	for i, y := range d.Labels {
		if y < 0 || y >= d.Classes {
			return fmt.Errorf("readout: label of row %d is %d, want 0 to %d", i, y, d.Classes-1)
		}
	}
	return nil
}
