//go:build race

package trends_test

// raceEnabled: the race detector slows these tests about tenfold, so the
// longest campaigns run fewer rounds under it (CI runs the suite with
// -race); a plain `go test` runs them in full.
const raceEnabled = true
