//go:build race

package benchmarks

// raceEnabled reports a build with the race detector, several times
// slower: the full-scale agreement tests then run their short sizes.
const raceEnabled = true
