package readout

import (
	"flag"
	"testing"
)

var benchWorkersFlag = flag.Int("dcworkers", 0, "workers of BenchmarkDiehlCook")

// BenchmarkDiehlCook presents MNIST training images, learning, to a 100-neuron network.
func BenchmarkDiehlCook(b *testing.B) {
	dir, err := MNISTDir()
	if err != nil {
		b.Skip(err)
	}
	train, _, err := LoadMNISTN(dir, 200, 1)
	if err != nil {
		b.Fatal(err)
	}
	p := DefaultDC(100)
	p.Workers = *benchWorkersFlag
	d, err := NewDiehlCook(p)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		d.Present(train.Row(i), true)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := d.Present(train.Row(i%train.N), true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(d.InputSpikes)*100/float64(b.Elapsed().Seconds())/1e6, "Msyn/s")
}
