//go:build !race

package hsds_test

const raceEnabled = false
