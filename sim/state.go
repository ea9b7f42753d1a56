package sim

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"math"
	"slices"
)

// Stateful is a population or source whose state can be saved and restored exactly, for
// checkpoints. MarshalState returns a self-contained encoding; UnmarshalState restores it
// into a value built from the same spec, after which the run continues exactly as the
// saved one would have.
type Stateful interface {
	MarshalState() ([]byte, error)
	UnmarshalState([]byte) error
}

// engineState is what an engine saves of itself; populations and sources save their own.
type engineState struct {
	Now    Time
	Seq    uint64
	Stats  Stats
	Events []Event
	Names  []string // group names and sizes, to refuse another network's state
	Sizes  []int
	Groups [][]byte
	Projs  [][]byte // stateful projections (plastic), nil for static ones
	// Neuromodulation: the pending jumps, the volumes' states (nil for a volume that
	// keeps none) and the states added with AddState, by name.
	Rewards    []Reward
	VolNames   []string
	Vols       [][]byte
	ExtraNames []string
	Extra      [][]byte
}

type namedState struct {
	name string
	s    Stateful
}

// AddState registers a part of the run outside populations and projections (a reward
// trigger, say) whose state is saved and restored with the engine's, under name.
func (e *Engine) AddState(name string, s Stateful) {
	e.extra = append(e.extra, namedState{name, s})
}

