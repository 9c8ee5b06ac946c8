package wraparound

import (
	_ "github.com/blevesearch/bleve/v2"
	_ "github.com/paulmach/orb"
	_ "github.com/stretchr/testify/require"
	_ "github.com/tidwall/rtree"
)
