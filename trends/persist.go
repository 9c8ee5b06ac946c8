package trends

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
)

// The store file format (version 2), all integers little-endian:
//
//	header (32 bytes):
//	  magic    [8]byte  "WRAPTRND"
//	  version  uint32   2 (Open also reads version 1)
//	  flags    uint32   0
//	  bodyLen  uint64   bytes after the header
//	  bodyCRC  uint32   CRC-32C (Castagnoli) of the body
//	  headCRC  uint32   CRC-32C of the 28 bytes before it
//	body (varints as encoding/binary):
//	  fingerprint [32]byte   SHA-256 of the configuration (see fingerprint)
//	  requests    uvarint    ingested count
//	  spent       uint64     ε spent (float64 bits)
//	  log mark    [8]byte generation, uvarint offset: the request-log
//	              prefix the store counts (zero when not saved by
//	              Log.Checkpoint)
//	  tuples      uvarint n, then n × sets × uvarint region (Len() = Outside)
//	  3 rollups (day, week, month):
//	    origin varint, blocks uvarint, then per block:
//	      rows uvarint, then per row: tuple uvarint, nonzero uvarint,
//	      then per nonzero counter: index delta uvarint, value uvarint;
//	    a row has one counter per category for days and weeks, and for
//	    months one per category and outcome plus one of keyed requests
//	    (version 1 had one per category and outcome for days and weeks
//	    too: Open adds them up)
//	  distinct uvarint n, then per cell: month varint, tuple uvarint,
//	    code uvarint, hashes uvarint m, m × uint64
//
// Nothing of a request but its civil day, region indexes, category,
// outcome and 8-byte keyed student hash reaches the rollups, so nothing
// else reaches the file: no point, no student key, no time of day.