// MarshalState encodes the engine's clock, counters, pending events and the state of
// every population and source, all of which must be Stateful.
func (e *Engine) MarshalState() ([]byte, error) {
	st := engineState{Now: e.now, Seq: e.seq, Stats: e.stats, Events: e.q.events()}
	for _, ev := range e.srcEv {
		if ev.T != Never {
			st.Events = append(st.Events, ev)
		}
	}
	slices.SortFunc(st.Events, Compare)
	for _, g := range e.groups {
		var s Stateful
		var ok bool
		if g.neurons != nil {
			s, ok = g.neurons.(Stateful)
		} else {
			s, ok = g.source.(Stateful)
		}
		if !ok {
			return nil, fmt.Errorf("sim: population %q cannot save its state", g.name)
		}
		b, err := s.MarshalState()
		if err != nil {
			return nil, fmt.Errorf("sim: saving %q: %w", g.name, err)
		}
		st.Names, st.Sizes, st.Groups = append(st.Names, g.name), append(st.Sizes, g.size), append(st.Groups, b)
	}
	for k, p := range e.projs {
		var b []byte
		if s, ok := p.p.(Stateful); ok {
			var err error
			if b, err = s.MarshalState(); err != nil {
				return nil, fmt.Errorf("sim: saving projection %d: %w", k, err)
			}
		}
		st.Projs = append(st.Projs, b)
	}
	st.Rewards = e.rewards
	for _, v := range e.vols {
		var b []byte
		if s, ok := v.v.(Stateful); ok {
			var err error
			if b, err = s.MarshalState(); err != nil {
				return nil, fmt.Errorf("sim: saving volume %q: %w", v.name, err)
			}
		}
		st.VolNames, st.Vols = append(st.VolNames, v.name), append(st.Vols, b)
	}
	for _, x := range e.extra {
		b, err := x.s.MarshalState()
		if err != nil {
			return nil, fmt.Errorf("sim: saving %s: %w", x.name, err)
		}
		st.ExtraNames, st.Extra = append(st.ExtraNames, x.name), append(st.Extra, b)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&st); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnmarshalState restores a state saved by MarshalState into an engine built, with its
// populations, sources and projections, from the same spec. It refuses the state of a
// network with other populations.
func (e *Engine) UnmarshalState(b []byte) error {
	var st engineState
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&st); err != nil {
		return fmt.Errorf("sim: engine state: %w", err)
	}
	if len(st.Names) != len(e.groups) || len(st.Groups) != len(e.groups) || len(st.Sizes) != len(e.groups) {
		return fmt.Errorf("sim: the state has %d populations, the network %d", len(st.Names), len(e.groups))
	}
	for k, g := range e.groups {
		if st.Names[k] != g.name || st.Sizes[k] != g.size {
			return fmt.Errorf("sim: the state's population %d is %q of %d, the network's %q of %d", k, st.Names[k], st.Sizes[k], g.name, g.size)
		}
	}
	if !slices.Equal(st.VolNames, e.volNames()) {
		return fmt.Errorf("sim: the state's volumes %v are not the network's %v", st.VolNames, e.volNames())
	}
	if !slices.Equal(st.ExtraNames, e.extraNames()) || len(st.Extra) != len(e.extra) || len(st.Vols) != len(e.vols) {
		return fmt.Errorf("sim: the state's parts %v are not the network's %v", st.ExtraNames, e.extraNames())
	}
	for k, r := range st.Rewards {
		if r.Volume < 0 || int(r.Volume) >= len(e.vols) || r.T < st.Now || r.Seq >= st.Seq || math.IsNaN(r.Amount) || math.IsInf(r.Amount, 0) ||
			k > 0 && compareRewards(st.Rewards[k-1], r) >= 0 {
			return fmt.Errorf("sim: the state holds an invalid reward %+v", r)
		}
	}
	for _, ev := range st.Events {
		bad := ev.Kind > KindDeliver || ev.T < st.Now || ev.Ref < 0
		switch {
		case bad:
		case ev.Kind == KindSource:
			bad = int(ev.Ref) >= len(e.groups) || e.groups[ev.Ref].source == nil
		default:
			bad = int(ev.Ref) >= len(e.projs) || ev.Pre < 0 || int(ev.Pre) >= e.groups[e.projs[ev.Ref].from].size || ev.Off < 0
		}
		if bad || ev.Seq >= st.Seq {
			return fmt.Errorf("sim: the state holds an invalid event %+v", ev)
		}
	}
	for k, g := range e.groups {
		var s Stateful
		if g.neurons != nil {
			s, _ = g.neurons.(Stateful)
		} else {
			s, _ = g.source.(Stateful)
		}
		if s == nil {
			return fmt.Errorf("sim: population %q cannot restore its state", g.name)
		}
		if err := s.UnmarshalState(st.Groups[k]); err != nil {
			return fmt.Errorf("sim: restoring %q: %w", g.name, err)
		}
	}
	if len(st.Projs) != len(e.projs) {
		return fmt.Errorf("sim: the state has %d projections, the network %d", len(st.Projs), len(e.projs))
	}
	for k, p := range e.projs {
		s, ok := p.p.(Stateful)
		if ok != (len(st.Projs[k]) > 0) {
			return fmt.Errorf("sim: projection %d's state does not match the network's (plastic or not)", k)
		}
		if ok {
			if err := s.UnmarshalState(st.Projs[k]); err != nil {
				return fmt.Errorf("sim: restoring projection %d: %w", k, err)
			}
		}
	}
	e.now, e.seq, e.stats = st.Now, st.Seq, st.Stats
	e.q = newQueue()
	for k := range e.srcEv {
		e.srcEv[k].T = Never
	}
	e.srcMin = -1
	for _, ev := range st.Events {
		if ev.Kind == KindSource {
			if e.srcEv[e.groups[ev.Ref].src].T != Never {
				return fmt.Errorf("sim: the state holds two pending emissions of source %q", e.groups[ev.Ref].name)
			}
			e.schedule(ev)
			continue
		}
		e.q.pushSeq(ev)
	}
	e.rewards = slices.Clone(st.Rewards)
	for k, v := range e.vols {
		s, ok := v.v.(Stateful)
		if ok != (len(st.Vols[k]) > 0) {
			return fmt.Errorf("sim: volume %q's state does not match the network's", v.name)
		}
		if ok {
			if err := s.UnmarshalState(st.Vols[k]); err != nil {
				return fmt.Errorf("sim: restoring volume %q: %w", v.name, err)
			}
		}
	}
	for k, x := range e.extra {
		if err := x.s.UnmarshalState(st.Extra[k]); err != nil {
			return fmt.Errorf("sim: restoring %s: %w", x.name, err)
		}
	}
	return nil
}

func (e *Engine) volNames() []string {
	var ns []string
	for _, v := range e.vols {
		ns = append(ns, v.name)
	}
	return ns
}

func (e *Engine) extraNames() []string {
	var ns []string
	for _, x := range e.extra {
		ns = append(ns, x.name)
	}
	return ns
}
