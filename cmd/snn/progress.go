package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"snn/sim"
)

// progress reports a run's advance: a bar on a terminal (simulated time, real-time
// factor, spikes per second, ETA), periodic structured log lines otherwise, nothing with
// --quiet.
type progress struct {
	total, from sim.Time
	start       time.Time
	bar         *progressbar.ProgressBar
	log         *slog.Logger
	lastLog     time.Time
	every       time.Duration
}

func newProgress(w *os.File, quiet bool, from, total sim.Time) *progress {
	p := &progress{total: total, from: from, start: time.Now(), every: 10 * time.Second}
	switch {
	case quiet:
	case term.IsTerminal(int(w.Fd())):
		p.bar = progressbar.NewOptions64(int64(total/sim.Millisecond), progressbar.OptionSetWriter(w),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish(), progressbar.OptionShowDescriptionAtLineEnd())
		p.bar.Set64(int64(from / sim.Millisecond))
	default:
		p.log = slog.New(slog.NewTextHandler(w, nil))
		p.lastLog = p.start
	}
	return p
}

// update reports the clock t and the spikes so far.
func (p *progress) update(t sim.Time, spikes uint64) {
	if p.bar == nil && p.log == nil {
		return
	}
	wall := time.Since(p.start).Seconds()
	rtf := (t - p.from).Seconds() / max(wall, 1e-9) // simulated seconds per wall second
	sps := float64(spikes) / max(wall, 1e-9)
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%v of %v, %.2fx real time, %.3g spikes/s", t, p.total, rtf, sps))
		p.bar.Set64(int64(t / sim.Millisecond))
		return
	}
	if now := time.Now(); now.Sub(p.lastLog) >= p.every || t == p.total {
		p.lastLog = now
		eta := 0.0
		if rtf > 0 {
			eta = (p.total - t).Seconds() / rtf
		}
		p.log.Info("progress", "sim_s", t.Seconds(), "of_s", p.total.Seconds(), "real_time_factor", rtf, "spikes_per_s", sps, "eta_s", eta)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
