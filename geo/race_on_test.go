//go:build race

package geo

// raceEnabled lets long randomized tests run fewer cases under the race
// detector, which slows them about tenfold and finds nothing more in
// single-goroutine code.
const raceEnabled = true
