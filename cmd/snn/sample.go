package main

import (
	"errors"

	"snn/recordings"
	"snn/sim"
	"snn/sim/spec"
)

// sampler writes the state probes and weight snapshots a spec asks for, at their times.
// A sample at t is the state after every event before t and before any event at t.
type sampler struct {
	net     *spec.Network
	probes  []spec.StateProbe
	due     []sim.Time // next sample time of each probe (past its Stop when done)
	wk      int        // next weight snapshot
	state   *recordings.Writer[recordings.StateRow]
	weights *recordings.Writer[recordings.WeightRow]
	events  *recordings.Writer[recordings.EventRow]
}

// Reward records a volume's jump (sim.RewardObserver).
func (s *sampler) Reward(r sim.Reward) {
	s.events.Add(recordings.EventRow{TimeNs: int64(r.T), Kind: "reward", Volume: s.net.Volumes[r.Volume], Amount: r.Amount})
}

// newSampler opens the state and weights datasets (declaring them in the manifest unless
// resuming, where they are declared already).
func newSampler(net *spec.Network, dir string, meta map[string]string, rr *recordings.Run, resuming bool) (*sampler, error) {
	s := &sampler{net: net, probes: net.States}
	for _, p := range net.States {
		s.due = append(s.due, p.Start)
	}
	var err error
	if len(net.States) > 0 {
		if !resuming {
			if err = rr.AddDataset("state", recordings.StateColumns); err != nil {
				return nil, err
			}
		}
		s.state, err = recordings.NewWriter(dir, "state", func(r *recordings.StateRow) int64 { return r.TimeNs }, meta, recordings.DefaultLimits, rr.PartClosed("state"))
		if err != nil {
			return nil, err
		}
	}
	if len(net.WeightTimes) > 0 {
		if !resuming {
			if err = rr.AddDataset("weights", recordings.WeightColumns); err != nil {
				return nil, err
			}
		}
		s.weights, err = recordings.NewWriter(dir, "weights", func(r *recordings.WeightRow) int64 { return r.TimeNs }, meta, recordings.DefaultLimits, rr.PartClosed("weights"))
		if err != nil {
			return nil, err
		}
	}
	if len(net.Volumes) > 0 {
		if !resuming {
			if err = rr.AddDataset("events", recordings.EventColumns); err != nil {
				return nil, err
			}
		}
		s.events, err = recordings.NewWriter(dir, "events", func(r *recordings.EventRow) int64 { return r.TimeNs }, meta, recordings.DefaultLimits, rr.PartClosed("events"))
		if err != nil {
			return nil, err
		}
		net.Engine.ObserveRewards(s)
	}
	return s, nil
}

// next returns the time of the next sample or snapshot, or Never.
func (s *sampler) next() sim.Time {
	t := sim.Never
	for k, d := range s.due {
		if d <= s.probes[k].Stop {
			t = min(t, d)
		}
	}
	if s.weights != nil && s.wk < len(s.net.WeightTimes) {
		t = min(t, s.net.WeightTimes[s.wk])
	}
	return t
}

// sample writes whatever is due at t.
func (s *sampler) sample(t sim.Time) {
	for k := range s.probes {
		p := &s.probes[k]
		if s.due[k] != t || t > p.Stop {
			continue
		}
		for _, i := range p.Neurons {
			for v, name := range p.Variables {
				s.state.Add(recordings.StateRow{TimeNs: int64(t), Population: p.Population, NodeIDs: i, Variable: name, Value: p.Sample[v](int(i), t)})
			}
		}
		// Stop may move when a run is resumed with a longer duration, so the grid
		// position is kept even past it.
		s.due[k] += p.Interval
	}
	for s.weights != nil && s.wk < len(s.net.WeightTimes) && s.net.WeightTimes[s.wk] == t {
		for _, j := range s.net.WeightProjections[s.wk] {
			bp := &s.net.Projections[j]
			for pre := range bp.P.Pre() {
				for k := range bp.P.RowLen(pre) {
					post, w, _ := bp.SynapseAt(pre, k, t)
					w *= bp.Scale
					s.weights.Add(recordings.WeightRow{TimeNs: int64(t), Projection: bp.Name, Pre: int32(pre), Post: int32(post), Weight: w})
				}
			}
		}
		s.wk++
	}
}

// writers returns the datasets being written.
func (s *sampler) writers() []interface {
	Err() error
	Close() error
} {
	var ws []interface {
		Err() error
		Close() error
	}
	if s.state != nil {
		ws = append(ws, s.state)
	}
	if s.weights != nil {
		ws = append(ws, s.weights)
	}
	if s.events != nil {
		ws = append(ws, s.events)
	}
	return ws
}

func (s *sampler) err() error {
	var errs []error
	for _, w := range s.writers() {
		errs = append(errs, w.Err())
	}
	return errors.Join(errs...)
}

func (s *sampler) close() error {
	var errs []error
	for _, w := range s.writers() {
		errs = append(errs, w.Close())
	}
	return errors.Join(errs...)
}

// startAt continues the datasets from a checkpoint's part counts.
func (s *sampler) startAt(parts map[string]int) {
	if s.state != nil {
		s.state.StartAt(parts["state"])
	}
	if s.weights != nil {
		s.weights.StartAt(parts["weights"])
	}
	if s.events != nil {
		s.events.StartAt(parts["events"])
	}
}

// cut closes the open parts (a checkpoint).
func (s *sampler) cut() error {
	var errs []error
	if s.state != nil {
		_, err := s.state.Cut()
		errs = append(errs, err)
	}
	if s.weights != nil {
		_, err := s.weights.Cut()
		errs = append(errs, err)
	}
	if s.events != nil {
		_, err := s.events.Cut()
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
