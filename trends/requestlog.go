package trends

import (
	"bufio"
	"context"
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sync"
)

// The request log format (version 1), integers little-endian:
//
//	header (64 bytes): magic "WRAPTLOG", version uint32, reserved uint32,
//	  generation [8]byte (random, new at creation and at every
//	  Checkpoint), fingerprint [32]byte (region sets, zone, student-key
//	  check), reserved uint32, CRC-32C of the 60 bytes before it (uint32)
//	frames, one per batch (or per part of a batch over maxFrameRequests):
//	  length uint32 (payload bytes), CRC-32C uint32 of the payload,
//	  payload: codes uvarint n, n × (uvarint len, bytes) category codes,
//	  requests uvarint m, m × (day varint, code index uvarint, outcome
//	  byte, region uvarint per set (Len() = Outside), keyed byte, and
//	  the 8-byte keyed student hash when keyed)
//
// A record holds what the rollups hold and no more: civil day, regions,
// category, outcome and the keyed hash. No point, student key or time of
// day is written.

const (
	logMagic     = "WRAPTLOG"
	logVersion   = 1
	logHeaderLen = 64
	// maxFramePayload bounds one frame; a reader refuses larger lengths.
	maxFramePayload = 64 << 20
	// maxFrameRequests splits very large batches into several frames so
	// that no frame passes maxFramePayload (a record is at most ~60 bytes
	// with 16 sets).
	maxFrameRequests = 1 << 20
)

