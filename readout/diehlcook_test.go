package readout

import (
	"slices"
	"strings"
	"testing"

	"snn/sim"
)

// digitLike returns a synthetic 28x28 image: a bar whose position depends on k.
func digitLike(k int) []float64 {
	img := make([]float64, 784)
	for r := 4; r < 24; r++ {
		for c := 0; c < 3; c++ {
			img[r*28+4+(k%7)*3+c] = 1
		}
	}
	return img
}

// TestDiehlCookWorkers checks that the results do not depend on how many workers share
// the neurons: spikes, weights and thresholds identical to the bit.
func TestDiehlCookWorkers(t *testing.T) {
	run := func(workers int) (*DiehlCook, [][]DCSpike) {
		p := DefaultDC(100)
		p.Workers = workers
		p.Present, p.Rest = 100*sim.Millisecond, 50*sim.Millisecond
		d, err := NewDiehlCook(p)
		if err != nil {
			t.Fatal(err)
		}
		var all [][]DCSpike
		for k := range 6 {
			r, err := d.Present(digitLike(k), k < 4)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, slices.Clone(r.Spikes))
		}
		d.Close()
		return d, all
	}
	d1, s1 := run(1)
	d2, s2 := run(2)
	n := 0
	for k := range s1 {
		if !slices.Equal(s1[k], s2[k]) {
			t.Fatalf("presentation %d: spikes differ with 2 workers:\n%v\n%v", k, s1[k], s2[k])
		}
		n += len(s1[k])
	}
	if !slices.Equal(d1.w, d2.w) {
		t.Error("weights differ with 2 workers")
	}
	for j := range d1.e {
		if d1.e[j] != d2.e[j] {
			t.Fatalf("neuron %d: %+v, with 2 workers %+v", j, d1.e[j], d2.e[j])
		}
	}
	if n < 30 {
		t.Errorf("%d spikes: too few to compare", n)
	}
}

// TestDiehlCookErrors: bad parameters and images are refused with the value named.
func TestDiehlCookErrors(t *testing.T) {
	for _, c := range []struct {
		edit func(*DCParams)
		want string
	}{
		{func(p *DCParams) { p.Neurons = 0 }, "0 neurons"},
		{func(p *DCParams) { p.Inputs = -1 }, "-1 inputs"},
		{func(p *DCParams) { p.Rate = 0 }, "rate"},
		{func(p *DCParams) { p.Workers = -2 }, "-2 workers"},
		{func(p *DCParams) { p.Exc.TauE = 0 }, "excitatory"},
	} {
		p := DefaultDC(10)
		c.edit(&p)
		if _, err := NewDiehlCook(p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one naming %q", err, c.want)
		}
	}
	d, err := NewDiehlCook(DefaultDC(10))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Present(make([]float64, 10), true); err == nil || !strings.Contains(err.Error(), "10 pixels") {
		t.Errorf("short image: %v", err)
	}
	img := make([]float64, 784)
	img[5] = 1.5
	if _, err := d.Present(img, true); err == nil || !strings.Contains(err.Error(), "pixel 5") {
		t.Errorf("pixel out of range: %v", err)
	}
}

// TestDiehlCookState saves a network after three presentations, restores it into a fresh
// one and checks that both continue identically; damaged states are refused and leave
// the network as it was.
func TestDiehlCookState(t *testing.T) {
	p := DefaultDC(20)
	p.Present, p.Rest = 100*sim.Millisecond, 50*sim.Millisecond
	t.Run("exact", func(t *testing.T) { testDCState(t, p) })
	p.Dt, p.MaxDelay = 500*sim.Microsecond, 10*sim.Millisecond
	t.Run("clock", func(t *testing.T) { testDCState(t, p) })
}

func testDCState(t *testing.T, p DCParams) {
	a, err := NewDiehlCook(p)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for k := range 3 {
		if _, err := a.Present(digitLike(k), true); err != nil {
			t.Fatal(err)
		}
	}
	st, err := a.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	p2 := p
	p2.Seed = 99 // other weights and inputs, all replaced by the state
	b, err := NewDiehlCook(p2)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	w0 := slices.Clone(b.w)
	for _, bad := range [][]byte{nil, []byte("junk"), st[:len(st)-3], append(slices.Clone(st), 0)} {
		if err := b.UnmarshalBinary(bad); err == nil {
			t.Errorf("a damaged state of %d bytes was accepted", len(bad))
		}
	}
	if !slices.Equal(b.w, w0) {
		t.Fatal("a refused state changed the network")
	}
	po := p
	po.Neurons = 21
	other, _ := NewDiehlCook(po)
	defer other.Close()
	if err := other.UnmarshalBinary(st); err == nil || !strings.Contains(err.Error(), "20 neurons") {
		t.Errorf("state of 20 neurons into 21: %v", err)
	}
	if err := b.UnmarshalBinary(st); err != nil {
		t.Fatal(err)
	}
	spikes := 0
	for k := 3; k < 6; k++ {
		ra, _ := a.Present(digitLike(k), true)
		sa := slices.Clone(ra.Spikes)
		rb, _ := b.Present(digitLike(k), true)
		if !slices.Equal(sa, rb.Spikes) {
			t.Fatalf("presentation %d after restoring: spikes differ", k)
		}
		spikes += len(sa)
	}
	if !slices.Equal(a.w, b.w) || spikes == 0 {
		t.Errorf("weights differ after restoring, or no spikes (%d)", spikes)
	}
}
