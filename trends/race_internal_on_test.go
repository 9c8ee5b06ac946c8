//go:build race

package trends

// raceOn: the race detector slows the internal tests about tenfold, so
// their random campaigns are shorter under it.
const raceOn = true
