//go:build !unix

package directory

// lockFolder does nothing where flock is not available: Open then never
// removes leftovers of killed Saves (Save still does), and a Save to the
// same folder from another process must not run at the same time.
func lockFolder(path string, exclusive bool) (unlock func(), ok bool) {
	return func() {}, false
}
