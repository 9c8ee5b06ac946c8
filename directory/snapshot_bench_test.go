package directory_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wraparound/wraparound/directory"
	"github.com/wraparound/wraparound/internal/synth"
)

// BenchmarkSnapshotOpen measures what the checks of a snapshot cost
// beside the Open they guard and the Build with a text index that Open
// saves: "check" reads and hashes every file (the checks alone), "open"
// is the whole Open, "build" builds the same directory from its
// providers.
func BenchmarkSnapshotOpen(b *testing.B) {
	for _, n := range []int{10_000} {
		provs := synth.Providers(1, n)
		build := func() (*directory.Directory, error) {
			bld := directory.NewBuilder()
			bld.TextIndex = true
			for _, p := range provs {
				bld.Add(p)
			}
			return bld.Build(context.Background())
		}
		d, err := build()
		require.NoError(b, err)
		dir := filepath.Join(b.TempDir(), "snap")
		require.NoError(b, d.Save(context.Background(), dir))
		var size int64
		require.NoError(b, filepath.WalkDir(dir, func(_ string, de fs.DirEntry, err error) error {
			if err == nil && !de.IsDir() {
				fi, err := de.Info()
				if err != nil {
					return err
				}
				size += fi.Size()
			}
			return err
		}))
		b.Run(fmt.Sprintf("n=%d/check", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				require.NoError(b, directory.CheckSnapshot(dir))
			}
			b.ReportMetric(float64(size)/(1<<20), "MB-snapshot")
		})
		b.Run(fmt.Sprintf("n=%d/open", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, err := directory.Open(context.Background(), dir)
				require.NoError(b, err)
			}
		})
		b.Run(fmt.Sprintf("n=%d/build", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, err := build()
				require.NoError(b, err)
			}
		})
		b.Run(fmt.Sprintf("n=%d/save", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				require.NoError(b, d.Save(context.Background(), dir))
			}
		})
		_ = os.RemoveAll(dir)
	}
}
