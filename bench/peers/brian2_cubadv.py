"""Brette et al. 2007 benchmark 4: CUBA network with voltage-jump synapses
(event-driven LIF), in Brian2, for side-by-side timing against snn.

Usage: python3 brian2_cubadv.py N SECONDS MODE [SEED]   (MODE: runtime | standalone)

Network: N LIF neurons (80 % excitatory, 20 % inhibitory), random connectivity
with probability 80/N, a presynaptic spike makes the postsynaptic potential
jump by +0.25 mV (exc) or -2.25 mV (inh) after 0.1 ms. No external input: the
activity is self-sustained from the random initial potentials.

In standalone mode the C++ project goes to ./brian_cubadv_N (relative to the
current directory); the seed is compiled into it, so each seed needs a fresh
run of this script. Note: in standalone mode 'wall' covers code generation,
compilation and the binary run; time the binary itself for a fair figure.

Prints one line: N, T, mode, wall seconds, spikes, mean rate, synapses,
synaptic events (spikes x mean out-degree), events per wall second."""
import sys
import time

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, run, seed,
                    set_device, prefs, ms, mV, second)

N = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
T = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
mode = sys.argv[3] if len(sys.argv) > 3 else 'runtime'
rng_seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1

if mode == 'standalone':
    set_device('cpp_standalone', directory='brian_cubadv_%d' % N)
elif mode == 'runtime':
    prefs.codegen.target = 'cython'
else:
    sys.exit("MODE must be 'runtime' or 'standalone'")
seed(rng_seed)

taum = 20 * ms
El = -49 * mV    # resting potential sits above threshold: neurons fire on their own
Vt = -50 * mV
Vr = -60 * mV
w_exc = 0.25 * mV
w_inh = 2.25 * mV
delay = 0.1 * ms
n_exc = int(N * 0.8)
p_conn = 80.0 / N

# '(unless refractory)': during the 5 ms refractory period v is not integrated
# and, per Brian2's documented semantics, also read-only for incoming synapses.
neurons = NeuronGroup(N, 'dv/dt = -(v - El) / taum : volt (unless refractory)',
                      threshold='v > Vt', reset='v = Vr',
                      refractory=5 * ms, method='exact')
neurons.v = 'Vr + rand() * (Vt - Vr)'

exc = Synapses(neurons, neurons, on_pre='v += w_exc', delay=delay)
inh = Synapses(neurons, neurons, on_pre='v -= w_inh', delay=delay)
exc.connect('i < n_exc', p=p_conn)
inh.connect('i >= n_exc', p=p_conn)

spikes = SpikeMonitor(neurons)

start = time.time()
run(T * second, report=None)
wall = time.time() - start

n_spikes = spikes.num_spikes
n_syn = len(exc) + len(inh)
events = n_spikes * n_syn / N
print("N=%d T=%gs mode=%s wall=%.3fs spikes=%d rate=%.2fHz synapses=%d "
      "events=%.3g ev/s=%.3g" % (N, T, mode, wall, n_spikes, n_spikes / N / T,
                                 n_syn, events, events / wall))