// logFingerprint digests what log records depend on: each set's name and
// region names in order, the zone (days are civil days in it) and the
// student key check.
func (s *Store) logFingerprint() [32]byte {
	h := sha256.New()
	for _, set := range s.sets {
		fmt.Fprintf(h, "set %q %d\n", set.Name, set.Regions.Len())
		for _, r := range set.Regions.All() {
			fmt.Fprintf(h, "%q\n", r.Name)
		}
	}
	fmt.Fprintf(h, "zone %q\n", s.loc.String())
	if len(s.cfg.StudentKey) > 0 {
		m := hmac.New(sha256.New, s.cfg.StudentKey)
		m.Write([]byte("wraparound trends store key check"))
		h.Write(m.Sum(nil))
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

func (s *Store) logHeader(gen [8]byte) []byte {
	h := make([]byte, logHeaderLen)
	copy(h, logMagic)
	binary.LittleEndian.PutUint32(h[8:], logVersion)
	copy(h[16:24], gen[:])
	fp := s.logFingerprint()
	copy(h[24:56], fp[:])
	binary.LittleEndian.PutUint32(h[60:], crc32.Checksum(h[:60], castagnoli))
	return h
}

func newGeneration() [8]byte {
	var g [8]byte
	crand.Read(g[:])
	return g
}

// logMark says which prefix of a request log a saved store already
// counts: the log's generation and the byte offset of the first frame
// not counted. Replay skips the frames before it.
type logMark struct {
	gen [8]byte
	off int64
}

// Log is an append-only file of requests a service keeps beside a Store,
// so that the store can be rebuilt after a restart (Store.Replay). Each
// AddBatch is written as a framed, checksummed record before it is added
// to the store. A Log is safe for concurrent use; batches are written
// one at a time.
type Log struct {
	s   *Store
	f   *os.File
	mu  sync.Mutex
	gen [8]byte
	buf []byte
}

// OpenLog opens the request log at path for appending, creating it when
// missing. An existing log must have been written for the same region
// sets, zone and student key (else ErrMismatch); a torn tail left by a
// crash (a last frame cut short or failing its checksum) is cut off so
// that new frames follow the last whole one. OpenLog does not replay the
// log into the store: call Replay first when restarting.
func (s *Store) OpenLog(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	var gen [8]byte
	if st.Size() == 0 {
		gen = newGeneration()
		if _, err := f.Write(s.logHeader(gen)); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, err
		}
	} else {
		// Find the end of the last whole frame by reading the log through
		// without adding anything.
		end, _, g, err := s.scanLog(context.Background(), bufio.NewReaderSize(f, 1<<20), nil)
		gen = g
		if err != nil {
			f.Close()
			if fe, ok := err.(*FileError); ok {
				fe.Path = path
			}
			return nil, err
		}
		if end < st.Size() {
			if err := f.Truncate(end); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	if _, err := f.Seek(0, io.SeekEnd); err != nil {
		f.Close()
		return nil, err
	}
	return &Log{s: s, f: f, gen: gen}, nil
}

// Checkpoint saves the store to path (Store.Save) and empties the log,
// so that a restart opens the store and replays only what came after.
// The saved store records how much of the log it counts; the log gets a
// new generation when it is emptied. A crash between the two steps is
// safe: Replay of the old generation skips the frames the saved store
// already counts. Every ingest must go through the log (Log.AddBatch)
// for this to hold; batches wait while the checkpoint runs.
func (l *Log) Checkpoint(path string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.saveMarked(path); err != nil {
		return err
	}
	gen := newGeneration()
	if _, err := l.f.WriteAt(l.s.logHeader(gen), 0); err != nil {
		return err
	}
	if err := l.f.Truncate(logHeaderLen); err != nil {
		return err
	}
	if _, err := l.f.Seek(0, io.SeekEnd); err != nil {
		return err
	}
	l.gen = gen
	return l.f.Sync()
}

// saveMarked syncs the log and saves the store marked with the log's
// current end. The caller holds l.mu.
func (l *Log) saveMarked(path string) error {
	if err := l.f.Sync(); err != nil {
		return err
	}
	end, err := l.f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	l.s.noiseMu.Lock()
	l.s.mark = logMark{gen: l.gen, off: end}
	l.s.noiseMu.Unlock()
	return l.s.Save(path)
}

// AddBatch resolves reqs as Store.AddBatch does (all or none, the same
// errors), appends them to the log, then adds them to the store. When the
// write fails nothing is added. The frame is written with one write call
// but not synced: call Sync for durability at the pace the service needs.
func (l *Log) AddBatch(ctx context.Context, reqs []Request) error {
	ps, err := l.s.prepareAll(ctx, reqs)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for lo := 0; lo < len(ps); lo += maxFrameRequests {
		part := ps[lo:min(lo+maxFrameRequests, len(ps))]
		l.buf = l.s.appendFrame(l.buf[:0], part)
		if _, err := l.f.Write(l.buf); err != nil {
			return err
		}
	}
	l.s.commit(ps)
	return nil
}

// Sync flushes the log to stable storage (fsync).
func (l *Log) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Sync()
}

// Close syncs and closes the log file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.f.Sync(); err != nil {
		l.f.Close()
		return err
	}
	return l.f.Close()
}

// prepareAll resolves every request, all or none.
func (s *Store) prepareAll(ctx context.Context, reqs []Request) ([]prepared, error) {
	return s.prepareRange(ctx, reqs, 0, make([]prepared, 0, len(reqs)))
}

// appendFrame encodes ps as one frame.
func (s *Store) appendFrame(b []byte, ps []prepared) []byte {
	b = append(b, make([]byte, 8)...)
	start := len(b)
	// Dictionary of the codes used in the frame.
	idx := map[uint16]int{}
	var order []uint16
	for i := range ps {
		if _, ok := idx[ps[i].code]; !ok {
			idx[ps[i].code] = len(order)
			order = append(order, ps[i].code)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(order)))
	for _, c := range order {
		b = binary.AppendUvarint(b, uint64(len(s.codes[c])))
		b = append(b, s.codes[c]...)
	}
	b = binary.AppendUvarint(b, uint64(len(ps)))
	for i := range ps {
		p := &ps[i]
		b = binary.AppendVarint(b, int64(p.day))
		b = binary.AppendUvarint(b, uint64(idx[p.code]))
		b = append(b, p.outcome)
		k := p.key
		for si := range s.sets {
			b = binary.AppendUvarint(b, k%s.radix[si])
			k /= s.radix[si]
		}
		if p.keyed {
			b = append(b, 1)
			b = binary.LittleEndian.AppendUint64(b, p.student)
		} else {
			b = append(b, 0)
		}
	}
	binary.LittleEndian.PutUint32(b[start-8:], uint32(len(b)-start))
	binary.LittleEndian.PutUint32(b[start-4:], crc32.Checksum(b[start:], castagnoli))
	return b
}

