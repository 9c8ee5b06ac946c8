// Package readme checks that the Go snippets of the project's README
// compile against the packages as they are: each snippet, with the few
// variables it assumes declared in a prelude, becomes a function of a
// throwaway package that the go command type-checks and vets.
package readme

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// preludes declare what each snippet, in README order, takes as given.
var preludes = []string{
	/* find what is near */ `var nyc *time.Location`,
	/* regions */ `var home orb.Point`,
	/* text search */ `var ctx context.Context; var dir *directory.Directory; var home orb.Point; var saturdayMorning time.Time`,
	/* router */ `var ctx context.Context; var home, clinic orb.Point; var saturday time.Time`,
	/* trip search */ `var dir *directory.Directory; var home orb.Point; var saturdayMorning transit.Window`,
	/* hsds */ `var ctx context.Context; var w io.Writer`,
	/* plan */ `var ctx context.Context; var dir *directory.Directory; var home orb.Point`,
	/* family text */ `var plan *match.Plan; var dir *directory.Directory`,
	/* cohort */ `var ctx context.Context; var m *match.Matcher; var students []match.Student; var bar interface{ Set(string, float64) }; var f io.Writer`,
	/* live updates */ `var ctx context.Context; var dir *directory.Directory; var summerHours directory.Hours; var newProgram directory.Provider; var students []match.Student; var home orb.Point`,
	/* trends */ `var ctx context.Context; var hoods *geo.Regions; var nyc *time.Location; var key []byte; var requests []trends.Request; var now time.Time; var dir *directory.Directory; var w io.Writer`,
	/* persistence */ `var ctx context.Context; var cfg trends.Config; var logFile, export io.Reader; var reqs []trends.Request; var rows trends.Rows`,
}

const header = `package gen

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/text/language"

	"github.com/wraparound/wraparound/demo"
	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/directory/hsds"
	"github.com/wraparound/wraparound/geo"
	"github.com/wraparound/wraparound/geo/transit"
	"github.com/wraparound/wraparound/match"
	"github.com/wraparound/wraparound/trends"
)

var (
	_ = context.Background
	_ = fmt.Println
	_ io.Reader
	_ = time.Now
	_ orb.Point
	_ language.Tag
	_ = demo.Neighborhoods
	_ directory.Query
	_ hsds.Options
	_ geo.Meters
	_ transit.Window
	_ match.Student
	_ trends.Config
)
`

var block = regexp.MustCompile("(?s)```go\n(.*?)```")

func TestSnippetsCompile(t *testing.T) {
	root := filepath.Join("..", "..")
	src, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	blocks := block.FindAllStringSubmatch(string(src), -1)
	require.Len(t, blocks, len(preludes), "a README snippet was added or removed: give it a prelude here")

	var b strings.Builder
	b.WriteString(header)
	for i, m := range blocks {
		fmt.Fprintf(&b, "\nfunc snippet%d() error {\n%s\n%s\n", i+1, preludes[i], m[1])
		// Every variable a snippet declares counts as used, as it would
		// in the reader's own program.
		for _, name := range declared(t, preludes[i]+"\n"+m[1]) {
			fmt.Fprintf(&b, "\t_ = %s\n", name)
		}
		b.WriteString("\treturn nil\n}\n")
	}
	dir, err := os.MkdirTemp(filepath.Join(root, "internal", "readme"), "gen")
	require.NoError(t, err)
	defer os.RemoveAll(dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "snippets.go"), []byte(b.String()), 0o644))
	cmd := exec.Command("go", "vet", "./internal/readme/"+filepath.Base(dir))
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "README snippets do not compile:\n%s\n--- generated:\n%s", out, numbered(b.String()))
}

// declared returns the names a snippet declares (with := or var), once
// each.
func declared(t *testing.T, body string) []string {
	t.Helper()
	fs := token.NewFileSet()
	f, err := parser.ParseFile(fs, "", "package p\nfunc f() {\n"+body+"\n}", parser.SkipObjectResolution)
	require.NoError(t, err, "snippet does not parse:\n%s", body)
	seen := map[string]bool{}
	var names []string
	add := func(e ast.Expr) {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" && !seen[id.Name] {
			seen[id.Name] = true
			names = append(names, id.Name)
		}
	}
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		switch s := st.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, l := range s.Lhs {
					add(l)
				}
			}
		case *ast.DeclStmt:
			for _, sp := range s.Decl.(*ast.GenDecl).Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok {
					for _, n := range vs.Names {
						add(n)
					}
				}
			}
		}
	}
	return names
}

func numbered(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = fmt.Sprintf("%4d %s", i+1, lines[i])
	}
	return strings.Join(lines, "\n")
}
