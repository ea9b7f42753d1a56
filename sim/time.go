package sim

import (
	"math"
	"strconv"
)

// Time is simulated time in integer ticks of one nanosecond since the start of a run.
// An int64 covers 292 years, so a run of any realistic length never overflows, and
// because time is an integer there is no floating-point drift however long a run is.
//
// Spike times found between events (threshold crossings) are rounded up to the next
// tick, so they are kept to 1 ns, three orders of magnitude finer than the 1 µs the
// exactness contract asks for.
type Time int64

// Units of Time. Models compute in milliseconds (float64); Ms and FromMs are the only
// conversions between the two.
const (
	Nanosecond  Time = 1
	Microsecond Time = 1000 * Nanosecond
	Millisecond Time = 1000 * Microsecond
	Second      Time = 1000 * Millisecond

	// Never is later than every event: the time of something that will not happen.
	Never Time = math.MaxInt64
)

// Ms returns t in milliseconds.
func (t Time) Ms() float64 { return float64(t) * 1e-6 }

// Seconds returns t in seconds.
func (t Time) Seconds() float64 { return float64(t) / 1e9 }

// FromMs converts a duration in milliseconds to the nearest tick.
func FromMs(ms float64) Time { return Time(math.Round(ms * 1e6)) }

// CeilMs converts a time in milliseconds to the first tick at or after it; values beyond
// the representable range give Never.
func CeilMs(ms float64) Time {
	ns := math.Ceil(ms * 1e6)
	if !(ns < float64(math.MaxInt64)) {
		return Never
	}
	return Time(ns)
}

// FloorMs converts a time in milliseconds to the last tick at or before it; values beyond
// the representable range give Never.
func FloorMs(ms float64) Time {
	ns := math.Floor(ms * 1e6)
	if !(ns < float64(math.MaxInt64)) {
		return Never
	}
	return Time(ns)
}

// String formats t with the largest unit that keeps it readable, for messages.
func (t Time) String() string {
	switch {
	case t == Never:
		return "never"
	case t%Second == 0:
		return strconv.FormatInt(int64(t/Second), 10) + " s"
	case t%Millisecond == 0:
		return strconv.FormatInt(int64(t/Millisecond), 10) + " ms"
	case t%Microsecond == 0:
		return strconv.FormatInt(int64(t/Microsecond), 10) + " us"
	}
	return strconv.FormatFloat(t.Ms(), 'g', -1, 64) + " ms"
}
