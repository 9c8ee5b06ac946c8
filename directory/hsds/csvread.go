package hsds

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Limits bound what an import reads and holds, so that a hostile or
// broken file (an unterminated quote that swallows the rest of a 50 MB
// file, a million-column row, an endless table) costs bounded memory.
// The zero value means the defaults given with each field; a negative
// value means no limit.
type Limits struct {
	// MaxFieldBytes caps one CSV field (default 1 MiB). A longer field is
	// a KindTooLarge problem at its line and column; its record is
	// skipped.
	MaxFieldBytes int `json:"max_field_bytes,omitempty"`
	// MaxRecordBytes caps the bytes of one CSV record's fields (default
	// 4 MiB), likewise.
	MaxRecordBytes int `json:"max_record_bytes,omitempty"`
	// MaxFields caps the columns of a CSV header (default 1024); the
	// columns past it are ignored with a problem. Data rows keep only
	// as many fields as their header has.
	MaxFields int `json:"max_fields,omitempty"`
	// MaxRows caps the rows of all tables together, or the records of a
	// JSON document, nested ones included (default 5,000,000). Passing
	// it fails the import with ErrTooLarge: nothing is half-loaded.
	MaxRows int `json:"max_rows,omitempty"`
	// MaxBytes caps the bytes read in all: the CSV files of a package
	// together, or one JSON document (default 1 GiB). Passing it fails
	// the import with ErrTooLarge.
	MaxBytes int64 `json:"max_bytes,omitempty"`
}

// Default limits.
const (
	DefaultMaxFieldBytes  = 1 << 20
	DefaultMaxRecordBytes = 4 << 20
	DefaultMaxFields      = 1024
	DefaultMaxRows        = 5_000_000
	DefaultMaxBytes       = 1 << 30
)

// orDefault returns v, def when v is 0, or "no limit" when v < 0.
func orDefault[T int | int64](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return T(^uint64(0) >> 2) // far beyond any input
	}
	return v
}

func (l Limits) withDefaults() Limits {
	return Limits{
		MaxFieldBytes:  orDefault(l.MaxFieldBytes, DefaultMaxFieldBytes),
		MaxRecordBytes: orDefault(l.MaxRecordBytes, DefaultMaxRecordBytes),
		MaxFields:      orDefault(l.MaxFields, DefaultMaxFields),
		MaxRows:        orDefault(l.MaxRows, DefaultMaxRows),
		MaxBytes:       orDefault(l.MaxBytes, DefaultMaxBytes),
	}
}

// csvError is a record the reader could not read, at a 1-based line and
// byte column. The reader has moved past the record.
type csvError struct {
	line, col int
	err       error
}

func (e *csvError) Error() string { return fmt.Sprintf("line %d, column %d: %v", e.line, e.col, e.err) }
func (e *csvError) Unwrap() error { return e.err }

// budget counts bytes read against Limits.MaxBytes across files.
type budget struct {
	left int64
	max  int64
}

// csvReader reads RFC 4180 CSV the way encoding/csv does with LazyQuotes
// (a quote inside an unquoted field is kept; a lone quote inside a quoted
// field is kept; CRLF is read as LF; blank lines are skipped), but with
// bounded memory: a field or record past its limit is skipped, not
// buffered, and reaching the end of the file inside a quoted field is an
// error at the opening quote instead of one field holding the rest of the
// file. Cost is linear in the input; memory is one record.
type csvReader struct {
	br     *bufio.Reader
	lim    Limits
	budget *budget
	line   int // line of the next byte, 1-based
	col    int // byte column of the last byte read, 1-based
	buf    []byte
	ends   []int
	eof    bool
}

func newCSVReader(r io.Reader, lim Limits, b *budget) *csvReader {
	return &csvReader{br: bufio.NewReaderSize(r, 64<<10), lim: lim, budget: b, line: 1}
}

// errBudget is returned (wrapped) when the bytes read pass MaxBytes.
var errBudget = errors.New("bytes read")

func (r *csvReader) readByte() (byte, error) {
	c, err := r.br.ReadByte()
	if err != nil {
		return 0, err
	}
	if r.budget != nil {
		r.budget.left--
		if r.budget.left < 0 {
			return 0, fmt.Errorf("%w: more than %d %w", ErrTooLarge, r.budget.max, errBudget)
		}
	}
	r.col++
	return c, nil
}

