package demo

import (
	"bytes"
	"context"
	"sync"

	"github.com/wraparound/wraparound/geo/transit"
)

var (
	netOnce sync.Once
	network *transit.Network
	netErr  error
)

// Network returns CARTA's bus network loaded from the embedded GTFS feed,
// loaded once and shared (it is immutable). The feed's service runs from
// 2026-05-10 to 2026-08-22: pick dates in that range.
func Network() (*transit.Network, error) {
	netOnce.Do(func() {
		network, netErr = transit.ReadZip(context.Background(), bytes.NewReader(cartaZip), int64(len(cartaZip)))
	})
	return network, netErr
}
