package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"snn/examples"
	"snn/recordings"
	"snn/sim"
	"snn/sim/spec"
)

type runFlags struct {
	out             string
	seed            uint64
	seedSet         bool
	duration        string
	checkpointEvery string
	resume          string
	cpuprofile      string
	quiet           bool
	maxRate         float64
	keep            int
	noRewards       bool
}

func runCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run [SPEC|NAME]",
		Short: "Run a network from a spec file or a built-in example (default: " + examples.Default + ")",
		Long: `Run a network from a spec file or a built-in example (see snn examples).

Writes into DIR (default: a new folder under ./runs):
  run.json      the manifest: spec, seed, version, start and end, complete parts
  summary.json  what ran and what it did (counts, rates, CV of ISI, spikes_sha256)
  spikes/       every recorded spike, Parquet parts (time_ns, node_ids, population)`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.seedSet = cmd.Flags().Changed("seed")
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			if f.cpuprofile != "" {
				pf, err := os.Create(f.cpuprofile)
				if err != nil {
					return usageError{err}
				}
				defer pf.Close()
				pprof.StartCPUProfile(pf)
				defer pprof.StopCPUProfile()
			}
			_, err := run(name, f, cmd.OutOrStdout())
			return err
		},
	}
	cmd.Flags().StringVarP(&f.out, "out", "o", "", "output directory (default: runs/NAME-TIMESTAMP)")
	cmd.Flags().Uint64Var(&f.seed, "seed", 0, "seed of every random stream (default: the spec's)")
	cmd.Flags().StringVar(&f.duration, "duration", "", `simulated time, for example "10s" or "500 ms" (default: the spec's)`)
	cmd.Flags().StringVar(&f.checkpointEvery, "checkpoint-every", "", `write a checkpoint every this much simulated time, for example "1 s" (one is always written at the end and on SIGINT/SIGTERM)`)
	cmd.Flags().IntVar(&f.keep, "keep-checkpoints", 3, "how many of the newest checkpoints to keep")
	cmd.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "no progress report (a bar on a terminal, log lines otherwise)")
	cmd.Flags().Float64Var(&f.maxRate, "max-rate", 1000, "stop the run when a population's mean rate over 100 ms of simulated time exceeds this many Hz (runaway activity); 0: no limit")
	cmd.Flags().StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	cmd.Flags().BoolVar(&f.noRewards, "no-rewards", false, "schedule none of the spec's rewards (a control run of the same network)")
	cmd.Flags().StringVar(&f.resume, "resume", "", "continue the run in this directory from its latest checkpoint (up to --duration, default the original)")
	return cmd
}

// loadSpec reads a spec file, or a built-in example when no file of that name exists,
// and returns it with its source ("example:NAME" or the path) and its text.
func loadSpec(arg string) (*spec.Spec, string, []byte, error) {
	data, err := os.ReadFile(arg)
	switch {
	case err == nil:
		s, err := spec.Decode(arg, data)
		if err != nil {
			return nil, "", nil, usageError{err}
		}
		if s.Name == "" {
			s.Name = strings.TrimSuffix(filepath.Base(arg), filepath.Ext(arg))
		}
		return s, arg, data, nil
	case errors.Is(err, os.ErrNotExist):
		b, ok := examples.Get(arg)
		if !ok {
			return nil, "", nil, usageError{fmt.Errorf("%s: no such spec file or built-in example (built-in: %s)", arg, strings.Join(examples.Names(), ", "))}
		}
		s, err := spec.Decode(arg, b)
		if err != nil {
			return nil, "", nil, err
		}
		return s, "example:" + arg, b, nil
	default:
		return nil, "", nil, usageError{err}
	}
}

// slice is the simulated time run between checks of the recording and of signals.
const slice = 100 * sim.Millisecond

// session is one run of a network into a run directory, new or resumed.
type session struct {
	net     *spec.Network
	dir     string
	source  string
	text    []byte
	build   time.Duration
	rr      *recordings.Run
	spikes  *recordings.SpikeWriter
	rec     *recorder
	smp     *sampler
	ckEvery sim.Time // 0: only at the end and on a signal
	keep    int
	ckDone  chan error // the checkpoint being written, if any
	flags   runFlags
}

