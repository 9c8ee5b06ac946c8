//go:build !race

package match_test

// raceEnabled reports a build with the race detector.
const raceEnabled = false
