package synapse

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"snn/sim"
)

// RuleKind names a connectivity rule.
type RuleKind uint8

const (
	AllToAll         RuleKind = iota // every pre to every post
	OneToOne                         // pre i to post i (equal sizes)
	FixedProbability                 // each pair independently with probability P
	FixedInDegree                    // each post receives K synapses from random pres
	List                             // the listed (pre, post) pairs
)

// Rule is a connectivity rule with its autapse and multapse policy.
//
// Autapses (a neuron onto itself) can only arise when a projection connects a population
// to itself; Multapses (several synapses for one pair) only under FixedInDegree and List.
// Both are allowed unless disabled, as in NEST: with autapses off, all_to_all and
// fixed_probability skip the diagonal, fixed_in_degree redraws it, and a listed autapse
// is an error; with multapses off, fixed_in_degree draws without replacement and a
// repeated listed pair is an error.
type Rule struct {
	Kind       RuleKind
	P          float64    // FixedProbability
	K          int        // FixedInDegree
	Pairs      [][2]int32 // List
	NoAutapse  bool
	NoMultapse bool
}

// Config describes a projection to build.
type Config struct {
	Rule     Rule
	Weight   sim.Dist // base unit of the target's receptor (mV)
	Delay    sim.Dist // ms
	Receptor int
	// Recurrent marks a projection from a population onto itself, where the autapse
	// policy applies.
	Recurrent bool
}

// Streams are the random streams of one projection, separate so that changing the weight
// distribution does not change the connectivity drawn.
type Streams struct {
	Connect, Weight, Delay *rand.Rand
}

// MaxDelay is the longest delay a projection with per-synapse delays can hold (stored as
// uint32 nanoseconds).
const MaxDelay = sim.Time(math.MaxUint32)

// Expected returns the expected number of synapses the rule makes between npre and npost
// neurons, for estimating memory before building.
func Expected(r Rule, npre, npost int, recurrent bool) float64 {
	cand := float64(npre) * float64(npost)
	if recurrent && r.NoAutapse {
		cand -= float64(npre)
	}
	switch r.Kind {
	case AllToAll:
		return cand
	case OneToOne:
		return float64(npre)
	case FixedProbability:
		return r.P * cand
	case FixedInDegree:
		return float64(r.K) * float64(npost)
	}
	return float64(len(r.Pairs))
}

// Build draws the synapses of a projection from npre neurons to target.
func Build(npre int, target Target, c Config, rs Streams) (*Projection, error) {
	npost := target.Size()
	auto := !(c.Recurrent && c.Rule.NoAutapse) // autapses allowed (or impossible)
	p := &Projection{target: target, receptor: c.Receptor, row: make([]int64, npre+1)}
	p.one, _ = target.(Target1)
	var err error
	switch c.Rule.Kind {
	case AllToAll:
		p.post = make([]uint32, 0, int(Expected(c.Rule, npre, npost, c.Recurrent)))
		for i := range npre {
			for j := range npost {
				if auto || i != j {
					p.post = append(p.post, uint32(j))
				}
			}
			p.row[i+1] = int64(len(p.post))
		}
	case OneToOne:
		if npre != npost {
			return nil, fmt.Errorf("one_to_one needs equal sizes, got %d presynaptic and %d postsynaptic neurons", npre, npost)
		}
		if !auto {
			return nil, fmt.Errorf("one_to_one within one population makes only autapses, which are disabled")
		}
		p.post = make([]uint32, npre)
		for i := range npre {
			p.post[i] = uint32(i)
			p.row[i+1] = int64(i + 1)
		}
	case FixedProbability:
		err = p.fixedProbability(npre, npost, c.Rule.P, auto, rs.Connect)
	case FixedInDegree:
		err = p.fixedInDegree(npre, npost, c.Rule, auto, rs.Connect)
	case List:
		err = p.list(npre, npost, c.Rule, auto)
	default:
		err = fmt.Errorf("unknown connectivity rule %d", c.Rule.Kind)
	}
	if err != nil {
		return nil, err
	}
	if err := p.draw(c, rs); err != nil {
		return nil, err
	}
	p.full = true
	for i := range npre {
		p.full = p.full && p.row[i+1] > p.row[i]
	}
	return p, nil
}

// fixedProbability draws each candidate pair with probability q by geometric skips: the
// gap to the next chosen candidate of a row is Geometric(q), so the cost is one random
// number per synapse, not per candidate pair.
func (p *Projection) fixedProbability(npre, npost int, q float64, auto bool, r *rand.Rand) error {
	if !(q >= 0 && q <= 1) {
		return fmt.Errorf("probability %v outside [0, 1]", q)
	}
	p.post = make([]uint32, 0, int(q*float64(npre)*float64(npost)*1.01)+16)
	lq := math.Log1p(-q)
	for i := range npre {
		m := npost // candidates of row i
		if !auto {
			m--
		}
		if q > 0 {
			for j := -1; ; {
				skip := 0.0
				if q < 1 {
					skip = math.Floor(math.Log(1-r.Float64()) / lq)
				}
				if skip >= float64(m-1-j) {
					break
				}
				j += 1 + int(skip)
				post := j
				if !auto && post >= i {
					post++ // candidates skip the diagonal
				}
				p.post = append(p.post, uint32(post))
			}
		}
		p.row[i+1] = int64(len(p.post))
	}
	return nil
}

