package directory

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotSnapshot reports a Save to a path that holds something other than
// a snapshot: a file, a symbolic link, or a folder with files a snapshot
// does not have. Save never deletes what it did not write.
var ErrNotSnapshot = errors.New("directory: not a snapshot folder")

// SnapshotError reports a snapshot that cannot be opened or a folder Save
// will not replace: which folder, which file inside it, and why. Err wraps
// ErrBadSnapshot (Open) or ErrNotSnapshot (Save), and fs.ErrNotExist when
// nothing is there; test with errors.Is.
type SnapshotError struct {
	Dir  string // the snapshot folder as given (or the folder Open fell back to)
	File string // slash-separated path inside Dir; "" for the folder itself
	Err  error
}

func (e *SnapshotError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "directory: snapshot %s", e.Dir)
	if e.File != "" {
		fmt.Fprintf(&b, ": file %s", e.File)
	}
	b.WriteString(": ")
	b.WriteString(strings.TrimPrefix(e.Err.Error(), "directory: "))
	return b.String()
}

func (e *SnapshotError) Unwrap() error { return e.Err }

// badSnapshot returns a SnapshotError wrapping ErrBadSnapshot and why.
func badSnapshot(dir, file string, format string, args ...any) error {
	return &SnapshotError{Dir: dir, File: file, Err: fmt.Errorf("%w: "+format, append([]any{ErrBadSnapshot}, args...)...)}
}
