//go:build race

package directory_test

// raceEnabled reports a build with the race detector, under which the
// crash campaign's child processes run several times slower.
const raceEnabled = true
