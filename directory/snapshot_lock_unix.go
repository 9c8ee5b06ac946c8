//go:build unix

package directory

import (
	"os"
	"syscall"
)

// lockFolder takes an advisory lock (flock) on the folder path, exclusive
// or shared, blocking until it is granted. Save holds it exclusively and
// Open shared, so that Open never reads a snapshot in the middle of a
// swap and leftovers of killed Saves can be told from a Save at work. ok
// is false when the folder cannot be locked (no such folder, a file
// system without locks); the caller then proceeds without.
func lockFolder(path string, exclusive bool) (unlock func(), ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return func() {}, false
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return func() {}, false
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, true
}
