// Package geo holds the geometry wraparound works in: points, great-circle
// distances, walking-time estimates, bounds, and named regions.
//
// Points are orb.Point values in (longitude, latitude) order, degrees, WGS84.
// People usually say latitude first, so PointFromLatLon takes them in that
// order and validates them; everything inside the library is lon/lat.
//
// Distances are great-circle distances on a sphere of radius EarthRadius
// (the IUGG mean earth radius, 6,371,008.8 m), in Meters. At city scale the
// spherical model differs from the WGS84 ellipsoid by at most about 0.5%,
// far below the uncertainty of a walking route.
//
// ValidatePoint is the one check every importer, query and student record
// shares: finite, in range, and not (0, 0), the null island that failed
// geocodes produce (ErrNullIsland). Its *PointError names the coordinate at
// fault and never quotes the values, so it can be logged for a home.
//
// Regions holds named polygons (neighborhoods, zip codes, council districts)
// read from a GeoJSON FeatureCollection and answers "which region contains
// this point" with an rtree over polygon bounds and an exact point-in-polygon
// test afterwards. Holes and MultiPolygons are honoured; points on a boundary
// are considered in. ReadRegions refuses what would make an answer wrong or
// a later step fail: unclosed or zero-area rings, boundaries that cross
// themselves, holes outside their shell, positions that are not two or
// three numbers, duplicate names. Every problem names its feature, polygon,
// ring and vertex; a set is never half-loaded. RegionOptions{Lenient: true}
// instead leaves out each bad feature, listing it in SkippedFeatures, and
// builds the set from the rest, unchanged. Reading is O(n log n) in the
// vertices (a Shamos–Hoey sweep finds crossings) and memory O(n).
//
// Typical usage:
//
//	home, err := geo.PointFromLatLon(35.0456, -85.3097)
//	if err != nil { … }
//	regions, err := geo.ReadRegions(r, "name")
//	if err != nil { … }
//	if reg, ok := regions.Locate(home); ok {
//		fmt.Println(reg.Name)
//	}
//	d := geo.Distance(home, provider) // meters
//	fmt.Println(geo.WalkTime(d))
//
// All functions are safe for concurrent use; a *Regions is immutable after
// it is read and may be shared by any number of goroutines.
package geo
