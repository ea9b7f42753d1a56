package recordings

import (
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// TestAnalyzeLargeRecording writes a recording of SNN_BIG_SPIKES spikes (for example 1e8)
// from 4000 neurons and analyses it, logging the time, the bytes on disk and the peak Go
// heap of each phase. It documents that memory does not grow with the recording:
//
//	SNN_BIG_SPIKES=100000000 /usr/bin/time -v go test ./recordings -run LargeRecording -v -timeout 1h
//
// Skipped unless SNN_BIG_SPIKES is set.
func TestAnalyzeLargeRecording(t *testing.T) {
	n, _ := strconv.ParseInt(os.Getenv("SNN_BIG_SPIKES"), 10, 64)
	if n <= 0 {
		t.Skip("set SNN_BIG_SPIKES to run")
	}
	dir := t.TempDir()
	names := []string{"exc", "inh"}
	sizes := []int{3200, 800}
	start := time.Now()
	run, err := CreateRun(dir, Manifest{Name: "big"})
	if err != nil {
		t.Fatal(err)
	}
	run.AddDataset("spikes", SpikeColumns)
	w, err := NewSpikeWriter(dir, names, nil, DefaultLimits, run.PartClosed("spikes"))
	if err != nil {
		t.Fatal(err)
	}
	// 4000 neurons at 5 Hz fire 20000 spikes a second: draw the superposed process.
	r := rand.New(rand.NewPCG(1, 2))
	tNs := int64(0)
	for range n {
		tNs += int64(r.ExpFloat64() * 5e4) // mean gap 50 us
		i := r.IntN(4000)
		pop, node := int32(0), int32(i)
		if i >= 3200 {
			pop, node = 1, int32(i-3200)
		}
		w.Add(tNs, pop, node)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	run.Finish(nil)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m, _ := ReadManifest(dir)
	bytes := int64(0)
	for _, p := range m.Datasets["spikes"].Parts {
		bytes += p.Bytes
	}
	t.Logf("wrote %d spikes in %d parts, %.2f bytes/spike, %v; heap in use %.1f MB, sys %.1f MB",
		n, len(m.Datasets["spikes"].Parts), float64(bytes)/float64(n), time.Since(start), float64(ms.HeapInuse)/1e6, float64(ms.Sys)/1e6)

	start = time.Now()
	cfg := AnalyzeConfig{Populations: []AnalyzePopulation{{names[0], sizes[0]}, {names[1], sizes[1]}},
		DurationNs: tNs + 1, CountBinNs: 50e6, PSTHBinNs: 10e6, Pairs: 100, Seed: 1}
	an, err := NewAnalyzer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	count := int64(0)
	err = ReadSpikes(dir, func(s SpikeRow) error {
		count++
		p := int32(0)
		if s.Population == "inh" {
			p = 1
		}
		return an.Add(s.TimeNs, p, s.NodeIDs)
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := an.Result()
	runtime.ReadMemStats(&ms)
	if count != n || rep.Overall.Spikes != n {
		t.Fatalf("read %d spikes, analysed %d, wrote %d", count, rep.Overall.Spikes, n)
	}
	t.Logf("analysed %d spikes in %v (rate %.3f Hz, CV %.3f); heap in use %.1f MB, sys %.1f MB",
		n, time.Since(start), rep.Overall.MeanRateHz, *rep.Overall.CVISI, float64(ms.HeapInuse)/1e6, float64(ms.Sys)/1e6)
}
