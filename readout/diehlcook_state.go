package readout

import (
	"encoding/binary"
	"fmt"
	"math"

	"snn/sim"
)

// dcMagic opens a saved Diehl & Cook state.
const dcMagic = "snn/diehlcook/1\n"

// MarshalBinary saves the network's learnt and dynamic state: weights, thresholds,
// traces, every neuron's (V, ge, gi) and refractory period, the time, the input stream's
// generator and the counters, float64 bits included, so that a restored network
// continues bit for bit; in the clock-driven mode with input delays also the rings of
// recent spikes and the delays. The parameters are not saved: the network it is
// restored into must be built with the same ones (the sizes are checked).
func (d *DiehlCook) MarshalBinary() ([]byte, error) {
	rng, err := d.rng.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b := []byte(dcMagic)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(d.e)))
	b = binary.LittleEndian.AppendUint64(b, uint64(d.p.Inputs))
	for _, v := range []int64{int64(d.t0), int64(d.now), d.Presentations, d.InputSpikes, d.OutputSpikes} {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(len(rng)))
	b = append(b, rng...)
	f := func(v float64) { b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v)) }
	for _, v := range d.w {
		f(v)
	}
	for _, v := range d.x {
		f(v)
	}
	for _, cs := range [][]dcCell{d.e, d.i} {
		for _, c := range cs {
			f(c.v)
			f(c.ge)
			f(c.gi)
			f(c.theta)
			f(c.p1)
			f(c.p2)
			b = binary.LittleEndian.AppendUint64(b, uint64(c.t))
			b = binary.LittleEndian.AppendUint64(b, uint64(c.refEnd))
			w := uint64(0)
			if c.wake {
				w = 1
			}
			b = binary.LittleEndian.AppendUint64(b, w)
		}
	}
	if dl := d.dl; dl != nil {
		// The clock-driven kernel's rings of recent spikes (its arrival buffer is empty
		// between presentations: every input arrives within the rest).
		for _, r := range [][]dcMark{dl.em, dl.post} {
			for _, mk := range r {
				b = binary.LittleEndian.AppendUint64(b, uint64(mk.s))
				f(mk.v)
			}
		}
		for _, c := range [][]uint64{dl.emN, dl.postN} {
			for _, v := range c {
				b = binary.LittleEndian.AppendUint64(b, v)
			}
		}
		b = append(b, dl.d...)
	}
	return b, nil
}

// UnmarshalBinary restores a state saved by MarshalBinary into a network of the same
// size, or returns an error saying what does not fit (the network is then unchanged).
func (d *DiehlCook) UnmarshalBinary(b []byte) error {
	if len(b) < len(dcMagic) || string(b[:len(dcMagic)]) != dcMagic {
		return fmt.Errorf("readout: not a saved Diehl & Cook network")
	}
	b = b[len(dcMagic):]
	bad := false
	u := func() uint64 {
		if len(b) < 8 {
			bad = true
			return 0
		}
		v := binary.LittleEndian.Uint64(b)
		b = b[8:]
		return v
	}
	n, in := u(), u()
	if bad || n != uint64(len(d.e)) || in != uint64(d.p.Inputs) {
		return fmt.Errorf("readout: saved network has %d neurons and %d inputs, this one %d and %d", n, in, len(d.e), d.p.Inputs)
	}
	t0, now, pres, ins, outs := sim.Time(u()), sim.Time(u()), int64(u()), int64(u()), int64(u())
	nr := u()
	if bad || nr > uint64(len(b)) {
		return fmt.Errorf("readout: saved Diehl & Cook network is truncated")
	}
	rng := b[:nr]
	b = b[nr:]
	want := 8 * (len(d.w) + len(d.x) + 2*len(d.e)*9)
	if dl := d.dl; dl != nil {
		want += dl.bytes()
	}
	if len(b) != want {
		return fmt.Errorf("readout: saved Diehl & Cook network has %d bytes of state, want %d", len(b), want)
	}
	f := func() float64 { return math.Float64frombits(u()) }
	w := make([]float64, len(d.w))
	x := make([]float64, len(d.x))
	for k := range w {
		w[k] = f()
	}
	for k := range x {
		x[k] = f()
	}
	cells := make([]dcCell, 2*len(d.e))
	for k := range cells {
		c := &cells[k]
		c.v, c.ge, c.gi, c.theta, c.p1, c.p2 = f(), f(), f(), f(), f(), f()
		c.t, c.refEnd, c.wake = sim.Time(u()), sim.Time(u()), u() != 0
		c.key = dcNever
		if !finite(c.v, c.ge, c.gi, c.theta, c.p1, c.p2) || c.ge < 0 || c.gi < 0 {
			return fmt.Errorf("readout: saved Diehl & Cook network: neuron %d has no valid state", k%len(d.e))
		}
	}
	for k, v := range w {
		if !finite(v) || v < 0 {
			return fmt.Errorf("readout: saved Diehl & Cook network: weight %d is %v", k, v)
		}
	}
	var rings [2][]dcMark
	var counts [2][]uint64
	var delays []byte
	if dl := d.dl; dl != nil {
		rings = [2][]dcMark{make([]dcMark, len(dl.em)), make([]dcMark, len(dl.post))}
		counts = [2][]uint64{make([]uint64, len(dl.emN)), make([]uint64, len(dl.postN))}
		for _, r := range rings {
			for k := range r {
				r[k].s = int64(u())
				if r[k].v = f(); !finite(r[k].v) || r[k].v < 0 {
					return fmt.Errorf("readout: saved Diehl & Cook network: a trace in the rings of recent spikes is %v", r[k].v)
				}
			}
		}
		for _, c := range counts {
			for k := range c {
				c[k] = u()
			}
		}
		delays = b[:len(dl.d)]
		for k, v := range delays {
			if int(v) >= dl.m {
				return fmt.Errorf("readout: saved Diehl & Cook network: delay %d is %d steps, want below %d", k, v, dl.m)
			}
		}
	}
	if err := d.rng.UnmarshalBinary(rng); err != nil {
		return fmt.Errorf("readout: saved Diehl & Cook network: input generator: %w", err)
	}
	if dl := d.dl; dl != nil {
		copy(dl.em, rings[0])
		copy(dl.post, rings[1])
		copy(dl.emN, counts[0])
		copy(dl.postN, counts[1])
		copy(dl.d, delays)
		clear(dl.buf)
	}
	copy(d.w, w)
	copy(d.x, x)
	copy(d.e, cells[:len(d.e)])
	copy(d.i, cells[len(d.e):])
	d.t0, d.now = t0, now
	d.Presentations, d.InputSpikes, d.OutputSpikes = pres, ins, outs
	return nil
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
