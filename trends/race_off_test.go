//go:build !race

package trends_test

const raceEnabled = false
