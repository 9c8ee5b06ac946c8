package match

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
)

// TestFamilyCatalogComplete reads family.go's source and checks that
// every message it prints through the catalog — each string literal
// passed to a printer's Sprintf, and each unmet reason — has a Spanish
// translation with the same verbs, so no English sentence leaks into a
// Spanish plan.
func TestFamilyCatalogComplete(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "family.go", nil, 0)
	require.NoError(t, err)
	var keys []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Sprintf" {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "pr" {
			return true
		}
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			k, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			keys = append(keys, k)
		}
		return true
	})
	keys = append(keys, unmetFamily[:]...)
	require.Greater(t, len(keys), 30, "the parse found too few messages")
	verbs := func(s string) (n int) {
		for i := 0; i+1 < len(s); i++ {
			if s[i] == '%' {
				n++
			}
		}
		return n
	}
	for _, k := range keys {
		es, ok := spanish[k]
		if !ok {
			_, ok = pluralKeys[k]
			assert.True(t, ok, "no Spanish for %q", k)
			continue
		}
		assert.Equal(t, verbs(k), verbs(es), "verbs of %q and %q", k, es)
		if k != "%s (%s)" {
			assert.NotEqual(t, k, es, "Spanish of %q is the English", k)
		}
	}
	// Every default category has a Spanish label.
	for _, c := range directory.DefaultTaxonomy().All() {
		_, ok := spanishLabels[c.Code]
		assert.True(t, ok, "no Spanish label for %s", c.Code)
	}
}
