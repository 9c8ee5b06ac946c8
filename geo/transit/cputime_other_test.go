//go:build !unix

package transit_test

import "time"

// cpuTime returns 0 where getrusage is unavailable: the cpu-ns/op figure
// then reads 0.
func cpuTime() time.Duration { return 0 }