// run builds and runs one network, or resumes one (--resume), and writes its outputs.
// Everything that can be refused (flags, spec, memory, output directory, checkpoint) is
// checked before the first byte is written.
func run(arg string, f runFlags, stdout io.Writer) (sum *Summary, err error) {
	defer func() {
		// A panic is a bug in snn, not the user's doing: report it as such, not as a
		// Go stack trace.
		if p := recover(); p != nil {
			sum, err = nil, fmt.Errorf("internal error (please report it with the spec and seed): %v", p)
		}
	}()
	var duration sim.Time
	if f.duration != "" {
		ms, _, err := spec.ParseQuantity(f.duration, spec.Time)
		if err != nil {
			return nil, usageError{fmt.Errorf("--duration %q: %v", f.duration, err)}
		}
		if duration = sim.FromMs(ms); duration <= 0 {
			return nil, usageError{fmt.Errorf("--duration %q: must be positive", f.duration)}
		}
	}
	if f.keep == 0 {
		f.keep = 3 // the zero value of callers that set no flags
	}
	if f.keep < 1 {
		return nil, usageError{fmt.Errorf("--keep-checkpoints %d: keep at least one", f.keep)}
	}
	ss := &session{keep: f.keep, flags: f}
	if f.checkpointEvery != "" {
		ms, _, err := spec.ParseQuantity(f.checkpointEvery, spec.Time)
		if err != nil || !(ms > 0) {
			return nil, usageError{fmt.Errorf("--checkpoint-every %q: expected a positive time such as \"1 s\"", f.checkpointEvery)}
		}
		ss.ckEvery = sim.FromMs(ms)
	}
	if f.resume != "" {
		err = ss.resume(arg, f, duration)
	} else {
		err = ss.start(arg, f, duration)
	}
	if err != nil {
		return nil, err
	}
	return ss.execute(stdout)
}

