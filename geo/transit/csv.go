package transit

import (
	"bufio"
	"bytes"
	"errors"
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
	}
	c.start = c.line
	c.buf = c.buf[:0]
	c.ends = c.ends[:0]
	pos := 0
	for {
		for pos < len(line) && isSpace(line[pos]) {
			pos++
		}
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					// The quoted field goes on past the end of the line.
					c.buf = append(c.buf, line[pos:]...)
					next, err := c.readLine()
					if err != nil {
						if errors.Is(err, io.EOF) {
							return nil, &csvSyntaxError{line: c.start, col: 1, msg: "quoted field not terminated"}
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
