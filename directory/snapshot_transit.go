package directory

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"

	"github.com/wraparound/wraparound/geo/transit"
)

// transitFile holds, in a snapshot, the GTFS feed the directory's
// transit network was read from.
const transitFile = "transit.zip"

// SaveOptions adds to a snapshot what a Directory cannot hand back by
// itself. The zero value saves what Save saves.
type SaveOptions struct {
	// TransitFeed is the GTFS zip archive the directory's transit network
	// (Builder.Transit) was read from, as given to transit.ReadZip. When
	// set, the snapshot stores it and Open reads the network back from it,
	// with the same TransitReach, so that transit filters work on the
	// opened directory without OpenWith. SaveWith reads the feed once and
	// refuses it unless it gives the directory's network (same counts,
	// dates, zone and stops).
	TransitFeed []byte `json:"-"`
}

// SaveWith is Save with options: see SaveOptions. Save(ctx, dir) is
// SaveWith(ctx, dir, SaveOptions{}). ctx is honoured as by Save, and
// while the feed is read.
func (d *Directory) SaveWith(ctx context.Context, dir string, opts SaveOptions) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if opts.TransitFeed != nil {
		if d.net == nil {
			return fmt.Errorf("directory: save: transit feed given: %w", ErrNoTransit)
		}
		net, err := readFeed(ctx, opts.TransitFeed)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("directory: save: transit feed: %w", err)
		}
		if networkPrint(net) != networkPrint(d.net) {
			return fmt.Errorf("%w: the transit feed given does not give the directory's network", ErrBadValue)
		}
	}
	return d.save(ctx, dir, opts)
}

func readFeed(ctx context.Context, feed []byte) (*transit.Network, error) {
	return transit.ReadZip(ctx, bytes.NewReader(feed), int64(len(feed)))
}

// networkPrint is a fingerprint of a network: its counts, service dates,
// zone and stops, as lower-case hex SHA-256.
func networkPrint(n *transit.Network) string {
	h := sha256.New()
	s := n.Stats()
	fmt.Fprintf(h, "%d %d %d %d %d %d %d %s %s %s\n", s.Agencies, s.Stops, s.Routes, s.Trips, s.StopTimes, s.Services, s.Departures,
		s.First.Format("2006-01-02"), s.Last.Format("2006-01-02"), n.Location())
	var buf [16]byte
	for _, st := range n.Stops() {
		fmt.Fprintf(h, "%q %q %d %q\n", st.ID, st.Name, st.LocationType, st.Parent)
		binary.LittleEndian.PutUint64(buf[:8], math.Float64bits(st.Point[0]))
		binary.LittleEndian.PutUint64(buf[8:], math.Float64bits(st.Point[1]))
		h.Write(buf[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}
