package neuron

import (
	"fmt"
	"math"

	"snn/sim"
)

// Params are the parameters of a population of leaky integrate-and-fire neurons, in the
// simulator's base units (ms, mV). All neurons of a population share them; only the
// initial potential differs per neuron.
type Params struct {
	TauM   float64  // membrane time constant, ms
	EL     float64  // leak reversal (resting) potential, mV
	VTh    float64  // firing threshold, mV
	VReset float64  // potential after a spike and during the refractory period, mV
	TRef   sim.Time // absolute refractory period
	// Bias is a constant input current expressed as the shift of the steady state it
	// causes, R*I = I*tau_m/C_m, in mV. The neuron relaxes to EL + Bias.
	Bias float64
	// TauE and TauI are the decay time constants of the excitatory and inhibitory
	// synaptic currents (LIFExp only), ms.
	TauE, TauI float64
}

// VInf returns the steady-state potential without synaptic input, EL + Bias.
func (p Params) VInf() float64 { return p.EL + p.Bias }

func (p Params) check(currents bool) error {
	finite := func(name string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("neuron: %s = %v is not finite", name, v)
		}
		return nil
	}
	for _, q := range []struct {
		n string
		v float64
	}{{"tau_m", p.TauM}, {"e_l", p.EL}, {"v_th", p.VTh}, {"v_reset", p.VReset}, {"bias", p.Bias}} {
		if err := finite(q.n, q.v); err != nil {
			return err
		}
	}
	if !(p.TauM > 0) {
		return fmt.Errorf("neuron: tau_m = %v ms must be positive", p.TauM)
	}
	if p.TRef < 0 {
		return fmt.Errorf("neuron: t_ref = %v must not be negative", p.TRef)
	}
	if !(p.VReset < p.VTh) {
		return fmt.Errorf("neuron: v_reset = %v mV must be below v_th = %v mV", p.VReset, p.VTh)
	}
	if currents {
		for _, q := range []struct {
			n string
			v float64
		}{{"tau_e", p.TauE}, {"tau_i", p.TauI}} {
			if err := finite(q.n, q.v); err != nil {
				return err
			}
			if !(q.v > 0) {
				return fmt.Errorf("neuron: %s = %v ms must be positive", q.n, q.v)
			}
			// The closed form divides by tau_syn - tau_m; the degenerate case has a
			// t*exp(-t/tau) solution this model does not implement.
			if math.Abs(q.v-p.TauM) <= 1e-9*p.TauM {
				return fmt.Errorf("neuron: %s = %v ms equals tau_m; use a synaptic time constant different from the membrane's", q.n, q.v)
			}
		}
	}
	return nil
}

func checkInit(n int, v0 []float64, p Params) error {
	if len(v0) != n {
		return fmt.Errorf("neuron: %d initial potentials for %d neurons", len(v0), n)
	}
	for i, v := range v0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("neuron: initial potential of neuron %d is %v", i, v)
		}
	}
	return nil
}

// rebaseAfter is how far (in units of the fastest time constant) a population's reference
// time may fall behind before its scaled coefficients are rescaled: e^300 ~ 1e130 stays
// far from float64 overflow (1e308) while rescaling happens rarely (every 6 s of
// simulated time for a 20 ms membrane).
const rebaseAfter = 300
