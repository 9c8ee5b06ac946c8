package hsds

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAll reads every record with the bounded reader; a skipped record
// stops the read and is returned with the records before it.
func readAll(data string, lim Limits) (recs [][]string, lines []int, err error) {
	r := newCSVReader(strings.NewReader(data), lim.withDefaults(), nil)
	for {
		f, line, _, err := r.next(1 << 20)
		if err == io.EOF {
			return recs, lines, nil
		}
		if err != nil {
			return recs, lines, err
		}
		recs = append(recs, f)
		lines = append(lines, line)
	}
}

// stdlib reads data with encoding/csv set as the importer's reader
// claims to behave: lazy quotes, any number of fields.
func stdlib(data string) ([][]string, error) {
	cr := csv.NewReader(strings.NewReader(data))
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	return cr.ReadAll()
}

func TestCSVReaderAgreesWithEncodingCSV(t *testing.T) {
	t.Parallel()
	for _, in := range csvSeeds {
		t.Run(in, func(t *testing.T) { checkAgainstStdlib(t, in) })
	}
}

var csvSeeds = []string{
	"a,b,c\n1,2,3\n",
	"a,b\r\n1,2\r\n",
	"a,\"b,c\",d\n",
	"\"multi\nline\",x\n",
	"\"say \"\"hi\"\"\",x\n",
	"bare \"quote\" here,x\n",
	"\"lone \"quote\" inside\",x\n",
	"\n\na,b\n\n\nc,d\n",
	"a,b",
	",,\n,\n",
	"\"\",\"\"\n",
	"\"ab\"c,d\n",
	"x,\"y\"\r\nz\n",
	"lone\rcr,x\n",
	"\"unterminated,x\ny,z\n",
	"a,\"b\n",
	"\ufeffid,name\n1,x\n",
}

func checkAgainstStdlib(t *testing.T, in string) {
	t.Helper()
	got, _, err := readAll(in, Limits{})
	want, werr := stdlib(in)
	if err != nil {
		require.ErrorIs(t, err, ErrUnterminatedQuote, "input %q", in)
		// encoding/csv reads the rest of the file as one field; the
		// records before it agree.
		require.NoError(t, werr)
		require.GreaterOrEqual(t, len(want), len(got))
		for i := range got {
			assert.Equal(t, want[i], got[i], "input %q record %d", in, i)
		}
		return
	}
	if werr != nil {
		t.Fatalf("encoding/csv fails on %q: %v; bounded reader read %q", in, werr, got)
	}
	require.Equal(t, len(want), len(got), "input %q: got %q want %q", in, got, want)
	for i := range got {
		assert.Equal(t, want[i], got[i], "input %q record %d", in, i)
	}
}

// FuzzCSVReader checks the bounded reader against encoding/csv on
// arbitrary input: the same records, except that an unterminated quote is
// an error where encoding/csv swallows the rest of the file.
func FuzzCSVReader(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.HasSuffix(in, "\r") {
			in += "\n" // encoding/csv drops a CR before EOF; the importer trims it later
		}
		checkAgainstStdlib(t, in)
	})
}

func TestCSVReaderPositionsAndLimits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		in        string
		lim       Limits
		recs      int
		lines     []int
		want      error
		line, col int
	}{
		{"lines after a quoted newline", "a\n\"x\ny\",z\nb\n", Limits{}, 3, []int{1, 2, 4}, nil, 0, 0},
		{"blank lines", "a\n\n\nb\n", Limits{}, 2, []int{1, 4}, nil, 0, 0},
		{"unterminated at its quote", "a,b\nc,\"d\ne\n", Limits{}, 1, []int{1}, ErrUnterminatedQuote, 2, 3},
		{"field cap at the byte past it", "a,bcdef\n", Limits{MaxFieldBytes: 3}, 0, nil, ErrTooLarge, 1, 6},
		{"record cap", "ab,cd,ef\n", Limits{MaxRecordBytes: 5}, 0, nil, ErrTooLarge, 1, 8},
		{"record skipped, next read", "a,bcdef\nok\n", Limits{MaxFieldBytes: 3}, 0, nil, ErrTooLarge, 1, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recs, lines, err := readAll(tc.in, tc.lim)
			assert.Len(t, recs, tc.recs)
			if tc.lines != nil {
				assert.Equal(t, tc.lines, lines)
			}
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			var ce *csvError
			require.True(t, errors.As(err, &ce))
			assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{ce.line, ce.col})
		})
	}
	t.Run("a skipped record does not stop the file", func(t *testing.T) {
		r := newCSVReader(strings.NewReader("a,bcdef\nok\n"), Limits{MaxFieldBytes: 3}.withDefaults(), nil)
		_, _, _, err := r.next(10)
		require.ErrorIs(t, err, ErrTooLarge)
		f, line, _, err := r.next(10)
		require.NoError(t, err)
		assert.Equal(t, []string{"ok"}, f)
		assert.Equal(t, 2, line)
	})
	t.Run("budget across files is fatal", func(t *testing.T) {
		b := &budget{left: 10, max: 10}
		r := newCSVReader(bytes.NewReader([]byte("abcdef,ghijkl\n")), Limits{}.withDefaults(), b)
		_, _, _, err := r.next(10)
		require.ErrorIs(t, err, ErrTooLarge)
		var ce *csvError
		assert.False(t, errors.As(err, &ce), "not a skippable record")
	})
}