// next reads one record and returns its fields (at most maxFields of
// them, sharing one allocation), the line it starts on and the number of
// fields it had. A *csvError is a record that was skipped; io.EOF ends
// the file; any other error is fatal.
func (r *csvReader) next(maxFields int) (fields []string, line, n int, err error) {
	if r.eof {
		return nil, 0, 0, io.EOF
	}
	const (
		fieldStart = iota
		unquoted
		quoted
		quoteInQuoted
	)
	var (
		state             = fieldStart
		fieldBytes        int
		recBytes          int
		bad               *csvError
		quoteLine, quoteC int
		started           bool
	)
	r.buf = r.buf[:0]
	r.ends = r.ends[:0]
	line = r.line
	// appendBytes adds the bytes of a field ending at column r.col, or
	// marks the record bad at the first byte past a limit.
	appendBytes := func(c []byte) {
		first := r.col - len(c) + 1 // column of c[0]
		fb, rb := fieldBytes, recBytes
		fieldBytes += len(c)
		recBytes += len(c)
		if bad != nil {
			return
		}
		switch {
		case fieldBytes > r.lim.MaxFieldBytes && (recBytes <= r.lim.MaxRecordBytes || r.lim.MaxFieldBytes-fb <= r.lim.MaxRecordBytes-rb):
			bad = &csvError{r.line, first + r.lim.MaxFieldBytes - fb, fmt.Errorf("%w: field longer than %d bytes", ErrTooLarge, r.lim.MaxFieldBytes)}
		case recBytes > r.lim.MaxRecordBytes:
			bad = &csvError{r.line, first + r.lim.MaxRecordBytes - rb, fmt.Errorf("%w: record longer than %d bytes", ErrTooLarge, r.lim.MaxRecordBytes)}
		case n < maxFields:
			r.buf = append(r.buf, c...)
		}
	}
	one := [1]byte{}
	appendByte := func(c byte) {
		one[0] = c
		appendBytes(one[:])
	}
	// run consumes, in one step, the buffered bytes up to the next of
	// stops, appending them to the field: the common case of a field's
	// plain bytes, without a per-byte loop.
	run := func(stops string) (bool, error) {
		b, _ := r.br.Peek(r.br.Buffered())
		i := bytes.IndexAny(b, stops)
		if i < 0 {
			i = len(b)
		}
		if i == 0 {
			return false, nil
		}
		if r.budget != nil {
			r.budget.left -= int64(i)
			if r.budget.left < 0 {
				return false, fmt.Errorf("%w: more than %d %w", ErrTooLarge, r.budget.max, errBudget)
			}
		}
		r.col += i
		appendBytes(b[:i])
		_, err := r.br.Discard(i)
		return true, err
	}
	endField := func() {
		if n < maxFields && bad == nil {
			r.ends = append(r.ends, len(r.buf))
		}
		n++
		fieldBytes = 0
		state = fieldStart
	}
	newline := func() {
		r.line++
		r.col = 0
	}
	finish := func() ([]string, int, int, error) {
		if bad != nil {
			return nil, line, n, bad
		}
		s := string(r.buf)
		out := make([]string, len(r.ends))
		start := 0
		for i, e := range r.ends {
			out[i] = s[start:e]
			start = e
		}
		return out, line, n, nil
	}
	for {
		var stops string
		switch state {
		case unquoted:
			stops = ",\n\r"
		case quoted:
			stops = "\"\n\r"
		}
		if stops != "" {
			if ok, err := run(stops); err != nil {
				return nil, line, n, err
			} else if ok {
				continue
			}
		}
		c, err := r.readByte()
		if err == io.EOF {
			r.eof = true
			switch {
			case state == quoted:
				return nil, line, n, &csvError{quoteLine, quoteC, fmt.Errorf("%w: the quote opened here runs to the end of the file", ErrUnterminatedQuote)}
			case !started:
				return nil, 0, 0, io.EOF
			}
			endField()
			return finish()
		}
		if err != nil {
			return nil, line, n, err
		}
		if c == '\r' {
			// CRLF is a line end; a lone CR is data.
			if nx, err := r.br.Peek(1); err == nil && nx[0] == '\n' {
				continue
			}
		}
		switch state {
		case fieldStart:
			switch c {
			case '\n':
				if !started {
					newline()
					line = r.line
					continue // blank line
				}
				endField()
				newline()
				return finish()
			case ',':
				started = true
				endField()
			case '"':
				started = true
				state = quoted
				quoteLine, quoteC = r.line, r.col
			default:
				started = true
				state = unquoted
				appendByte(c)
			}
		case unquoted:
			switch c {
			case '\n':
				endField()
				newline()
				return finish()
			case ',':
				endField()
			default:
				appendByte(c)
			}
		case quoted:
			switch c {
			case '"':
				state = quoteInQuoted
			case '\n':
				appendByte(c)
				newline()
			default:
				appendByte(c)
			}
		case quoteInQuoted:
			switch c {
			case '"':
				appendByte('"')
				state = quoted
			case ',':
				endField()
			case '\n':
				endField()
				newline()
				return finish()
			default:
				appendByte('"') // a lone quote inside a quoted field is kept
				appendByte(c)
				state = quoted
			}
		}
	}
}
