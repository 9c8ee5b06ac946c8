package match

// RouteAlone makes Assign route every student on its own, as Plan does,
// instead of composing profiles from shared per-stop ranges, until the
// returned function restores the default. Results must not differ.
func RouteAlone() (restore func()) {
	routeAlone.Store(true)
	return func() { routeAlone.Store(false) }
}
