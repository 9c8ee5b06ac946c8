package flow_test

import (
	"context"
	"fmt"

	"github.com/wraparound/wraparound/internal/flow"
)

// Two students' needs compete for one tutoring seat (pool 0); the second
// need can also use an unlimited pool 1 at lower value. Greedy gives the
// seat to whoever comes first; Solve serves both.
func ExampleSolve() {
	p := &flow.Problem{
		Left:   2,
		Tier:   []uint8{1, 3},
		Cap:    []int32{1, flow.Unlimited},
		Start:  []int32{0, 1, 3},
		To:     []int32{0, 0, 1},
		Weight: []int64{9000, 8000, 6000},
	}
	res, err := flow.Solve(context.Background(), p, flow.MaxTotal, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Assign, res.Total)
	greedy, _ := flow.Greedy(context.Background(), p)
	fmt.Println(greedy.Assign, greedy.Total)
	// Output:
	// [0 1] 15000
	// [-1 0] 8000
}
