// Package benchmarks holds wraparound's measurements: each benchmark runs
// the library beside a baseline (a brute-force scan, a greedy assignment)
// in the same run, on seeded synthetic data of the sizes the targets name.
//
//	go test ./benchmarks -run '^$' -bench . -benchtime 2s
//
// The tests in this package check that the library and its baseline return
// the same answers, so a faster index is never bought with wrong results.
//
// Sizes past what CI affords run only when the environment variable
// WRAPAROUND_LARGE is 1:
//
//	WRAPAROUND_LARGE=1 go test ./benchmarks -run '^$' -bench 'Trends' -benchtime 1x -timeout 2h
//
// adds events=100000000 to BenchmarkTrendsIngest, BenchmarkTrendsQuery and
// BenchmarkTrendsPersist (the 10M generated requests ingested ten times).
// Without it only the smaller sizes run.
package benchmarks
