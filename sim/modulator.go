package sim

import (
	"fmt"
	"math"
	"slices"
)

// Volume is a neuromodulator concentration (dopamine by default): a value that decays by
// itself and jumps at modulator events, read by the projections whose plasticity it
// gates. The engine orders the jumps with every other event; the value and its decay
// belong to the volume.
type Volume interface {
	// Jump adds amount to the concentration at t.
	Jump(t Time, amount float64)
}

// Modulated is a projection whose weights depend on a volume. The engine calls Modulate
// at t just before the volume's concentration jumps there, so the projection can bring
// its synapses up to t with the concentration they have seen so far.
type Modulated interface {
	Modulate(volume int32, t Time)
}

// Reward is a pending jump of a volume: amount (positive for a reward, negative for a
// punishment) added to the concentration of volume Volume at T.
type Reward struct {
	T      Time
	Volume int32
	Amount float64
	Seq    uint64
}

// RewardObserver sees every modulator jump as it happens (for recording them).
type RewardObserver interface {
	Reward(r Reward)
}

type volume struct {
	name      string
	v         Volume
	listeners []Modulated
}

// AddVolume adds a neuromodulator volume and returns its index.
func (e *Engine) AddVolume(name string, v Volume) int32 {
	e.vols = append(e.vols, volume{name: name, v: v})
	return int32(len(e.vols) - 1)
}

// Volumes returns the number of volumes.
func (e *Engine) Volumes() int { return len(e.vols) }

// VolumeName returns the name of volume v.
func (e *Engine) VolumeName(v int32) string { return e.vols[v].name }

// Listen attaches a modulated projection to volume v: it is told of every jump first.
func (e *Engine) Listen(v int32, m Modulated) { e.vols[v].listeners = append(e.vols[v].listeners, m) }

// ObserveRewards adds an observer of modulator jumps.
func (e *Engine) ObserveRewards(o RewardObserver) { e.robs = append(e.robs, o) }

// Reward schedules a jump of volume v by amount at t, which must not be before the clock
// (it may be called from an observer while Run is going, for a reward caused by spikes).
// At equal times jumps come after every other event (KindModulate), in the order they
// were scheduled.
func (e *Engine) Reward(v int32, t Time, amount float64) error {
	switch {
	case v < 0 || int(v) >= len(e.vols):
		return fmt.Errorf("sim: no volume %d", v)
	case t < e.now:
		return fmt.Errorf("sim: a reward at %v is before the clock %v", t, e.now)
	case math.IsNaN(amount) || math.IsInf(amount, 0):
		return fmt.Errorf("sim: reward amount %v is not finite", amount)
	}
	r := Reward{T: t, Volume: v, Amount: amount, Seq: e.seq}
	e.seq++
	k, _ := slices.BinarySearchFunc(e.rewards, r, compareRewards)
	e.rewards = slices.Insert(e.rewards, k, r)
	return nil
}

// PendingRewards returns the scheduled jumps not yet made, in their order.
func (e *Engine) PendingRewards() []Reward { return slices.Clone(e.rewards) }

func compareRewards(a, b Reward) int {
	if a.T != b.T {
		if a.T < b.T {
			return -1
		}
		return 1
	}
	switch {
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// modulate makes the first pending jump: its listeners catch up, then the volume jumps.
func (e *Engine) modulate() {
	r := e.rewards[0]
	e.rewards = e.rewards[1:]
	vol := &e.vols[r.Volume]
	for _, l := range vol.listeners {
		l.Modulate(r.Volume, r.T)
	}
	vol.v.Jump(r.T, r.Amount)
	e.stats.Rewards++
	for _, o := range e.robs {
		o.Reward(r)
	}
}