const (
	storeMagic   = "WRAPTRND"
	storeVersion = 2
	// storeV1 is the first version, whose day and week rows split
	// every category by outcome.
	storeV1   = 1
	headerLen = 32
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Errors of Save, Open and ReadStore. Test with errors.Is.
var (
	// ErrCorrupt: the file is truncated, altered or not a store file.
	ErrCorrupt = errors.New("trends: store file is corrupt")
	// ErrFormatVersion: the file was written by a newer format.
	ErrFormatVersion = errors.New("trends: unsupported store file version")
	// ErrMismatch: the file was saved under another configuration (region
	// sets, taxonomy, time zone, K or student key).
	ErrMismatch = errors.New("trends: store file does not match the configuration")
)

// FileError reports a store file or request log that cannot be read,
// with the byte offset where reading stopped.
type FileError struct {
	Path   string // "" when read from an io.Reader
	Offset int64
	Err    error
}

func (e *FileError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("trends: byte %d: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("trends: %s: byte %d: %v", e.Path, e.Offset, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// fingerprint digests what a saved store depends on: the taxonomy codes
// in order, each set's name and region names in order, the zone, K, and
// whether and with which key students are hashed (as an HMAC of a fixed
// text, which reveals nothing about the key).
func (s *Store) fingerprint() [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "codes %d\n", len(s.codes))
	for _, c := range s.codes {
		fmt.Fprintf(h, "%s\n", c)
	}
	for _, set := range s.sets {
		fmt.Fprintf(h, "set %q %d\n", set.Name, set.Regions.Len())
		for _, r := range set.Regions.All() {
			fmt.Fprintf(h, "%q\n", r.Name)
		}
	}
	fmt.Fprintf(h, "zone %q k %d\n", s.loc.String(), s.k)
	if len(s.cfg.StudentKey) > 0 {
		m := hmac.New(sha256.New, s.cfg.StudentKey)
		m.Write([]byte("wraparound trends store key check"))
		h.Write(m.Sum(nil))
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// encode appends the store's body to b. The caller holds commitMu
// exclusively, so no commit is half applied.
func (s *Store) encode(b []byte) []byte {
	fp := s.fingerprint()
	b = append(b, fp[:]...)
	b = binary.AppendUvarint(b, uint64(s.n.Load()))
	s.noiseMu.Lock()
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.spent))
	b = append(b, s.mark.gen[:]...)
	b = binary.AppendUvarint(b, uint64(s.mark.off))
	s.noiseMu.Unlock()
	s.mu.RLock()
	defer s.mu.RUnlock()
	b = binary.AppendUvarint(b, uint64(s.ntuples()))
	for _, r := range s.tupleReg {
		b = binary.AppendUvarint(b, uint64(r))
	}
	for k := range s.roll {
		kr := &s.roll[k]
		b = binary.AppendVarint(b, int64(kr.origin))
		b = binary.AppendUvarint(b, uint64(len(kr.blocks)))
		for _, blk := range kr.blocks {
			rows := 0
			if blk != nil {
				for _, r := range blk.rows {
					if r != nil {
						rows++
					}
				}
			}
			b = binary.AppendUvarint(b, uint64(rows))
			if rows == 0 {
				continue
			}
			for t, r := range blk.rows {
				if r == nil {
					continue
				}
				b = binary.AppendUvarint(b, uint64(t))
				nz := 0
				for i := range r {
					if atomic.LoadUint32(&r[i]) != 0 {
						nz++
					}
				}
				b = binary.AppendUvarint(b, uint64(nz))
				last := -1
				for i := range r {
					if v := atomic.LoadUint32(&r[i]); v != 0 {
						b = binary.AppendUvarint(b, uint64(i-last))
						b = binary.AppendUvarint(b, uint64(v))
						last = i
					}
				}
			}
		}
	}
	s.distinctMu.Lock()
	defer s.distinctMu.Unlock()
	keys := make([]atomKey, 0, len(s.distinct))
	for k := range s.distinct {
		keys = append(keys, k)
	}
	sortAtomKeys(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		ss := s.distinct[k]
		b = binary.AppendVarint(b, int64(k.month))
		b = binary.AppendUvarint(b, uint64(k.tuple))
		b = binary.AppendUvarint(b, uint64(k.code))
		b = binary.AppendUvarint(b, uint64(len(ss.h)))
		for _, h := range ss.h {
			b = binary.LittleEndian.AppendUint64(b, h)
		}
	}
	return b
}

// WriteTo writes the store in the store file format (header, then body)
// to w. It holds off ingest while it copies the counters to memory (a
// few milliseconds per thousand rollup rows), then writes without any
// lock. It returns the bytes written.
func (s *Store) WriteTo(w io.Writer) (int64, error) {
	s.commitMu.Lock()
	buf := s.encode(make([]byte, headerLen, 1<<20))
	s.commitMu.Unlock()
	putHeader(buf)
	n, err := w.Write(buf)
	return int64(n), err
}

func putHeader(buf []byte) {
	h := buf[:headerLen]
	copy(h, storeMagic)
	binary.LittleEndian.PutUint32(h[8:], storeVersion)
	binary.LittleEndian.PutUint32(h[12:], 0)
	binary.LittleEndian.PutUint64(h[16:], uint64(len(buf)-headerLen))
	binary.LittleEndian.PutUint32(h[24:], crc32.Checksum(buf[headerLen:], castagnoli))
	binary.LittleEndian.PutUint32(h[28:], crc32.Checksum(h[:28], castagnoli))
}

// Save writes the store to path crash-safely: to a temporary file in the
// same folder, synced, renamed over path, and the folder synced. A
// process killed at any point leaves either the previous file or the new
// one at path, whole; a leftover temporary file (".NAME.tmp-*") is
// removed by the next Save. Only the store file itself is replaced.
func (s *Store) Save(path string) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return &FileError{Path: path, Err: errors.New("trends: Save needs a file name")}
	}
	if old, _ := filepath.Glob(filepath.Join(dir, "."+base+".tmp-*")); len(old) > 0 {
		for _, o := range old {
			os.Remove(o)
		}
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = s.WriteTo(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Open reads a store saved by Save under cfg, which must name the same
// region sets (same regions in the same order), taxonomy, zone, K and
// student key as the store that was saved (else ErrMismatch); Mode,
// Epsilon, Budget, the noise source and the memory limits may differ.
// The size and checksums are verified before any of the body is
// decoded: a truncated or altered file is a *FileError wrapping
// ErrCorrupt, never a crash or a partial store. Memory: the file is read
// whole, then the store it describes is rebuilt. Open looks at ctx
// before reading, after reading and after checking the file; once ctx is
// done it returns ctx.Err() and no Store.
func Open(ctx context.Context, path string, cfg Config) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	s, err := readStore(ctx, f, st.Size(), cfg)
	if fe, ok := err.(*FileError); ok {
		fe.Path = path
	}
	return s, err
}

// ReadStore reads a store written by WriteTo under cfg; see Open, also
// for ctx. Memory grows with the bytes actually read, whatever the
// header claims.
func ReadStore(ctx context.Context, r io.Reader, cfg Config) (*Store, error) {
	return readStore(ctx, r, -1, cfg)
}

func corrupt(off int64, why string) error {
	return &FileError{Offset: off, Err: fmt.Errorf("%w: %s", ErrCorrupt, why)}
}

func readStore(ctx context.Context, r io.Reader, size int64, cfg Config) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var h [headerLen]byte
	if n, err := io.ReadFull(r, h[:]); err != nil {
		return nil, corrupt(int64(n), "shorter than the header")
	}
	if string(h[:8]) != storeMagic {
		return nil, corrupt(0, "not a trends store file")
	}
	if crc32.Checksum(h[:28], castagnoli) != binary.LittleEndian.Uint32(h[28:]) {
		return nil, corrupt(28, "header checksum mismatch")
	}
	version := binary.LittleEndian.Uint32(h[8:])
	if version != storeVersion && version != storeV1 {
		return nil, &FileError{Offset: 8, Err: fmt.Errorf("%w: %d (this library reads %d and %d)", ErrFormatVersion, version, storeV1, storeVersion)}
	}
	bodyLen := binary.LittleEndian.Uint64(h[16:])
	if size >= 0 && uint64(size-headerLen) != bodyLen {
		return nil, corrupt(headerLen, fmt.Sprintf("body is %d bytes, header says %d (truncated or extended)", size-headerLen, bodyLen))
	}
	if bodyLen > 1<<40 {
		return nil, corrupt(16, "implausible body length")
	}
	var body []byte
	if size >= 0 {
		body = make([]byte, bodyLen)
		if n, err := io.ReadFull(r, body); err != nil {
			return nil, corrupt(headerLen+int64(n), "truncated body")
		}
	} else {
		var buf bytes.Buffer
		n, err := buf.ReadFrom(io.LimitReader(r, int64(bodyLen)))
		if err != nil || uint64(n) != bodyLen {
			return nil, corrupt(headerLen+n, "truncated body")
		}
		body = buf.Bytes()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(h[24:]) {
		return nil, corrupt(24, "body checksum mismatch")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	d := decoder{b: body, off: headerLen, version: version}
	if err := s.decode(&d); err != nil {
		return nil, err
	}
	return s, nil
}

// decoder reads varints from a body, remembering the first error.
type decoder struct {
	b       []byte
	pos     int
	off     int64 // file offset of b[0]
	err     error
	version uint32
}

func (d *decoder) fail(why string) {
	if d.err == nil {
		d.err = corrupt(d.off+int64(d.pos), why)
	}
}

func (d *decoder) uvarint(max uint64, what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.pos:])
	if n <= 0 {
		d.fail("bad number for " + what)
		return 0
	}
	if v > max {
		d.fail(fmt.Sprintf("%s %d out of range", what, v))
		return 0
	}
	d.pos += n
	return v
}

func (d *decoder) varint(lo, hi int64, what string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.pos:])
	if n <= 0 {
		d.fail("bad number for " + what)
		return 0
	}
	if v < lo || v > hi {
		d.fail(fmt.Sprintf("%s %d out of range", what, v))
		return 0
	}
	d.pos += n
	return v
}

