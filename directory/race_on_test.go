//go:build race

package directory_test

// raceEnabled: the race detector slows hostile-input tests several times,
// so they run smaller inputs under it.
const raceEnabled = true
