//go:build race

package transit_test

// raceEnabled scales the heaviest comparisons down under the race
// detector, which slows them about tenfold.
const raceEnabled = true
