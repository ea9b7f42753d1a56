package readout

import (
	"fmt"
	"math"
)

// OptimizerKind chooses how a gradient (or the pseudo-gradient of feedback alignment)
// moves the parameters.
type OptimizerKind int

const (
	OptAdam OptimizerKind = iota // Adam (Kingma & Ba 2015)
	OptSGD                       // minibatch SGD with heavy-ball momentum
)

func (k OptimizerKind) String() string {
	switch k {
	case OptAdam:
		return "adam"
	case OptSGD:
		return "sgd"
	}
	return fmt.Sprintf("OptimizerKind(%d)", int(k))
}

// Optimizer is a parameter update rule and its constants. Build one with SGD or Adam; the
// zero value stands for Adam(1e-3) in a Config. For a parameter theta with (pseudo-)
// gradient g at step t:
//
//	SGD:   v <- mu v + g;   theta <- theta - eta v                   (mu = 0: plain SGD, no state)
//	Adam:  m <- b1 m + (1 - b1) g;   s <- b2 s + (1 - b2) g^2
//	       theta <- theta - eta (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)
type Optimizer struct {
	Kind         OptimizerKind
	LearningRate float64 // eta, > 0
	Momentum     float64 // mu in [0, 1), SGD only
	Beta1, Beta2 float64 // b1, b2 in [0, 1), Adam only
	Epsilon      float64 // eps > 0, Adam only
}

// SGD returns minibatch stochastic gradient descent with learning rate lr and heavy-ball
// momentum mu (Polyak 1964; in the form of Sutskever et al. 2013 and PyTorch).
func SGD(lr, mu float64) Optimizer {
	return Optimizer{Kind: OptSGD, LearningRate: lr, Momentum: mu}
}

// Adam returns Adam with learning rate lr and the paper's defaults b1 = 0.9, b2 = 0.999,
// eps = 1e-8 (Kingma & Ba 2015, "Adam: a method for stochastic optimization", ICLR,
// Algorithm 1).
func Adam(lr float64) Optimizer {
	return Optimizer{Kind: OptAdam, LearningRate: lr, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
}

func (o Optimizer) validate() error {
	if !(o.LearningRate > 0) || math.IsInf(o.LearningRate, 0) {
		return fmt.Errorf("readout: Optimizer.LearningRate = %g: want a finite value > 0", o.LearningRate)
	}
	switch o.Kind {
	case OptSGD:
		if !(o.Momentum >= 0 && o.Momentum < 1) {
			return fmt.Errorf("readout: Optimizer.Momentum = %g: want a value in [0, 1)", o.Momentum)
		}
	case OptAdam:
		if !(o.Beta1 >= 0 && o.Beta1 < 1) || !(o.Beta2 >= 0 && o.Beta2 < 1) {
			return fmt.Errorf("readout: Adam Beta1 = %g, Beta2 = %g: want values in [0, 1) (readout.Adam(lr) gives 0.9 and 0.999)", o.Beta1, o.Beta2)
		}
		if !(o.Epsilon > 0) {
			return fmt.Errorf("readout: Adam Epsilon = %g: want > 0 (readout.Adam(lr) gives 1e-8)", o.Epsilon)
		}
	default:
		return fmt.Errorf("readout: Optimizer.Kind = %d: want OptAdam or OptSGD", int(o.Kind))
	}
	return nil
}

// stateTensors is how many state values the rule keeps per parameter.
func (o Optimizer) stateTensors() int {
	switch {
	case o.Kind == OptAdam:
		return 2
	case o.Momentum > 0:
		return 1
	}
	return 0
}

// step applies one update to the parameters p given their gradients g and the state
// tensors s (stateTensors of them, each as long as p); t counts steps from 1.
func (o Optimizer) step(p, g []float64, s [][]float64, t int) {
	eta := o.LearningRate
	switch {
	case o.Kind == OptAdam:
		m, v := s[0][:len(p)], s[1][:len(p)]
		b1, b2 := o.Beta1, o.Beta2
		c1 := 1 / (1 - math.Pow(b1, float64(t)))
		c2 := 1 / (1 - math.Pow(b2, float64(t)))
		for i, gi := range g[:len(p)] {
			m[i] = b1*m[i] + (1-b1)*gi
			v[i] = b2*v[i] + (1-b2)*gi*gi
			p[i] -= eta * (m[i] * c1) / (math.Sqrt(v[i]*c2) + o.Epsilon)
		}
	case o.Momentum > 0:
		v := s[0][:len(p)]
		for i, gi := range g[:len(p)] {
			v[i] = o.Momentum*v[i] + gi
			p[i] -= eta * v[i]
		}
	default:
		for i, gi := range g[:len(p)] {
			p[i] -= eta * gi
		}
	}
}
