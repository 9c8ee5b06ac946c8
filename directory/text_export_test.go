package directory

// Hooks for the tests of package directory_test.

// Candidate drivers of SearchText, to check that each gives the same
// answer.
const (
	DriveAuto  = driveAuto
	DriveWords = driveWords
	DriveSpace = driveSpace
)

// SearchTextWith runs q with candidates enumerated by drive.
func SearchTextWith(d *Directory, q TextQuery, drive int) (*TextResults, error) {
	return d.searchText(&q, drive)
}

// SetSaveHook makes Save call fn after each step; an error from fn stops
// the save there, as a crash would. It returns a function that removes
// the hook.
func SetSaveHook(fn func(step string) error) (restore func()) {
	saveHook = fn
	return func() { saveHook = nil }
}
