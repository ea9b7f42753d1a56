package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// Stream returns the random stream for one purpose of a run: a PCG generator seeded with
// the run's seed and a 64-bit FNV-1a hash of the purpose's name, for example
// "connect/exc->inh" or "init/exc". Each population, projection and source draws from its
// own stream, so adding a projection does not change the numbers another one draws, and a
// run is a pure function of its spec and seed (contract 3 of the design).
func Stream(seed uint64, purpose string) *rand.Rand {
	return rand.New(PCG(seed, purpose))
}

// PCG returns the generator behind Stream(seed, purpose), for holders that save it in a
// checkpoint (a *rand.PCG marshals its state).
func PCG(seed uint64, purpose string) *rand.PCG {
	h := fnv.New64a()
	h.Write([]byte(purpose))
	return rand.NewPCG(seed, h.Sum64())
}
