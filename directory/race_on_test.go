//go:build race

package directory_test

// raceEnabled reports a build with the race detector, which slows the
// crash campaign and the hostile-input tests several times, so they run
// fewer or smaller cases under it.
const raceEnabled = true
