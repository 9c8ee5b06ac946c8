//go:build !race

package transit_test

const raceEnabled = false