// start builds a new run.
func (ss *session) start(arg string, f runFlags, duration sim.Time) error {
	if arg == "" {
		arg = examples.Default
	}
	s, source, text, err := loadSpec(arg)
	if err != nil {
		return err
	}
	opt := spec.Options{MemoryLimit: availableMemory(), Duration: duration, NoRewards: f.noRewards}
	if f.seedSet {
		opt.Seed = &f.seed
	}
	t0 := time.Now()
	net, err := spec.Build(s, opt)
	if err != nil {
		return usageError{err}
	}
	ss.net, ss.source, ss.text, ss.build = net, source, text, time.Since(t0)

	dir := f.out
	if dir == "" {
		dir = filepath.Join("runs", fmt.Sprintf("%s-%s", net.Name, time.Now().Format("20060102-150405")))
		for k := 2; exists(dir); k++ {
			dir = filepath.Join("runs", fmt.Sprintf("%s-%s-%d", net.Name, time.Now().Format("20060102-150405"), k))
		}
	}
	for _, f := range []string{"run.json", "summary.json", "spikes"} {
		if exists(filepath.Join(dir, f)) {
			return usageError{fmt.Errorf("%s already holds a run (%s); choose another -o or remove it, or continue it with --resume", dir, f)}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ss.dir = dir
	var pops []recordings.Population
	for _, g := range net.Groups {
		pops = append(pops, recordings.Population{Name: g.Name, Size: g.Size, Model: g.Model, Input: g.Input, Recorded: g.Record})
	}
	var projs []recordings.Projection
	for k := range net.Projections {
		bp := &net.Projections[k]
		p := recordings.Projection{Name: bp.Name, From: bp.From, To: bp.To, Synapses: bp.P.Len(), Unit: bp.Unit}
		if lo, hi, ok := bp.Bounds(); ok {
			p.Plastic, p.WMin, p.WMax = true, &lo, &hi
		}
		projs = append(projs, p)
	}
	ss.rr, err = recordings.CreateRun(dir, recordings.Manifest{Version: version, Name: net.Name, Spec: source,
		SpecText: string(text), Seed: net.Seed, DurationNs: int64(net.Duration), Populations: pops, Projections: projs, NoRewards: f.noRewards, Started: time.Now().UTC()})
	if err != nil {
		return err
	}
	if err := ss.rr.AddDataset("spikes", recordings.SpikeColumns); err != nil {
		return err
	}
	return ss.openWriters(nil)
}

// meta is the key-value metadata of every part.
func (ss *session) meta() map[string]string {
	return map[string]string{"snn.run": ss.net.Name, "snn.seed": strconv.FormatUint(ss.net.Seed, 10),
		"snn.version": version, "snn.spec": ss.source, "snn.format": recordings.Format}
}

// openWriters starts the datasets' writers, at the checkpoint's positions when resuming.
func (ss *session) openWriters(ck *recordings.Checkpoint) error {
	names := make([]string, len(ss.net.Groups))
	for g, gr := range ss.net.Groups {
		names[g] = gr.Name
	}
	var err error
	ss.spikes, err = recordings.NewSpikeWriter(ss.dir, names, ss.meta(), recordings.DefaultLimits, ss.rr.PartClosed("spikes"))
	if err != nil {
		return err
	}
	ss.rec = newRecorder(ss.net, ss.spikes)
	ss.net.Engine.Observe(ss.rec)
	ss.smp, err = newSampler(ss.net, ss.dir, ss.meta(), ss.rr, ck != nil)
	if err != nil {
		ss.spikes.Close()
		return err
	}
	if ck != nil {
		ss.spikes.StartAt(ck.Parts["spikes"])
		ss.smp.startAt(ck.Parts)
	}
	return nil
}

// resume rebuilds the network of the run in f.resume and restores its latest checkpoint.
func (ss *session) resume(arg string, f runFlags, duration sim.Time) error {
	dir := f.resume
	if f.out != "" || f.seedSet {
		return usageError{fmt.Errorf("--resume continues %s with its own seed and directory; drop -o and --seed", dir)}
	}
	m, err := recordings.ReadManifest(dir)
	if err != nil {
		return usageError{fmt.Errorf("--resume %s: %w", dir, err)}
	}
	ck, path, skipped, err := recordings.LatestCheckpoint(dir)
	if err != nil {
		return usageError{fmt.Errorf("--resume: %w", err)}
	}
	for _, e := range skipped {
		fmt.Fprintf(os.Stderr, "snn: skipping %v\n", e)
	}
	if ck.Version != version {
		return usageError{fmt.Errorf("%s was written by snn %s; this is snn %s, which cannot resume it exactly", path, ck.Version, version)}
	}
	text := []byte(m.SpecText)
	if arg != "" { // a spec given with --resume must be the run's
		_, _, t, err := loadSpec(arg)
		if err != nil {
			return err
		}
		text = t
	}
	if specDigest(text) != ck.SpecSHA256 {
		return usageError{fmt.Errorf("the spec differs from the one %s was run with; resuming needs the same spec", dir)}
	}
	s, err := spec.Decode(m.Spec, text)
	if err != nil {
		return usageError{err}
	}
	if s.Name == "" {
		s.Name = m.Name
	}
	seed := m.Seed
	opt := spec.Options{MemoryLimit: availableMemory(), Seed: &seed, Duration: sim.Time(m.DurationNs), NoRewards: m.NoRewards}
	if duration > 0 {
		opt.Duration = duration
	}
	if opt.Duration < sim.Time(ck.TimeNs) {
		return usageError{fmt.Errorf("--duration %v is before the checkpoint at %v", opt.Duration, sim.Time(ck.TimeNs))}
	}
	t0 := time.Now()
	net, err := spec.Build(s, opt)
	if err != nil {
		return usageError{err}
	}
	if err := net.Engine.UnmarshalState(ck.Engine); err != nil {
		return usageError{fmt.Errorf("%s: %w", path, err)}
	}
	ss.net, ss.source, ss.text, ss.build, ss.dir = net, m.Spec, text, time.Since(t0), dir
	if ss.rr, err = recordings.OpenRun(dir, ck); err != nil {
		return err
	}
	if err := ss.openWriters(ck); err != nil {
		return err
	}
	if err := ss.restoreCommand(ck.Command); err != nil {
		return usageError{fmt.Errorf("%s: %w", path, err)}
	}
	fmt.Fprintf(os.Stderr, "snn: resuming %s from %s at %v\n", dir, filepath.Base(path), net.Engine.Now())
	return nil
}

// interrupted is the error of a run stopped by a signal after its checkpoint.
type interrupted struct {
	sig os.Signal
	dir string
}

func (e interrupted) Error() string {
	return fmt.Sprintf("%v: stopped after writing a checkpoint; continue with: snn run --resume %s", e.sig, e.dir)
}

// execute runs the session to its end, or to a signal, writing checkpoints on the way.
func (ss *session) execute(stdout io.Writer) (*Summary, error) {
	net := ss.net
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	var stop atomic.Value
	go func() {
		s, ok := <-sigs
		if !ok {
			return
		}
		stop.Store(s)
		fmt.Fprintf(os.Stderr, "snn: %v: finishing the current slice and writing a checkpoint (a second signal exits at once)\n", s)
		if _, ok := <-sigs; ok {
			fmt.Fprintln(os.Stderr, "snn: second signal: exiting now; the complete parts and the last checkpoint stay usable")
			os.Exit(1)
		}
	}()
	defer func() { signal.Stop(sigs); close(sigs) }() // stop delivery before closing

	nextCk := sim.Never
	if ss.ckEvery > 0 {
		nextCk = (net.Engine.Now()/ss.ckEvery + 1) * ss.ckEvery
	}
	t1 := time.Now()
	prog := newProgress(os.Stderr, ss.flags.quiet, net.Engine.Now(), net.Duration)
	defer prog.finish()
	spikes0 := net.Engine.Stats().Spikes
	var runErr error
	for t := net.Engine.Now(); t < net.Duration; {
		from := t
		before := append([]int64(nil), ss.rec.counts...)
		// Run in slices (stopping and continuing changes nothing) up to the next sample,
		// checkpoint or end, checking the recordings and signals in between.
		t = min(t+slice, ss.smp.next(), nextCk, net.Duration)
		net.Engine.Run(t)
		ss.smp.sample(t)
		if runErr = errors.Join(ss.spikes.Err(), ss.smp.err()); runErr != nil {
			break
		}
		prog.update(t, net.Engine.Stats().Spikes-spikes0)
		if err := ss.guard(from, t, before); err != nil {
			// Keep what led here: a checkpoint and the recordings, then stop.
			err = fmt.Errorf("%s: the run stopped: %w (a checkpoint and the recordings up to here are kept)", ss.dir, err)
			err = errors.Join(err, ss.checkpoint(), ss.waitCheckpoint(), ss.spikes.Close(), ss.smp.close())
			ss.rr.Finish(err)
			return nil, err
		}
		if t == nextCk && t < net.Duration {
			if err := ss.checkpoint(); err != nil {
				runErr = err
				break
			}
			nextCk += ss.ckEvery
		}
		if s, ok := stop.Load().(os.Signal); ok && t < net.Duration {
			if err := errors.Join(ss.checkpoint(), ss.waitCheckpoint()); err != nil {
				runErr = err
				break
			}
			err := errors.Join(ss.spikes.Close(), ss.smp.close())
			if err == nil {
				err = interrupted{s, ss.dir}
			}
			ss.rr.Finish(err)
			return nil, err
		}
	}
	wall := time.Since(t1)
	if runErr == nil {
		runErr = ss.checkpoint()
	}
	runErr = errors.Join(runErr, ss.waitCheckpoint())
	if err := errors.Join(runErr, ss.spikes.Close(), ss.smp.close()); err != nil {
		err = fmt.Errorf("writing the recordings into %s: %w (the parts listed in run.json are complete)", ss.dir, err)
		ss.rr.Finish(err)
		return nil, err
	}
	if err := ss.rr.Finish(nil); err != nil {
		return nil, err
	}
	sum := ss.rec.summary(ss.source, net, wall, ss.build)
	b, _ := json.MarshalIndent(sum, "", "  ")
	if err := recordings.WriteAtomic(filepath.Join(ss.dir, "summary.json"), append(b, '\n')); err != nil {
		return nil, err
	}
	printSummary(stdout, sum, ss.dir)
	return sum, nil
}

// checkpoint cuts every dataset into complete parts and captures the run's state; a
// goroutine writes the file while the run goes on (wait, or the next checkpoint, waits for
// it).
func (ss *session) checkpoint() error {
	if err := ss.waitCheckpoint(); err != nil {
		return err
	}
	if _, err := ss.spikes.Cut(); err != nil {
		return err
	}
	if err := ss.smp.cut(); err != nil {
		return err
	}
	eng, err := ss.net.Engine.MarshalState()
	if err != nil {
		return err
	}
	cmd, err := ss.commandState()
	if err != nil {
		return err
	}
	parts, rows := ss.rr.Positions()
	ck := &recordings.Checkpoint{Version: version, SpecSHA256: specDigest(ss.text),
		Seed: ss.net.Seed, TimeNs: int64(ss.net.Engine.Now()), Engine: eng, Command: cmd, Parts: parts, Rows: rows}
	ss.ckDone = make(chan error, 1)
	go func(done chan<- error) {
		_, err := recordings.WriteCheckpoint(ss.dir, ck, ss.keep)
		done <- err
	}(ss.ckDone)
	return nil
}

// waitCheckpoint waits for the checkpoint being written, if any, and returns its error.
func (ss *session) waitCheckpoint() error {
	if ss.ckDone == nil {
		return nil
	}
	err := <-ss.ckDone
	ss.ckDone = nil
	if err != nil {
		return fmt.Errorf("writing a checkpoint: %w", err)
	}
	return nil
}

// guard stops runaway activity and numerical failure: a population whose mean rate over
// the slice [from, t) exceeds --max-rate, or a neuron whose state is not finite.
func (ss *session) guard(from, t sim.Time, before []int64) error {
	if err := ss.net.Engine.CheckState(); err != nil {
		return fmt.Errorf("at %v: %w", t, err)
	}
	if ss.flags.maxRate <= 0 || t <= from {
		return nil
	}
	for g, gr := range ss.net.Groups {
		if gr.Input {
			continue
		}
		rate := float64(ss.rec.counts[g]-before[g]) / float64(gr.Size) / (t - from).Seconds()
		if rate > ss.flags.maxRate {
			return fmt.Errorf("runaway activity: population %q fired at %.0f Hz per neuron between %v and %v, above --max-rate %g Hz", gr.Name, rate, from, t, ss.flags.maxRate)
		}
	}
	return nil
}

// specDigest identifies a spec's text in checkpoints.
func specDigest(text []byte) string {
	h := sha256.Sum256(text)
	return hex.EncodeToString(h[:])
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func printSummary(w io.Writer, s *Summary, dir string) {
	fmt.Fprintf(w, "%s: %s simulated in %.3f s (build %.3f s), seed %d\n", s.Name, time.Duration(s.SimSeconds*1e9), s.WallSeconds, s.BuildSeconds, s.Seed)
	fmt.Fprintf(w, "%d spikes, %d synaptic events (%.3g per wall second)\n", s.Spikes, s.SynapticEvents, float64(s.SynapticEvents)/max(s.WallSeconds, 1e-9))
	fmt.Fprintf(w, "%-12s %8s %10s %10s %8s\n", "population", "neurons", "spikes", "rate (Hz)", "CV ISI")
	for _, name := range s.order {
		p := s.Populations[name]
		cv := "-"
		if p.CVISI != nil {
			cv = fmt.Sprintf("%.3f", *p.CVISI)
		}
		fmt.Fprintf(w, "%-12s %8d %10d %10.3f %8s\n", name, p.Neurons, p.Spikes, p.MeanRateHz, cv)
	}
	names := make([]string, 0, len(s.Plastic))
	for n := range s.Plastic {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := s.Plastic[n]
		fmt.Fprintf(w, "weights %s: mean %.4g %s in [%g, %g], 99th percentile %.4g; %.1f %% within 10 %% of w_min, %.1f %% of w_max\n",
			n, p.Mean, p.Unit, p.WMin, p.WMax, p.P99, 100*p.NearMin, 100*p.NearMax)
	}
	fmt.Fprintf(w, "spikes_sha256 %s\nwrote %s\n", s.SpikesSHA256, dir)
}