func (d *decoder) u64(what string) uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b)-d.pos < 8 {
		d.fail("truncated " + what)
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b[d.pos:])
	d.pos += 8
	return v
}

// Bucket numbers a file may hold: days, weeks and months of the years 1
// to 9999 (see timeInRange).
var bucketLimits = func() [3][2]int64 {
	lo, hi := civilDay(1, 1, 1), civilDay(9999, 12, 31)
	return [3][2]int64{{int64(lo), int64(hi)}, {int64(weekOfDay(lo)), int64(weekOfDay(hi))}, {int64(monthOfDay(lo)), int64(monthOfDay(hi))}}
}()

// decode fills an empty store from a body whose checksum has been
// verified. Every number is still range-checked, so a body that is well
// formed by accident or by intent cannot index out of range.
func (s *Store) decode(d *decoder) error {
	if len(d.b) < 32 {
		d.fail("truncated fingerprint")
		return d.err
	}
	if fp := s.fingerprint(); !bytes.Equal(fp[:], d.b[:32]) {
		return &FileError{Offset: d.off, Err: ErrMismatch}
	}
	d.pos = 32
	n := d.uvarint(math.MaxInt64, "request count")
	spent := math.Float64frombits(d.u64("spent budget"))
	var mark logMark
	binary.LittleEndian.PutUint64(mark.gen[:], d.u64("log generation"))
	mark.off = int64(d.uvarint(math.MaxInt64, "log offset"))
	if d.err == nil && (math.IsNaN(spent) || math.IsInf(spent, 0) || spent < 0) {
		d.fail("spent budget is not a non-negative number")
	}
	ns := len(s.sets)
	nt := d.uvarint(uint64(len(d.b)), "tuple count")
	if d.err != nil {
		return d.err
	}
	var key uint64
	s.tupleReg = make([]uint16, 0, int(nt)*ns)
	for t := uint64(0); t < nt && d.err == nil; t++ {
		var regs [16]uint64
		rv := regs[:0]
		for si := 0; si < ns; si++ {
			rv = append(rv, d.uvarint(s.radix[si]-1, "region index"))
		}
		key = 0
		for si := ns - 1; si >= 0; si-- {
			key = key*s.radix[si] + rv[si]
		}
		if s.lookupTuple(key) >= 0 {
			d.fail("duplicate region tuple")
			break
		}
		s.tuple(key)
	}
	nc := len(s.codes)
	for k := range s.roll {
		kr := &s.roll[k]
		lim := bucketLimits[k]
		origin := d.varint(lim[0], lim[1], "first bucket")
		nb := d.uvarint(uint64(lim[1]-origin+1), "bucket count")
		if d.err != nil {
			return d.err
		}
		if nb > uint64(len(d.b)-d.pos) {
			d.fail("bucket count larger than the file")
			return d.err
		}
		if nb == 0 && origin != 0 {
			d.fail("first bucket without buckets")
			return d.err
		}
		// in: the counters a row of the file holds per category; fold
		// maps a file counter to the store's (a version 1 day or week
		// row's outcomes add up into the one counter).
		in, fold := kr.slots, 1
		if d.version == storeV1 && kr.slots == slotsDayWeek {
			in, fold = int(numOutcomes), int(numOutcomes)
		}
		rowLen := nc * in
		var sum uint64
		for bi := uint64(0); bi < nb && d.err == nil; bi++ {
			rows := d.uvarint(nt, "row count")
			if rows == 0 && (bi == 0 || bi == nb-1) {
				d.fail("first or last bucket is empty")
			}
			lastT := int64(-1)
			for ri := uint64(0); ri < rows && d.err == nil; ri++ {
				t := d.uvarint(nt-1, "row tuple")
				nz := d.uvarint(uint64(rowLen), "non-zero counters")
				if d.err != nil {
					break
				}
				if nz == 0 {
					d.fail("empty row")
					break
				}
				if int64(t) <= lastT {
					d.fail("rows out of order")
					break
				}
				lastT = int64(t)
				b := int32(origin + int64(bi))
				row := kr.row(b, int32(t), nc)
				idx := -1
				for j := uint64(0); j < nz && d.err == nil; j++ {
					delta := d.uvarint(uint64(rowLen), "counter index")
					idx += int(delta)
					v := d.uvarint(math.MaxUint32, "counter")
					if d.err == nil && (delta == 0 || idx >= rowLen || v == 0) {
						d.fail("counter index or value out of range")
					}
					if d.err == nil {
						if fold > 1 {
							if w := uint64(row[idx/fold]) + v; w > math.MaxUint32 {
								d.fail("counter out of range")
							} else {
								row[idx/fold] = uint32(w)
							}
						} else {
							row[idx] = uint32(v)
						}
						if idx%in < int(numOutcomes) {
							sum += v
						}
					}
				}
			}
		}
		if d.err == nil && sum != n {
			d.fail(fmt.Sprintf("rollup %d counts %d requests, the header %d", k, sum, n))
		}
	}
	nd := d.uvarint(uint64(len(d.b)), "distinct cells")
	if d.err != nil {
		return d.err
	}
	lim := bucketLimits[rollMonth]
	var prev atomKey
	for i := uint64(0); i < nd && d.err == nil; i++ {
		m := d.varint(lim[0], lim[1], "distinct month")
		t := d.uvarint(nt-1, "distinct tuple")
		c := d.uvarint(uint64(nc-1), "distinct code")
		nh := d.uvarint(uint64(s.k), "distinct hashes")
		if d.err != nil {
			break
		}
		if nt == 0 || nh == 0 {
			d.fail("distinct cell without tuples or hashes")
			break
		}
		a := atomKey{month: int32(m), tuple: int32(t), code: uint16(c)}
		if i > 0 && !atomLess(prev, a) {
			d.fail("distinct cells out of order")
			break
		}
		prev = a
		for j := uint64(0); j < nh && d.err == nil; j++ {
			h := d.u64("student hash")
			before := 0
			if ss := s.distinct[a]; ss != nil {
				before = len(ss.h)
			}
			s.addDistinct(a, h)
			if d.err == nil && len(s.distinct[a].h) == before {
				d.fail("repeated student hash")
			}
		}
	}
	if d.err == nil && d.pos != len(d.b) {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return d.err
	}
	s.n.Store(int64(n))
	s.spent = spent
	s.mark = mark
	// Every year holding a month row gets a version, so queries see it.
	kr := &s.roll[rollMonth]
	for i, blk := range kr.blocks {
		if blk != nil {
			s.yearState(int32(floorDiv(int64(kr.origin)+int64(i), 12)), true).version.Add(1)
		}
	}
	return nil
}

func atomLess(a, b atomKey) bool {
	if a.month != b.month {
		return a.month < b.month
	}
	if a.tuple != b.tuple {
		return a.tuple < b.tuple
	}
	return a.code < b.code
}

func sortAtomKeys(keys []atomKey) {
	slices.SortFunc(keys, func(a, b atomKey) int {
		if c := cmp.Compare(a.month, b.month); c != 0 {
			return c
		}
		if c := cmp.Compare(a.tuple, b.tuple); c != 0 {
			return c
		}
		return cmp.Compare(a.code, b.code)
	})
}
