package recordings_test

import (
	"encoding/json"
	"fmt"
	"os"

	"snn/recordings"
)

// One spike against none is at distance 1 (Elephant's normalisation); two single spikes
// tau apart at sqrt(2 (1 - 1/e)).
func ExampleVanRossum() {
	fmt.Printf("%.4f\n", recordings.VanRossum([]float64{10}, nil, 5))
	fmt.Printf("%.4f\n", recordings.VanRossum([]float64{10}, []float64{15}, 5))
	// Output:
	// 1.0000
	// 1.1244
}

// Elephant's example: shifting 12 -> 10 and 24 -> 20 ms at q = 0.1 per ms costs 0.2 + 0.4.
func ExampleVictorPurpura() {
	fmt.Printf("%.4f\n", recordings.VictorPurpura([]float64{10, 20, 30}, []float64{12, 24, 30}, 0.1))
	// Output:
	// 0.6000
}

func ExampleAnalyzer() {
	const ms = int64(1e6)
	a, err := recordings.NewAnalyzer(recordings.AnalyzeConfig{
		Populations: []recordings.AnalyzePopulation{{Name: "exc", Size: 2}},
		DurationNs:  40 * ms, CountBinNs: 10 * ms, PSTHBinNs: 20 * ms, Pairs: 10,
		Distances:      []recordings.TrainPair{{A: recordings.TrainRef{Pop: 0, Node: 0}, B: recordings.TrainRef{Pop: 0, Node: 1}}},
		VanRossumTauMs: 5, VictorPurpuraQPerMs: 0.1,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Spikes in event order: (time, population, neuron).
	for _, s := range []struct {
		t         int64
		pop, node int32
	}{{1 * ms, 0, 0}, {3 * ms, 0, 0}, {7 * ms, 0, 0}, {11 * ms, 0, 1}, {12 * ms, 0, 1}, {15 * ms, 0, 1}} {
		if err := a.Add(s.t, s.pop, s.node); err != nil {
			fmt.Println(err)
			return
		}
	}
	r := a.Result()
	e := json.NewEncoder(os.Stdout)
	e.SetIndent("", " ")
	e.Encode(r)
	// Output:
	// {
	//  "duration_s": 0.04,
	//  "count_bin_ms": 10,
	//  "count_bins": 4,
	//  "psth_bin_ms": 20,
	//  "populations": {
	//   "exc": {
	//    "neurons": 2,
	//    "spikes": 6,
	//    "mean_rate_hz": 75,
	//    "cv_isi": 0.41666666666666663,
	//    "cv_neurons": 2,
	//    "fano_factor": 2.25,
	//    "fano_neurons": 2,
	//    "correlation": -0.3333333333333333,
	//    "correlation_pairs": 1,
	//    "sampled_pairs": 1,
	//    "psth_hz": [
	//     150,
	//     0
	//    ]
	//   }
	//  },
	//  "overall": {
	//   "neurons": 2,
	//   "spikes": 6,
	//   "mean_rate_hz": 75,
	//   "cv_isi": 0.41666666666666663,
	//   "cv_neurons": 2,
	//   "fano_factor": 2.25,
	//   "fano_neurons": 2,
	//   "correlation": -0.3333333333333333,
	//   "correlation_pairs": 1,
	//   "sampled_pairs": 1,
	//   "psth_hz": [
	//    150,
	//    0
	//   ]
	//  },
	//  "van_rossum_tau_ms": 5,
	//  "victor_purpura_q_per_ms": 0.1,
	//  "distances": [
	//   {
	//    "a": {
	//     "population": "exc",
	//     "neuron": 0
	//    },
	//    "b": {
	//     "population": "exc",
	//     "neuron": 1
	//    },
	//    "spikes_a": 3,
	//    "spikes_b": 3,
	//    "van_rossum": 2.9845427751470255,
	//    "victor_purpura": 2.7
	//   }
	//  ]
	// }
}
