//go:build !unix

package flow

import "time"

// cpuTime is not measured on this system: cpu-s/op reads 0.
func cpuTime() time.Duration { return 0 }