// ReplayResult says what Replay read.
type ReplayResult struct {
	// Frames and Requests count the whole frames replayed.
	Frames, Requests int64
	// TornBytes is the length of a torn tail ignored at the end of the
	// log (a frame cut short or failing its checksum with nothing after
	// it): the batch a crash interrupted. 0 when the log ends cleanly.
	TornBytes int64
	// Skipped counts the requests of frames the store already counted
	// (it was saved by Checkpoint from this log generation and the crash
	// came before the log was emptied).
	Skipped int64
}

// Replay adds every request of a log written by Log.AddBatch to the
// store, frame by frame (each frame all or nothing), and returns what it
// read. A torn tail is ignored and reported in ReplayResult.TornBytes; a
// damaged frame followed by more data, a log of other region sets, zone
// or student key (ErrMismatch), or a category the store's taxonomy does
// not know is an error naming the byte offset, and the frames before it
// stay added. Memory: one frame at a time (at most 64 MiB).
func (s *Store) Replay(ctx context.Context, r io.Reader) (ReplayResult, error) {
	_, res, _, err := s.scanLog(ctx, bufio.NewReaderSize(r, 1<<20), func(ps []prepared) {
		s.commit(ps)
	})
	return res, err
}

// scanLog reads a log, calling add (when not nil) for every whole frame,
// and returns the offset just after the last whole frame.
func (s *Store) scanLog(ctx context.Context, r *bufio.Reader, add func([]prepared)) (int64, ReplayResult, [8]byte, error) {
	var res ReplayResult
	var gen [8]byte
	var h [logHeaderLen]byte
	if n, err := io.ReadFull(r, h[:]); err != nil {
		return 0, res, gen, &FileError{Offset: int64(n), Err: fmt.Errorf("%w: shorter than the log header", ErrCorrupt)}
	}
	if string(h[:8]) != logMagic {
		return 0, res, gen, &FileError{Err: fmt.Errorf("%w: not a trends request log", ErrCorrupt)}
	}
	if crc32.Checksum(h[:60], castagnoli) != binary.LittleEndian.Uint32(h[60:]) {
		return 0, res, gen, &FileError{Offset: 60, Err: fmt.Errorf("%w: log header checksum mismatch", ErrCorrupt)}
	}
	if v := binary.LittleEndian.Uint32(h[8:]); v != logVersion {
		return 0, res, gen, &FileError{Offset: 8, Err: fmt.Errorf("%w: log version %d", ErrFormatVersion, v)}
	}
	copy(gen[:], h[16:24])
	want := s.logHeader(gen)
	if string(want[24:56]) != string(h[24:56]) {
		return 0, res, gen, &FileError{Offset: 24, Err: ErrMismatch}
	}
	s.noiseMu.Lock()
	mark := s.mark
	s.noiseMu.Unlock()
	skipTo := int64(0)
	if mark.gen == gen {
		skipTo = mark.off
	}
	off := int64(logHeaderLen)
	if skipTo > 0 && skipTo < off {
		return 0, res, gen, &FileError{Offset: skipTo, Err: fmt.Errorf("%w: the saved store's log mark is inside the header", ErrCorrupt)}
	}
	var payload []byte
	var ps []prepared
	for {
		if err := ctx.Err(); err != nil {
			return off, res, gen, err
		}
		var fh [8]byte
		n, err := io.ReadFull(r, fh[:])
		if err == io.EOF {
			return off, res, gen, nil
		}
		if err != nil {
			res.TornBytes = int64(n)
			return off, res, gen, nil
		}
		ln := binary.LittleEndian.Uint32(fh[:])
		if ln > maxFramePayload {
			if rest, _ := io.Copy(io.Discard, r); rest <= int64(ln) {
				res.TornBytes = 8 + rest
				return off, res, gen, nil
			}
			return off, res, gen, &FileError{Offset: off, Err: fmt.Errorf("%w: frame length %d", ErrCorrupt, ln)}
		}
		if cap(payload) < int(ln) {
			payload = make([]byte, ln)
		}
		payload = payload[:ln]
		if n, err := io.ReadFull(r, payload); err != nil {
			res.TornBytes = 8 + int64(n)
			return off, res, gen, nil
		}
		if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(fh[4:]) {
			if _, err := r.Peek(1); err == io.EOF {
				res.TornBytes = 8 + int64(ln)
				return off, res, gen, nil
			}
			return off, res, gen, &FileError{Offset: off, Err: fmt.Errorf("%w: frame checksum mismatch before the end of the log", ErrCorrupt)}
		}
		ps, err = s.decodeFrame(payload, off+8, ps[:0])
		if err != nil {
			return off, res, gen, err
		}
		end := off + 8 + int64(ln)
		switch {
		case end <= skipTo:
			res.Skipped += int64(len(ps))
		case off < skipTo:
			return off, res, gen, &FileError{Offset: skipTo, Err: fmt.Errorf("%w: the saved store's log mark is inside a frame", ErrCorrupt)}
		default:
			if add != nil {
				add(ps)
			}
			res.Frames++
			res.Requests += int64(len(ps))
		}
		off = end
	}
}

