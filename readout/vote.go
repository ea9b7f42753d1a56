package readout

import "fmt"

// AssignLabels gives each neuron the class for which its mean response is highest, the
// label assignment of Diehl & Cook 2015: counts[i] are the neurons' spike counts for
// example i, labels[i] its class. A neuron that never responded, or responded equally to
// nothing, gets -1 (it takes no part in the vote). Ties go to the lower class.
func AssignLabels(counts [][]float64, labels []int, classes int) ([]int, error) {
	if len(counts) != len(labels) || len(counts) == 0 {
		return nil, fmt.Errorf("readout: label assignment from %d responses and %d labels: want as many, at least one", len(counts), len(labels))
	}
	n := len(counts[0])
	sum := make([]float64, n*classes)
	per := make([]float64, classes)
	for i, c := range counts {
		y := labels[i]
		if y < 0 || y >= classes || len(c) != n {
			return nil, fmt.Errorf("readout: label assignment: example %d has label %d and %d counts, want a label in [0, %d) and %d counts", i, y, len(c), classes, n)
		}
		per[y]++
		for j, v := range c {
			sum[j*classes+y] += v
		}
	}
	assign := make([]int, n)
	for j := range assign {
		assign[j] = -1
		best := 0.0
		for y := range classes {
			if per[y] == 0 {
				continue
			}
			if m := sum[j*classes+y] / per[y]; m > best {
				assign[j], best = y, m
			}
		}
	}
	return assign, nil
}

// Vote predicts the class of one response: the class whose assigned neurons have the
// highest mean count (Diehl & Cook 2015). Classes without neurons score 0; ties and an
// all-silent response go to the lowest class.
func Vote(counts []float64, assign []int, classes int) int {
	var sum, num [64]float64
	s, m := sum[:0], num[:0]
	if classes <= len(sum) {
		s, m = sum[:classes], num[:classes]
	} else {
		s, m = make([]float64, classes), make([]float64, classes)
	}
	for j, a := range assign {
		if a >= 0 && a < classes {
			s[a] += counts[j]
			m[a]++
		}
	}
	best, bv := 0, -1.0
	for y := range classes {
		v := 0.0
		if m[y] > 0 {
			v = s[y] / m[y]
		}
		if v > bv {
			best, bv = y, v
		}
	}
	return best
}
