package transit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// csvReader reads the comma-separated records of a GTFS file (RFC 4180):
// fields may be quoted, a quoted field may hold commas, doubled quotes and
// line breaks; lines end in LF or CRLF; a UTF-8 byte-order mark at the very
// start is skipped; blank lines are skipped. Spaces and tabs around an
// unquoted field, and around the quotes of a quoted one, are dropped. A
// quote inside an unquoted field is kept as a literal character, as many
// producers write them that way.
//
// read returns byte slices into the reader's own buffers, valid until the
// next call: callers copy what they keep, and the common path allocates
// nothing per record.
type csvReader struct {
	br     *bufio.Reader
	line   int // physical lines consumed so far
	start  int // line where the last record returned starts
	blank  int // blank lines skipped so far
	bom    bool
	long   []byte // a line longer than the bufio buffer
	buf    []byte // field bytes of the current record
	ends   []int  // end offset of each field in buf
	fields [][]byte
}

// csvSyntaxError is a CSV syntax problem at a line and byte column.
type csvSyntaxError struct {
	line, col int
	msg       string
}

func (e *csvSyntaxError) Error() string { return "transit: malformed csv: " + e.msg }
func (e *csvSyntaxError) Unwrap() error { return ErrCSV }

// Bounds on one GTFS file, so that a hostile or broken file (an
// unterminated quote, a line of commas, a flood of blank lines) is refused
// in time and memory proportional to the bound rather than to the file.
// Real feeds are far below each: their longest records are a few hundred
// bytes, with a few dozen fields, and their blank lines a handful.
const (
	// MaxRecordBytes bounds one record (one line, or several when a quoted
	// field holds line breaks), in bytes: 1 MiB.
	MaxRecordBytes = 1 << 20
	// MaxFields bounds the fields of one record.
	MaxFields = 4096
	// MaxBlankLines bounds the blank lines skipped in one file.
	MaxBlankLines = 1 << 16
)

// csvLimitError is a record or file past one of the bounds above.
type csvLimitError struct {
	line, col int
	msg       string
}

func (e *csvLimitError) Error() string { return "transit: feed too large: " + e.msg }
func (e *csvLimitError) Unwrap() error { return ErrTooLarge }

func newCSVReader(r io.Reader) *csvReader {
	return &csvReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// readLine returns the next physical line without its LF or CRLF. It
// returns io.EOF only when no bytes are left.
func (c *csvReader) readLine() ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		c.long = append(c.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(c.long)+len(c.buf) > MaxRecordBytes {
				return nil, &csvLimitError{line: c.line + 1, col: 1,
					msg: fmt.Sprintf("line longer than %d bytes", MaxRecordBytes)}
			}
			line, err = c.br.ReadSlice('\n')
			c.long = append(c.long, line...)
		}
		line = c.long
	}
	if len(line) == 0 && err != nil {
		return nil, err
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	c.line++
	if !c.bom {
		c.bom = true
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	return line, nil
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// read returns the fields of the next record, or io.EOF after the last.
func (c *csvReader) read() ([][]byte, error) {
	var line []byte
	for {
		l, err := c.readLine()
		if err != nil {
			return nil, err
		}
		if len(trimSpace(l)) > 0 {
			line = l
			break
		}
		if c.blank++; c.blank > MaxBlankLines {
			return nil, &csvLimitError{line: c.line, col: 1,
				msg: fmt.Sprintf("more than %d blank lines", MaxBlankLines)}
		}
	}
	c.start = c.line
	c.buf = c.buf[:0]
	c.ends = c.ends[:0]
	pos := 0
	for {
		if len(c.ends) >= MaxFields {
			return nil, &csvLimitError{line: c.line, col: pos + 1,
				msg: fmt.Sprintf("more than %d fields in a record", MaxFields)}
		}
		for pos < len(line) && isSpace(line[pos]) {
			pos++
		}
		if pos < len(line) && line[pos] == '"' {
			qline, qcol := c.line, pos+1
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					// The quoted field goes on past the end of the line.
					c.buf = append(c.buf, line[pos:]...)
					if len(c.buf) > MaxRecordBytes {
						return nil, &csvLimitError{line: qline, col: qcol,
							msg: fmt.Sprintf("quoted field longer than %d bytes; is its closing quote missing?", MaxRecordBytes)}
					}
					next, err := c.readLine()
					if err != nil {
						if errors.Is(err, io.EOF) {
							return nil, &csvSyntaxError{line: qline, col: qcol, msg: "quoted field not terminated"}
						}
						var le *csvLimitError
						if errors.As(err, &le) {
							le.line, le.col = qline, qcol
							le.msg = fmt.Sprintf("quoted field longer than %d bytes; is its closing quote missing?", MaxRecordBytes)
						}
						return nil, err
					}
					c.buf = append(c.buf, '\n')
					line, pos = next, 0
					continue
				}
				c.buf = append(c.buf, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					c.buf = append(c.buf, '"')
					pos++
					continue
				}
				break
			}
			for pos < len(line) && isSpace(line[pos]) {
				pos++
			}
			c.ends = append(c.ends, len(c.buf))
			if pos == len(line) {
				break
			}
			if line[pos] != ',' {
				return nil, &csvSyntaxError{line: c.line, col: pos + 1, msg: "unexpected character after closing quote"}
			}
			pos++
			continue
		}
		i := bytes.IndexByte(line[pos:], ',')
		if i < 0 {
			c.buf = append(c.buf, trimSpace(line[pos:])...)
			c.ends = append(c.ends, len(c.buf))
			break
		}
		c.buf = append(c.buf, trimSpace(line[pos:pos+i])...)
		c.ends = append(c.ends, len(c.buf))
		pos += i + 1
	}
	c.fields = c.fields[:0]
	from := 0
	for _, e := range c.ends {
		c.fields = append(c.fields, c.buf[from:e:e])
		from = e
	}
	return c.fields, nil
}
