package sim

import (
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"
)

// UnitExpDraws makes len(units) pairs of draws from r, as a source of n units draws, for
// each of its spikes, the unit that fires and the exponential gap to its next spike:
// units[k] = r.Uint64N(n), then exps[k] = r.ExpFloat64(). They are the numbers that
// drawing pair by pair as the spikes come would give, in the same order, drawn in one
// loop whose iterations overlap instead of waiting on the engine's. When r draws from
// pcg (r = rand.New(pcg)), the loop steps the PCG itself, its state held in registers
// for the whole batch, with no call through rand.Source per number; TestDraws checks
// that the numbers and the generator's state after them are rand.Rand's. n > 0; exps is
// at least as long as units.
func UnitExpDraws(r *rand.Rand, pcg *rand.PCG, n uint64, units []uint64, exps []float64) {
	exps = exps[:len(units)]
	if pcg == nil {
		for k := range units {
			units[k] = r.Uint64N(n)
			exps[k] = r.ExpFloat64()
		}
		return
	}
	var b [20]byte
	s, _ := pcg.AppendBinary(b[:0]) // "pcg:", hi, lo (big-endian)
	hi, lo := binary.BigEndian.Uint64(s[4:]), binary.BigEndian.Uint64(s[12:])
	for k := range units {
		// Uint64N: Lemire's multiply, rejecting the low products below 2^64 mod n.
		var x uint64
		hi, lo, x = pcgStep(hi, lo)
		if n&(n-1) == 0 {
			units[k] = x & (n - 1)
		} else {
			uh, ul := bits.Mul64(x, n)
			if ul < n {
				thresh := -n % n
				for ul < thresh {
					hi, lo, x = pcgStep(hi, lo)
					uh, ul = bits.Mul64(x, n)
				}
			}
			units[k] = uh
		}
		// ExpFloat64: the ziggurat.
		for {
			hi, lo, x = pcgStep(hi, lo)
			j := uint32(x)
			i := uint8(x >> 32)
			e := float64(j) * float64(zig.we[i])
			if j < zig.ke[i] {
				exps[k] = e
				break
			}
			hi, lo, x = pcgStep(hi, lo)
			f := float64(x<<11>>11) / (1 << 53) // Float64
			if i == 0 {
				exps[k] = zigR - math.Log(f)
				break
			}
			if zig.fe[i]+float32(f)*(zig.fe[i-1]-zig.fe[i]) < float32(math.Exp(-e)) {
				exps[k] = e
				break
			}
		}
	}
	binary.BigEndian.PutUint64(b[4:], hi)
	binary.BigEndian.PutUint64(b[12:], lo)
	if err := pcg.UnmarshalBinary(b[:]); err != nil {
		panic("sim: " + err.Error()) // cannot happen: b is an encoding of a PCG
	}
}

// pcgStep advances a PCG's 128-bit state (hi, lo) as (*rand.PCG).Uint64 does and returns
// the new state and its output: an LCG step (multiplier and increment of PCG's 128-bit
// generators) and the DXSM output function of O'Neill's PCG family.
func pcgStep(hi, lo uint64) (uint64, uint64, uint64) {
	const (
		mulHi    = 2549297995355413924
		mulLo    = 4865540595714422341
		incHi    = 6364136223846793005
		incLo    = 1442695040888963407
		cheapMul = 0xda942042e4dd58b5
	)
	h, l := bits.Mul64(lo, mulLo)
	h += hi*mulLo + lo*mulHi
	l, c := bits.Add64(l, incLo, 0)
	h, _ = bits.Add64(h, incHi, c)
	x := h
	x ^= x >> 32
	x *= cheapMul
	x ^= x >> 48
	x *= l | 1
	return h, l, x
}

// The ziggurat for the exponential distribution of Marsaglia & Tsang (2000, "The
// ziggurat method for generating random variables", J Stat Softw 5(8)), with 256 layers
// over 32-bit uniforms: zigR is the base layer's right edge and zigV each layer's area.
// The tables are built from these two numbers by the paper's recurrence; built in
// float64 and rounded as here they are math/rand/v2's (TestDraws compares the draws).
const (
	zigR = 7.69711747013104972
	zigV = 3.949659822581572e-3
)

var zig = zigTables()

type zigT struct {
	ke     [256]uint32
	we, fe [256]float32
}

func zigTables() *zigT {
	t := new(zigT)
	const m = 1 << 32
	d, prev := zigR, zigR
	q := zigV / math.Exp(-d)
	t.ke[0] = uint32(d / q * m)
	t.we[0] = float32(q / m)
	t.we[255] = float32(d / m)
	t.fe[0] = 1
	t.fe[255] = float32(math.Exp(-d))
	for i := 254; i >= 1; i-- {
		d = -math.Log(zigV/d + math.Exp(-d))
		t.ke[i+1] = uint32(d / prev * m)
		prev = d
		t.fe[i] = float32(math.Exp(-d))
		t.we[i] = float32(d / m)
	}
	return t
}
