package readout

import (
	"flag"
	"testing"

	"snn/sim"
)

var (
	benchWorkersFlag = flag.Int("dcworkers", 0, "workers of BenchmarkDiehlCook")
	benchNeuronsFlag = flag.Int("dcneurons", 100, "neurons of BenchmarkDiehlCook")
	benchDtFlag      = flag.Int("dcdt", 0, "clock step of BenchmarkDiehlCook in us (0: exact, event-driven)")
	benchDelayFlag   = flag.Int("dcdelay", 0, "input delays of BenchmarkDiehlCook up to this many ms (clock-driven only)")
)

// BenchmarkDiehlCook presents MNIST training images, learning, to a network of
// -dcneurons neurons (100) shared among -dcworkers workers (0: automatic), after 20
// images to warm it up; Msyn/s counts input spikes times neurons. -dcdt 500 -dcdelay 10
// runs the clock-driven kernel of the published code instead.
func BenchmarkDiehlCook(b *testing.B) {
	dir, err := MNISTDir()
	if err != nil {
		b.Skip(err)
	}
	train, _, err := LoadMNISTN(dir, 200, 1)
	if err != nil {
		b.Fatal(err)
	}
	p := DefaultDC(*benchNeuronsFlag)
	p.Workers = *benchWorkersFlag
	p.Dt = sim.Time(*benchDtFlag) * sim.Microsecond
	p.MaxDelay = sim.Time(*benchDelayFlag) * sim.Millisecond
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
	b.ReportMetric(float64(d.InputSpikes)*float64(*benchNeuronsFlag)/float64(b.Elapsed().Seconds())/1e6, "Msyn/s")
}
