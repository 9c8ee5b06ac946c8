package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium finds an installed Chromium or Chrome; the test never
// downloads one.
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowser drives headless Chromium through the page as a Navigator
// would: load it, set the home by clicking the map, add a need, find
// places and see them ranked in the list and as numbered markers, switch
// to Spanish and see the plan in Spanish, open the trends view and see
// the suppressed neighborhoods hatched and labelled "fewer than 10",
// and on a phone-sized screen see no sideways scrolling. Screenshots go
// to the test's temporary directory, and also to $NAVIGATOR_SCREENSHOTS
// when set (to look at them, or for the README).
func TestBrowser(t *testing.T) {
	path := chromium()
	if path == "" {
		t.Skip("Chromium is not installed (looked for chromium, chromium-browser, google-chrome): " +
			"install it (apt-get install chromium; .ci/run does) to run the browser test")
	}
	f := getFixture(t)
	shots := t.TempDir()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first Run starts the browser; it must not carry a timeout.
	require.NoError(t, chromedp.Do(ctx))
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelT()

	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(shots, name), buf, 0o644))
		if dir := os.Getenv("NAVIGATOR_SCREENSHOTS"); dir != "" {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), buf, 0o644))
		}
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		require.NoError(t, err, expr)
		return s
	}
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+quoteJS(sel)+`).length`))
		require.NoError(t, err)
		return n
	}
	wait := func(expr string) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(60*time.Second)))
		require.NoError(t, err, "waiting for %s", expr)
	}

	// settle waits for the map's zoom and pan animations to end, so that
	// screenshots are sharp.
	settle := func() {
		t.Helper()
		wait(`!document.querySelector(".leaflet-zoom-anim, .leaflet-pan-anim")`)
		time.Sleep(400 * time.Millisecond)
	}

	// Load the page.
	start := time.Now()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(f.srv.URL)))
	wait(`document.body.dataset.ready === "true" && document.querySelectorAll(".leaflet-overlay-pane path").length > 100`)
	t.Logf("page ready in %v (regions and routes drawn); the page's own clock says %s ms from navigation start",
		time.Since(start).Round(time.Millisecond), eval(`document.body.dataset.readyMs`))
	assert.Equal(t, "Find places", eval(`document.getElementById("find").textContent`))

	// Set the home by clicking the middle of the map.
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById("map").getBoundingClientRect(); return [r.left + r.width/2, r.top + r.height/2]; })()`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.MouseClickXY(box[0], box[1])))
	wait(`document.getElementById("home-status").textContent === "Home set on the map."`)
	assert.Equal(t, 1, count(".home-pin"))

	// Add a need and find places.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("item-cat"), "basic.food"),
		chromedp.SendKeys(chromedp.ID("item-words"), "food box"),
		chromedp.Click(chromedp.ID("add-item")),
	))
	wait(`document.querySelectorAll("#items li").length === 1`)
	assert.Contains(t, eval(`document.querySelector("#items li").textContent`), "Food")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("item-kind"), "interest"),
		chromedp.SetValue(chromedp.ID("item-cat"), "enrichment.sports"),
		chromedp.SendKeys(chromedp.ID("item-words"), "soccer"),
		chromedp.Click(chromedp.ID("add-item")),
	))
	wait(`document.querySelectorAll("#items li").length === 2`)
	// Two availability windows: weekdays after school (the default
	// days and hours) and Saturday morning.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("add-window"))))
	_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		document.querySelectorAll(".days input").forEach((i) => { i.checked = i.value === "Sa"; });
		document.getElementById("from").value = "09:00";
		document.getElementById("to").value = "13:00";
	})()`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("add-window"))))
	wait(`document.querySelectorAll("#windows li").length === 2`)
	assert.Equal(t, "Sa 09:00–13:00", eval(`document.querySelectorAll("#windows li span")[1].textContent`))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("find"))))
	wait(`document.querySelectorAll("#results .match").length > 0`)
	matches, markers := count("#results .match"), count(".leaflet-marker-pane .result-marker")
	assert.Positive(t, matches)
	assert.Equal(t, matches, markers, "one marker per listed provider")
	assert.Equal(t, "1", eval(`document.querySelector("#results .match .rank").textContent`))
	assert.Equal(t, "Need: Food", eval(`document.querySelector("#results .item h3").textContent`))
	assert.Contains(t, eval(`document.querySelector("#results .match .how").textContent`), "min")
	assert.Contains(t, eval(`document.getElementById("form-status").textContent`), "places found")
	settle()
	shot("plan-en.png")

	// Spanish.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("lang-es"))))
	wait(`document.querySelector("#results .item h3") && document.querySelector("#results .item h3").textContent.startsWith("Necesidad")`)
	assert.Equal(t, "Buscar lugares", eval(`document.getElementById("find").textContent`))
	assert.Equal(t, "es", eval(`document.documentElement.lang`))
	assert.Equal(t, "Necesidad: Comida", eval(`document.querySelector("#results .item h3").textContent`))
	text := eval(`document.getElementById("results").textContent`)
	assert.True(t, strings.Contains(text, "a pie") || strings.Contains(text, "Camine"), "directions in Spanish: %.300s", text)
	assert.NotContains(t, text, "Walk ")
	assert.Equal(t, matches, count(".leaflet-marker-pane .result-marker"))
	settle()
	shot("plan-es.png")

	// Trends, in English.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("lang-en")), chromedp.Click(chromedp.ID("view-trends"))))
	wait(`document.querySelectorAll("path.suppressed").length > 0 && document.querySelectorAll("path.counted").length > 0`)
	assert.Equal(t, 0, count(".leaflet-marker-pane .result-marker"), "plan markers hidden in the trends view")
	assert.Equal(t, "url(#hatch)", eval(`document.querySelector("path.suppressed").getAttribute("fill")`))
	assert.Positive(t, count("#trend-table td.suppressed"))
	assert.Equal(t, "fewer than 10", eval(`document.querySelector("#trend-table td.suppressed").textContent`))
	assert.Contains(t, eval(`document.getElementById("legend").textContent`), "fewer than 10")
	assert.Positive(t, count("#rising li"))
	assert.Positive(t, count("#gaps li"))
	settle()
	shot("trends.png")

	// A phone-sized screen: everything fits the width.
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Click(chromedp.ID("view-plan"))))
	wait(`document.getElementById("panel-plan").hidden === false`)
	width, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, window.innerWidth]`))
	require.NoError(t, err)
	assert.LessOrEqual(t, width[0], width[1], "sideways scrolling on a phone")
	shot("phone.png")
	t.Logf("screenshots in %s", shots)
}

// quoteJS quotes s as a JavaScript string literal.
func quoteJS(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
