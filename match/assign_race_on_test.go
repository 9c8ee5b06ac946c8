//go:build race

package match_test

// raceEnabled reports a build with the race detector, several times
// slower: the shared-ranges agreement test then runs its short size.
const raceEnabled = true