var errFrame = errors.New("trends: malformed log frame")

func (s *Store) decodeFrame(b []byte, off int64, ps []prepared) ([]prepared, error) {
	d := decoder{b: b, off: off}
	nc := d.uvarint(uint64(len(b)), "codes")
	codes := make([]uint16, 0, min(nc, 1<<13))
	for i := uint64(0); i < nc && d.err == nil; i++ {
		ln := d.uvarint(uint64(len(b)-d.pos), "code length")
		if d.err != nil {
			break
		}
		code := string(b[d.pos : d.pos+int(ln)])
		d.pos += int(ln)
		c, ok := s.codeIdx[code]
		if !ok {
			// The code is a taxonomy code, not personal data.
			return nil, &FileError{Offset: off + int64(d.pos), Err: fmt.Errorf("%w %q", ErrUnknownCategory, code)}
		}
		codes = append(codes, c)
	}
	nr := d.uvarint(uint64(len(b)), "requests")
	lim := bucketLimits[rollDay]
	regs := make([]uint64, len(s.sets))
	for i := uint64(0); i < nr && d.err == nil; i++ {
		var p prepared
		p.day = int32(d.varint(lim[0], lim[1], "day"))
		ci := d.uvarint(uint64(max(len(codes), 1)-1), "code index")
		if d.err == nil && len(codes) == 0 {
			d.fail("request without codes")
		}
		if d.err != nil {
			break
		}
		p.code = codes[ci]
		if d.pos >= len(b) {
			d.fail("truncated record")
			break
		}
		p.outcome = b[d.pos]
		d.pos++
		if p.outcome >= uint8(numOutcomes) {
			d.fail("outcome out of range")
			break
		}
		for si := range s.sets {
			regs[si] = d.uvarint(s.radix[si]-1, "region index")
		}
		for si := len(s.sets) - 1; si >= 0; si-- {
			p.key = p.key*s.radix[si] + regs[si]
		}
		if d.err != nil || d.pos >= len(b) {
			d.fail("truncated record")
			break
		}
		keyed := b[d.pos]
		d.pos++
		switch keyed {
		case 0:
		case 1:
			if len(s.cfg.StudentKey) == 0 {
				d.fail("keyed record in a store without StudentKey")
			}
			p.keyed, p.student = true, d.u64("student hash")
		default:
			d.fail("bad keyed flag")
		}
		p.week = weekOfDay(p.day)
		p.month = monthOfDay(p.day)
		ps = append(ps, p)
	}
	if d.err == nil && d.pos != len(b) {
		d.fail("trailing bytes in frame")
	}
	if d.err != nil {
		return nil, fmt.Errorf("%w: %w", errFrame, d.err)
	}
	return ps, nil
}
