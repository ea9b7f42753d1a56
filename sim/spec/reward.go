package spec

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"

	"snn/sim"
)

// rewardPlan is a checked [[rewards]] entry.
type rewardPlan struct {
	vol    string
	amount float64
	times  []sim.Time
	when   bool
	pre    neuronRef
	post   neuronRef
	within sim.Time
	delay  sim.Dist // ms
}

// neuronRef is one neuron, written "population[index]".
type neuronRef struct {
	pop string
	i   int32
}

var neuronRefRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.-]*)\[([0-9]+)\]$`)

// neuron reads "population[index]" naming a neuron of a population or an input.
func (c *checker) neuron(path, text string, sizeOf func(string) int) (neuronRef, bool) {
	m := neuronRefRE.FindStringSubmatch(text)
	if m == nil {
		c.add(path, text, `expected a neuron as "population[index]", such as "exc[1]"`)
		return neuronRef{}, false
	}
	i, err := strconv.Atoi(m[2])
	n := sizeOf(m[1])
	switch {
	case n < 0:
		c.add(path, text, "unknown population %q", m[1])
		return neuronRef{}, false
	case err != nil || i >= n:
		c.add(path, text, "index out of range: %q has %d neurons", m[1], n)
		return neuronRef{}, false
	}
	return neuronRef{m[1], int32(i)}, true
}

// reward checks one [[rewards]] entry.
func (c *checker) reward(path string, r Reward, sizeOf func(string) int) (rewardPlan, bool) {
	n0 := len(c.errs)
	p := rewardPlan{vol: r.Volume}
	if r.Volume == "" {
		c.add(path+".volume", nil, "missing; expected one of %v", sortedKeys(c.vols))
	} else if _, ok := c.vols[r.Volume]; !ok {
		c.add(path+".volume", r.Volume, "unknown volume; expected one of %v (declare it under [volumes])", sortedKeys(c.vols))
	}
	switch {
	case r.Amount == nil:
		c.add(path+".amount", nil, "missing; expected a number, the jump of the concentration (negative for a punishment)")
	case math.IsNaN(*r.Amount) || math.IsInf(*r.Amount, 0):
		c.add(path+".amount", *r.Amount, "must be finite")
	default:
		p.amount = *r.Amount
	}
	switch {
	case (r.Times == nil) == (r.When == nil):
		c.add(path, nil, "give either times (rewards at fixed times) or when (rewards triggered by spikes)")
	case r.Times != nil:
		if r.Delay != nil {
			c.add(path+".delay", nil, "only for a triggered reward (when)")
		}
		for k, t := range r.Times {
			v, _, err := ParseQuantity(t, Time)
			if err != nil {
				c.add(fmt.Sprintf("%s.times[%d]", path, k), t, "%v", err)
				continue
			}
			if v < 0 {
				c.add(fmt.Sprintf("%s.times[%d]", path, k), t, "must not be negative")
			}
			p.times = append(p.times, sim.FromMs(v))
		}
	default:
		p.when = true
		p.pre, _ = c.neuron(path+".when.pre", r.When.Pre, sizeOf)
		p.post, _ = c.neuron(path+".when.post", r.When.Post, sizeOf)
		if v, _, ok := c.quantity(path+".when.within", r.When.Within, true, 0, Time); ok {
			if !(v > 0) {
				c.add(path+".when.within", r.When.Within, "must be positive")
			}
			p.within = sim.FromMs(v)
		}
		p.delay = sim.Fixed(0)
		if r.Delay != nil {
			if d, ok := c.dist(path+".delay", r.Delay, []Dim{Time}, same); ok {
				if lo, _ := d.Bounds(); lo < 0 {
					c.add(path+".delay", nil, "delays must not be negative (smallest possible %v ms)", lo)
				}
				p.delay = d
			}
		}
	}
	return p, len(c.errs) == n0
}

// pairTrigger rewards each spike of neuron post that comes within `within` after a
// spike of neuron pre (each pre spike pairs with the first such post spike only), after
// a delay drawn from its own random stream. It watches the engine's spikes (sim.Observer)
// and is part of the run's state (sim.Stateful).
type pairTrigger struct {
	e           *sim.Engine
	vol         int32
	amount      float64
	preG, postG int32
	preI, postI int32
	within      sim.Time
	delay       sim.Dist
	pcg         *rand.PCG
	r           *rand.Rand
	lastPre     sim.Time
	armed       bool
	err         error
}

// Watches implements sim.Watcher: the trigger sees the spikes of its two populations.
func (p *pairTrigger) Watches(g int32) bool { return g == p.preG || g == p.postG }

// Spike implements sim.Observer.
func (p *pairTrigger) Spike(t sim.Time, g, u int32) {
	if g == p.preG && u == p.preI {
		p.lastPre, p.armed = t, true
		return
	}
	if g == p.postG && u == p.postI && p.armed && t > p.lastPre && t-p.lastPre <= p.within {
		p.armed = false
		// The delay is not negative (checked), so the reward is never in the past.
		_ = p.e.Reward(p.vol, t+sim.FromMs(p.delay.Draw(p.r)), p.amount)
	}
}

// MarshalState implements sim.Stateful: the last pre spike, whether it is still unpaired
// and the delay stream.
func (p *pairTrigger) MarshalState() ([]byte, error) {
	b := binary.LittleEndian.AppendUint64(nil, uint64(p.lastPre))
	armed := uint64(0)
	if p.armed {
		armed = 1
	}
	b = binary.LittleEndian.AppendUint64(b, armed)
	s, err := p.pcg.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return append(b, s...), nil
}

// UnmarshalState implements sim.Stateful.
func (p *pairTrigger) UnmarshalState(b []byte) error {
	if len(b) < 16 {
		return fmt.Errorf("spec: not the state of a reward trigger")
	}
	p.lastPre, p.armed = sim.Time(binary.LittleEndian.Uint64(b)), binary.LittleEndian.Uint64(b[8:]) == 1
	return p.pcg.UnmarshalBinary(b[16:])
}
