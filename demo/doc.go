// Package demo carries embedded public data about Chattanooga, Tennessee —
// neighborhood, zip-code and council-district boundaries, CARTA's GTFS feed
// and OpenStreetMap's groceries — and the demo provider directory generated
// from it, so that examples, tests and benchmarks run offline.
//
// What is real and what is generated: the geography, the bus network and the
// 46 groceries with their opening hours and SNAP/WIC acceptance are real
// public data. No public file lists Chattanooga's food banks, clinics or
// tutoring programs, so every provider of those other categories is placed
// by a seeded generator at plausible places; they are not real
// organisations. Show Attribution wherever the data is displayed.
//
// See data/LICENSE.md for each file's source and licence.
package demo
