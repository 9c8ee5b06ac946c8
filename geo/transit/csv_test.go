package transit

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAll reads every record, copying the fields.
func readAll(data string) ([][]string, []int, error) {
	r := newCSVReader(strings.NewReader(data))
	var recs [][]string
	var lines []int
	for {
		rec, err := r.read()
		if errors.Is(err, io.EOF) {
			return recs, lines, nil
		}
		if err != nil {
			return recs, lines, err
		}
		row := make([]string, len(rec))
		for i, f := range rec {
			row[i] = string(f)
		}
		recs = append(recs, row)
		lines = append(lines, r.start)
	}
}

func TestCSVReader(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 100_000)
	tests := []struct {
		name  string
		in    string
		want  [][]string
		lines []int
	}{
		{"plain", "a,b,c\n1,2,3\n", [][]string{{"a", "b", "c"}, {"1", "2", "3"}}, []int{1, 2}},
		{"no final newline", "a,b\n1,2", [][]string{{"a", "b"}, {"1", "2"}}, []int{1, 2}},
		{"crlf", "a,b\r\n1,2\r\n", [][]string{{"a", "b"}, {"1", "2"}}, []int{1, 2}},
		{"bom", "\xef\xbb\xbfa,b\n1,2\n", [][]string{{"a", "b"}, {"1", "2"}}, []int{1, 2}},
		{"bom only at start", "a\n\xef\xbb\xbfb\n", [][]string{{"a"}, {"\xef\xbb\xbfb"}}, []int{1, 2}},
		{"quoted comma", "a,\"b,c\",d\n", [][]string{{"a", "b,c", "d"}}, []int{1}},
		{"doubled quote", "\"say \"\"hi\"\"\",x\n", [][]string{{"say \"hi\"", "x"}}, []int{1}},
		{"newline in quotes", "\"l1\r\nl2\",x\ny,z\n", [][]string{{"l1\nl2", "x"}, {"y", "z"}}, []int{1, 3}},
		{"empty fields", ",,\n", [][]string{{"", "", ""}}, []int{1}},
		{"empty quoted", "\"\",a\n", [][]string{{"", "a"}}, []int{1}},
		{"blank lines skipped", "a\n\n  \r\nb\n", [][]string{{"a"}, {"b"}}, []int{1, 4}},
		{"spaces trimmed", " a , \"b\" ,c\t\n", [][]string{{"a", "b", "c"}}, []int{1}},
		{"quote inside unquoted kept", "5\" pipe,x\n", [][]string{{"5\" pipe", "x"}}, []int{1}},
		{"utf-8", "Autorité,Ō\n", [][]string{{"Autorité", "Ō"}}, []int{1}},
		{"line longer than buffer", "a," + long + "\nb\n", [][]string{{"a", long}, {"b"}}, []int{1, 2}},
		{"empty input", "", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, lines, err := readAll(tc.in)
			require.NoError(t, err, "input %q", tc.in)
			assert.Equal(t, tc.want, got, "input %q", tc.in)
			assert.Equal(t, tc.lines, lines, "input %q", tc.in)
		})
	}
}

func TestCSVReaderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		line, col int
	}{
		{"unterminated quote", "a,b\n1,\"open\n2,3\n", 2, 3},
		{"text after closing quote", "a,b\n\"x\"y,2\n", 2, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := readAll(tc.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrCSV)
			var se *csvSyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.line, se.line, "line")
			assert.Equal(t, tc.col, se.col, "column")
		})
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int32
		ok   bool
	}{
		{"00:00:00", 0, true},
		{"7:05:09", 7*3600 + 5*60 + 9, true},
		{"08:00:00", 8 * 3600, true},
		{"24:45:00", 24*3600 + 45*60, true},
		{"101:00:01", 101*3600 + 1, true},
		{"8:60:00", 0, false},
		{"8:00:60", 0, false},
		{"8:6o:00", 0, false},
		{"8:0:00", 0, false},
		{"08:00", 0, false},
		{":00:00", 0, false},
		{"1000:00:00", 0, false},
		{"-1:00:00", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, ok := parseTime([]byte(tc.in))
			assert.Equal(t, tc.ok, ok, "parseTime(%q)", tc.in)
			if tc.ok {
				assert.Equal(t, tc.want, got, "parseTime(%q)", tc.in)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int32 // days since 1970-01-01, worked out by hand
		ok   bool
	}{
		{"19700101", 0, true},
		{"19700201", 31, true},
		{"19710101", 365, true},
		{"20000301", 11017, true}, // 30 years (7 leap: 72..96) = 10957 days, + Jan 31 + Feb 29 (2000 leap)
		{"20260230", 0, false},
		{"2026051", 0, false},
		{"2026-5-1", 0, false},
		{"20261301", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, ok := parseDate([]byte(tc.in))
			assert.Equal(t, tc.ok, ok, "parseDate(%q)", tc.in)
			if tc.ok {
				assert.Equal(t, tc.want, got, "parseDate(%q)", tc.in)
			}
		})
	}
}

// encodeCSV writes records with every field quoted, the most general form.
func encodeCSV(recs [][]string) string {
	var b strings.Builder
	for _, rec := range recs {
		for i, f := range rec {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(f, `"`, `""`))
			b.WriteByte('"')
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

// FuzzCSVReader checks that the reader never panics, reports errors as
// ErrCSV with a position, and that what it reads survives a round trip
// through the fully quoted form.
func FuzzCSVReader(f *testing.F) {
	files, err := filepath.Glob("testdata/gtfs-sample/*.txt")
	require.NoError(f, err)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte("\xef\xbb\xbfa,\"b\r\nc\",\"d\"\"e\"\r\n\r\n x ,y\n"))
	f.Add([]byte("\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, _, err := readAll(string(data))
		if err != nil {
			var se *csvSyntaxError
			if !errors.As(err, &se) || se.line < 1 || se.col < 1 {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		// Spaces at field edges and a leading BOM are dropped, and
		// newlines inside fields are normalized: compare after the same.
		var norm [][]string
		for _, rec := range recs {
			row := make([]string, len(rec))
			for i, f := range rec {
				row[i] = strings.ReplaceAll(f, "\r", "")
			}
			norm = append(norm, row)
		}
		again, _, err := readAll(encodeCSV(norm))
		if err != nil {
			t.Fatalf("re-reading encoded records: %v", err)
		}
		if len(norm) > 0 && len(norm[0]) > 0 && strings.HasPrefix(norm[0][0], "\xef\xbb\xbf") {
			// A BOM that survived (after a quote, say) is stripped by
			// the second reading.
			return
		}
		if !equalRecords(norm, again) {
			t.Fatalf("round trip changed records:\n got %q\nwant %q", again, norm)
		}
	})
}

func equalRecords(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}
