//go:build !race

package trends

const raceOn = false
