package readout

import (
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"snn/sim"
)

// TestDiehlCookLearning is a long experiment, run on demand: SNN_DC_IMAGES=N trains a
// Diehl & Cook network on the first N training images and prints, per block of 1000,
// the running accuracy (each image voted with the labels assigned from the previous
// block's responses, as the published code's running evaluation does), the spikes and
// presentations per image and the wall time. SNN_DC_NEURONS (100), SNN_DC_DT (clock
// step in us, 0 for the exact kernel), SNN_DC_DELAY (input delays up to, ms), SNN_DC_WIE (inhibitory weight) and SNN_DC_SEED
// change the configuration.
func TestDiehlCookLearning(t *testing.T) {
	images := envInt("SNN_DC_IMAGES", 0)
	if images == 0 {
		t.Skip("set SNN_DC_IMAGES to run")
	}
	dir, err := MNISTDir()
	if err != nil {
		t.Skip(err)
	}
	train, _, err := LoadMNISTN(dir, min(images, 60000), 1)
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultDC(envInt("SNN_DC_NEURONS", 100))
	p.Dt = sim.Time(envInt("SNN_DC_DT", 0)) * sim.Microsecond
	p.MaxDelay = sim.Time(envInt("SNN_DC_DELAY", 0)) * sim.Millisecond
	p.Seed = uint64(envInt("SNN_DC_SEED", 1))
	p.Rule = DCRule(envInt("SNN_DC_RULE", 0))
	if s := os.Getenv("SNN_DC_WIE"); s != "" {
		if p.WInhExc, err = strconv.ParseFloat(s, 64); err != nil {
			t.Fatal(err)
		}
	}
	d, err := NewDiehlCook(p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const block = 1000
	var assign []int
	counts := make([][]float64, 0, block)
	labels := make([]int, 0, block)
	right, spikes, pres := 0, 0.0, 0
	start := time.Now()
	for i := 0; i < images; i++ {
		r, err := d.Present(train.Row(i%train.N), true)
		if err != nil {
			t.Fatal(err)
		}
		y := train.Labels[i%train.N]
		if assign != nil && Vote(r.Counts, assign, 10) == y {
			right++
		}
		total := 0.0
		for _, c := range r.Counts {
			total += c
		}
		spikes += total
		pres += r.Presented
		counts = append(counts, append([]float64(nil), r.Counts...))
		labels = append(labels, y)
		if len(counts) == block {
			acc := -1.0
			if assign != nil {
				acc = 100 * float64(right) / block
			}
			wmax := 0.0
			for _, w := range d.Weights() {
				wmax = max(wmax, w)
			}
			th := make([]float64, p.Neurons)
			for j := range th {
				th[j] = d.Theta(j)
			}
			slices.Sort(th)
			wins := make([]int, p.Neurons)
			for _, c := range counts {
				best := -1
				for j, v := range c {
					if v > 0 && (best < 0 || v > c[best]) {
						best = j
					}
				}
				if best >= 0 {
					wins[best]++
				}
			}
			winners := 0
			for _, w := range wins {
				if w > 0 {
					winners++
				}
			}
			t.Logf("images %6d  running accuracy %6.2f %%  spikes/image %5.1f  presentations/image %.2f  max w %.3f  theta min/median/max %.1f/%.1f/%.1f  winners %d  %.1f ms/image",
				i+1, acc, spikes/block, float64(pres)/block, wmax, th[0], th[len(th)/2], th[len(th)-1], winners, float64(time.Since(start).Milliseconds())/block)
			if assign, err = AssignLabels(counts, labels, 10); err != nil {
				t.Fatal(err)
			}
			counts, labels = counts[:0], labels[:0]
			right, spikes, pres = 0, 0, 0
			start = time.Now()
		}
	}
}

func envInt(name string, def int) int {
	if s := os.Getenv(name); s != "" {
		if v, err := strconv.Atoi(s); err == nil {
			return v
		}
	}
	return def
}
