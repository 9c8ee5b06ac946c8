package directory_test

import (
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/oracle"
)

// passesQuery reports whether p passes q's hard filters other than
// distance, read from the provider's public fields alone (package
// oracle): the tests' oracle for the index's filters. It does not answer
// Serves, Transit or Trip; tests that use it leave those unset.
func passesQuery(p directory.Listing, q directory.Query) bool { return oracle.Keeps(p, &q) }
