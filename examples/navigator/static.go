package main

import (
	"embed"
	"io/fs"
	"net/http"
)

// web holds the map page: HTML, CSS, the script and vendored Leaflet.
//
//go:embed web
var web embed.FS

// staticHandler serves the embedded page. Files are cached for an hour
// except the page itself, so a new build shows at once.
func staticHandler() http.Handler {
	sub, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'")
		if r.URL.Path != "/" && r.URL.Path != "/index.html" {
			w.Header().Set("Cache-Control", "max-age=3600")
		}
		files.ServeHTTP(w, r)
	})
}
