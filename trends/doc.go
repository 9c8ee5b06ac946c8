// Package trends aggregates need requests by region, time and category.
package trends
