package media

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/igsource/igsource/internal/store"
)

// recover brings the folder and the index back in step after a crash. It removes temporary
// files and files that no row records, which a crash between rename and row leaves. It clears
// the download records of missing files. Files locked by a download in another process stay.
func (s *Store) recover(ctx context.Context) error {
	entries, err := os.ReadDir(s.cfg.Dir)
	if err != nil {
		return fmt.Errorf("read media folder %s: %w", s.cfg.Dir, err)
	}
	rows, err := s.index.DownloadedMedia(ctx)
	if err != nil {
		return fmt.Errorf("list downloaded media: %w", err)
	}
	recorded := make(map[string]bool, len(rows))
	for _, row := range rows {
		if _, err := os.Stat(filepath.Join(s.cfg.Dir, row.Path)); errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("Media file is missing; clearing its download record", "ref", row.Ref, "path", row.Path)
			if err := s.index.ClearMediaDownload(ctx, row.Ref); err != nil {
				return fmt.Errorf("clear download of %s: %w", row.Ref, err)
			}
			continue
		}
		recorded[row.Path] = true
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || recorded[name] || !isOwnFile(name) {
			continue
		}
		if err := s.removeLeftover(name); err != nil {
			return err
		}
	}
	return nil
}

// removeLeftover removes a file that no row records, unless a download in another process
// still holds its lock.
func (s *Store) removeLeftover(name string) error {
	path := filepath.Join(s.cfg.Dir, name)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // its download finished or failed meanwhile
	}
	if err != nil {
		return fmt.Errorf("open leftover media file %s: %w", name, err)
	}
	defer f.Close()
	locked, err := lockFile(f)
	if err != nil {
		return fmt.Errorf("lock leftover media file %s: %w", name, err)
	}
	if !locked {
		s.log.Info("Kept media file that another process is downloading", "path", name)
		return nil
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("remove leftover media file %s: %w", name, err)
	}
	s.log.Info("Removed leftover media file", "path", name)
	return nil
}

// isOwnFile reports whether a name in the media folder is one that the store writes: a
// temporary file or a ref with an extension.
func isOwnFile(name string) bool {
	if strings.HasPrefix(name, tempPrefix) {
		return true
	}
	_, err := ParseRef(name)
	return err == nil && strings.Contains(name, ".")
}

// evict removes least recently used files until the cache is within MaxCacheBytes. The file
// of keep, just downloaded for a waiting request, stays.
func (s *Store) evict(ctx context.Context, keep string) {
	if s.cfg.MaxCacheBytes == 0 && s.metrics == nil {
		return
	}
	s.evictMu.Lock()
	defer s.evictMu.Unlock()
	size, err := s.index.MediaCacheSize(ctx)
	if err != nil {
		s.log.Error("Failed to read media cache size", "error", err)
		return
	}
	if s.cfg.MaxCacheBytes == 0 || size <= s.cfg.MaxCacheBytes {
		s.metrics.cacheSize(size)
		return
	}
	rows, err := s.index.DownloadedMedia(ctx)
	if err != nil {
		s.log.Error("Failed to list downloaded media for eviction", "error", err)
		return
	}
	for _, row := range rows {
		if size <= s.cfg.MaxCacheBytes {
			break
		}
		if row.Ref == keep {
			continue
		}
		if err := s.removeFile(ctx, row); err != nil {
			s.log.Error("Failed to evict media file", "ref", row.Ref, "error", err)
			continue
		}
		size -= row.Size
		s.log.Debug("Evicted media file", "ref", row.Ref, "size", row.Size)
	}
	s.metrics.cacheSize(size)
}

// removeFile clears a download record, then removes its file, so that no request reads the row of
// a file that is gone.
func (s *Store) removeFile(ctx context.Context, row store.MediaFile) error {
	if err := s.index.ClearMediaDownload(ctx, row.Ref); err != nil {
		return fmt.Errorf("clear download of %s: %w", row.Ref, err)
	}
	s.served.drop(row.Ref)
	err := os.Remove(filepath.Join(s.cfg.Dir, row.Path))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove media file %s: %w", row.Path, err)
	}
	return nil
}

// PrefetchSummary counts the outcome of a Prefetch.
type PrefetchSummary struct {
	Total      int // registered files that were not downloaded yet
	Downloaded int
	Deleted    int // media deleted on Instagram
	Failed     int // see the log for each
	HeldBack   int // left for later because the account's Meta API usage was high
}

// Prefetch downloads every registered file of an account (every account when accountID is 0)
// that is not downloaded yet, calling progress, if not nil, after each file. A failed file is
// counted and logged, not returned; the error is for the index or a cancelled ctx.
//
// Prefetch is not urgent, so it skips every file of an account whose Meta API usage is at or
// above HoldBackPercent when the resolver implements UsageMeter. A download may need a Graph
// API call to resolve its link, and calls near the limit get the account throttled. Skipped
// files download on their first request or on the next Prefetch.
func (s *Store) Prefetch(ctx context.Context, accountID int64, progress func(done, total int)) (PrefetchSummary, error) {
	pending, err := s.index.PendingMedia(ctx, accountID)
	if err != nil {
		return PrefetchSummary{}, fmt.Errorf("list media to prefetch for account %d: %w", accountID, err)
	}
	sum := PrefetchSummary{Total: len(pending)}
	gate := s.newUsageGate()
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.cfg.Downloads)
	for _, row := range pending {
		ref, err := ParseRef(row.Ref)
		if err != nil {
			return sum, fmt.Errorf("prefetch: media index row %q: %w", row.Ref, err)
		}
		g.Go(func() error {
			heldBack := gate.holdBack(gctx, ref.AccountID)
			var err error
			if !heldBack {
				_, err = s.file(gctx, ref)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case heldBack:
				sum.HeldBack++
			case err == nil:
				sum.Downloaded++
			case errors.Is(err, errGone):
				sum.Deleted++
			case gctx.Err() != nil:
				return gctx.Err()
			default:
				sum.Failed++
			}
			if progress != nil {
				progress(sum.Downloaded+sum.Deleted+sum.Failed+sum.HeldBack, sum.Total)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return sum, fmt.Errorf("prefetch media of account %d: %w", accountID, err)
	}
	return sum, nil
}

// Purge removes every downloaded file and its download record. Registrations stay, so each
// file downloads again on its next request.
func (s *Store) Purge(ctx context.Context) error {
	s.evictMu.Lock()
	defer s.evictMu.Unlock()
	rows, err := s.index.DownloadedMedia(ctx)
	if err != nil {
		return fmt.Errorf("purge media: list downloaded media: %w", err)
	}
	var errs []error
	for _, row := range rows {
		if err := s.removeFile(ctx, row); err != nil {
			errs = append(errs, err)
		}
	}
	s.served.dropAll()
	s.touchMu.Lock()
	clear(s.touched)
	s.touchMu.Unlock()
	s.log.Info("Purged media files", "count", len(rows)-len(errs))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("purge media: %w", err)
	}
	s.metrics.cacheSize(0)
	return nil
}