// fixedInDegree gives every post K presynaptic partners drawn uniformly.
func (p *Projection) fixedInDegree(npre, npost int, rule Rule, auto bool, r *rand.Rand) error {
	k := rule.K
	avail := npre
	if !auto {
		avail--
	}
	if k < 0 {
		return fmt.Errorf("in-degree %d is negative", k)
	}
	if rule.NoMultapse && k > avail {
		return fmt.Errorf("in-degree %d exceeds the %d distinct presynaptic neurons available without multapses", k, avail)
	}
	if k > 0 && avail <= 0 {
		return fmt.Errorf("in-degree %d but no presynaptic neuron is available", k)
	}
	pairs := make([][2]int32, 0, k*npost)
	var mark []bool
	if rule.NoMultapse {
		mark = make([]bool, npre)
	}
	for j := range npost {
		start := len(pairs)
		for len(pairs)-start < k {
			i := r.IntN(npre)
			if (!auto && i == j) || (mark != nil && mark[i]) {
				continue
			}
			if mark != nil {
				mark[i] = true
			}
			pairs = append(pairs, [2]int32{int32(i), int32(j)})
		}
		if mark != nil {
			for _, pr := range pairs[start:] {
				mark[pr[0]] = false
			}
		}
	}
	p.fromPairs(npre, pairs)
	return nil
}

func (p *Projection) list(npre, npost int, rule Rule, auto bool) error {
	pairs := slices.Clone(rule.Pairs)
	for k, pr := range pairs {
		if pr[0] < 0 || int(pr[0]) >= npre || pr[1] < 0 || int(pr[1]) >= npost {
			return fmt.Errorf("pair %d (%d, %d) outside the %d x %d neurons", k, pr[0], pr[1], npre, npost)
		}
		if !auto && pr[0] == pr[1] {
			return fmt.Errorf("pair %d (%d, %d) is an autapse, which is disabled", k, pr[0], pr[1])
		}
	}
	slices.SortStableFunc(pairs, func(a, b [2]int32) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	if rule.NoMultapse {
		for k := 1; k < len(pairs); k++ {
			if pairs[k] == pairs[k-1] {
				return fmt.Errorf("pair (%d, %d) is listed twice, and multapses are disabled", pairs[k][0], pairs[k][1])
			}
		}
	}
	p.fromPairs(npre, pairs)
	return nil
}

// fromPairs fills the rows by a stable counting sort on the presynaptic neuron.
func (p *Projection) fromPairs(npre int, pairs [][2]int32) {
	for _, pr := range pairs {
		p.row[pr[0]+1]++
	}
	for i := range npre {
		p.row[i+1] += p.row[i]
	}
	p.post = make([]uint32, len(pairs))
	next := slices.Clone(p.row[:npre])
	for _, pr := range pairs {
		p.post[next[pr[0]]] = uint32(pr[1])
		next[pr[0]]++
	}
}

// draw fills weights and delays, in row order, then sorts each row by (delay, target).
func (p *Projection) draw(c Config, rs Streams) error {
	n := len(p.post)
	if c.Weight.IsConst() {
		p.w = c.Weight.A
	} else {
		p.weight = make([]float64, n)
		for k := range p.weight {
			p.weight[k] = c.Weight.Draw(rs.Weight)
		}
	}
	if c.Delay.IsConst() {
		if c.Delay.A < 0 {
			return fmt.Errorf("delay %v ms is negative", c.Delay.A)
		}
		p.d = sim.FromMs(c.Delay.A)
	} else {
		p.delay = make([]uint32, n)
		for k := range p.delay {
			d := sim.FromMs(c.Delay.Draw(rs.Delay))
			if d < 0 || d > MaxDelay {
				return fmt.Errorf("drawn delay %v outside [0, %v]", d, MaxDelay)
			}
			p.delay[k] = uint32(d)
		}
		p.sortRows()
	}
	return nil
}

// sortRows orders every row by (delay, target), carrying weights along.
func (p *Projection) sortRows() {
	idx := []int{}
	post, delay := []uint32{}, []uint32{}
	weight := []float64{}
	for i := 0; i+1 < len(p.row); i++ {
		s, e := p.row[i], p.row[i+1]
		m := int(e - s)
		idx = idx[:0]
		for k := range m {
			idx = append(idx, k)
		}
		ps, ds := p.post[s:e], p.delay[s:e]
		slices.SortStableFunc(idx, func(a, b int) int {
			if c := cmp.Compare(ds[a], ds[b]); c != 0 {
				return c
			}
			return cmp.Compare(ps[a], ps[b])
		})
		post, delay = append(post[:0], ps...), append(delay[:0], ds...)
		for k, j := range idx {
			ps[k], ds[k] = post[j], delay[j]
		}
		if p.weight != nil {
			ws := p.weight[s:e]
			weight = append(weight[:0], ws...)
			for k, j := range idx {
				ws[k] = weight[j]
			}
		}
	}
}
