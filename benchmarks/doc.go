// Package benchmarks holds wraparound's measurements: each benchmark runs
// the library beside a baseline (a brute-force scan, a greedy assignment)
// in the same run, on seeded synthetic data of the sizes the targets name.
//
//	go test ./benchmarks -run '^$' -bench . -benchtime 2s
//
// The tests in this package check that the library and its baseline return
// the same answers, so a faster index is never bought with wrong results.
package benchmarks
