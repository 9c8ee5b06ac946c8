// Package privacy holds the project-wide checks that student data stays in
// the caller's memory: the library packages never log or print, and what
// they return for bad students never repeats the student's values.
package privacy

import (
	"context"
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/match"
)

// libraryDirs are the packages districts embed; examples and benchmarks
// are programs and may print.
var libraryDirs = []string{"geo", "geo/transit", "directory", "directory/hsds", "match", "trends", "demo", "internal/flow", "internal/synth"}

// TestLibraryNeverLogs parses every non-test file of the library and
// fails on an import of a logging package or a print to the process's
// own output: with no log line, no log line can carry a student field.
func TestLibraryNeverLogs(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	banned := map[string]bool{"log": true, "log/slog": true, "log/syslog": true}
	for _, dir := range libraryDirs {
		files, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
		require.NoError(t, err)
		require.NotEmpty(t, files, dir)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			fs := token.NewFileSet()
			file, err := parser.ParseFile(fs, f, nil, parser.ImportsOnly)
			require.NoError(t, err)
			for _, im := range file.Imports {
				path, _ := strconv.Unquote(im.Path.Value)
				assert.False(t, banned[path], "%s imports %s", f, path)
			}
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			for _, call := range []string{"fmt.Print", "os.Stdout", "os.Stderr", "println("} {
				for _, line := range strings.Split(string(src), "\n") {
					if trimmed := strings.TrimSpace(line); strings.Contains(line, call) && !strings.HasPrefix(trimmed, "//") {
						t.Errorf("%s prints: %s", f, trimmed)
					}
				}
			}
		}
	}
}

// TestErrorsNeverQuoteStudents plants recognisable values in every field
// of invalid students and checks that no error from planning or cohort
// matching, and no analyst export, repeats one.
func TestErrorsNeverQuoteStudents(t *testing.T) {
	t.Parallel()
	d, err := demo.Directory()
	require.NoError(t, err)
	m, err := match.New(t.Context(), d, match.Config{})
	require.NoError(t, err)
	secrets := []string{"-85.123457", "35.987654", "85.123457", "35.98765", "87.123457", "Zyxwv", "Qwertz", "hiv-secret"}
	bad := []match.Student{
		{Home: orb.Point{-85.123457, 95.987654}, Needs: []match.Need{{Category: "basic.food", Severity: 1}}},
		{Home: orb.Point{35.987654, -85.123457}, Needs: []match.Need{{Category: "basic.food", Severity: 1}}},
		{Home: orb.Point{-185.123457, 35.987654}, Needs: []match.Need{{Category: "basic.food", Severity: 1}}},
		{Home: orb.Point{-85.123457, 35.987654}, Age: 187, Languages: []string{"Zyxwv"},
			Needs:       []match.Need{{Category: "health.hiv-secret", Severity: 9, Words: strings.Repeat("Qwertz ", 200)}},
			Constraints: match.Constraints{MaxTravel: -87 * time.Hour, Exclude: []string{""}}},
	}
	for i, s := range bad {
		if _, err := m.Plan(context.Background(), s); i != 1 || err != nil {
			// Student 1's swapped point is still a valid point.
			require.Error(t, err, "student %d", i)
			checkQuiet(t, err.Error(), secrets)
		}
	}
	_, err = m.Assign(context.Background(), bad, match.AssignOptions{})
	require.Error(t, err)
	checkQuiet(t, err.Error(), secrets)
	var fe *match.FieldError
	assert.True(t, errors.As(err, &fe))

	// A good cohort whose words carry a secret: the analyst export has
	// aggregates only.
	good := make([]match.Student, 30)
	for i := range good {
		good[i] = match.Student{
			Home:  orb.Point{-85.30 + float64(i)*0.001, 35.05},
			Needs: []match.Need{{Category: "basic.food", Severity: 2, Words: "Qwertz Zyxwv"}},
		}
	}
	a, err := m.Assign(context.Background(), good, match.AssignOptions{})
	require.NoError(t, err)
	out, err := json.Marshal(a)
	require.NoError(t, err)
	checkQuiet(t, string(out), append(secrets, "-85.30", "35.05"))
}

func checkQuiet(t *testing.T, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		assert.NotContains(t, text, s)
	}
}
