package benchmarks

import (
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"
)

// heapObjects returns the bytes of heap objects, live or not yet swept.
// It reads runtime/metrics, which, unlike runtime.ReadMemStats, does not
// stop the world, so sampling it does not slow what is measured.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakHeap runs fn while sampling heapObjects every interval and returns
// the largest value seen: a lower bound of the true peak, since a spike
// between two samples is missed.
func peakHeap(interval time.Duration, fn func()) uint64 {
	var peak atomic.Uint64
	sample := func() {
		if v := heapObjects(); v > peak.Load() {
			peak.Store(v)
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	sample()
	fn()
	close(stop)
	<-done
	sample()
	return peak.Load()
}

// short reports whether the agreement tests should run their small
// sizes: under -short, and under the race detector.
func short() bool { return testing.Short() || raceEnabled }
