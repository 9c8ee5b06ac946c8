//go:build race

package hsds_test

// raceEnabled: the race detector slows the importer several times; the
// memory bounds run at a quarter of their size.
const raceEnabled = true
