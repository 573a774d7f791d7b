package media

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

var (
	errNotRegistered = errors.New("media reference is not registered")
	errGone          = errors.New("media was deleted on Instagram")
)

// file returns the index row of ref with its file on disk, downloading it first if needed.
// Concurrent callers for one ref share one download, which runs on the store's context so
// that a caller that goes away does not cancel it for the others. A row kept in s.served is
// returned without checking the disk, so callers that open the file drop the row when the
// open fails.
func (s *Store) file(ctx context.Context, ref Ref) (*store.MediaFile, error) {
	key := ref.String()
	now := s.clock.Now()
	if row, ok := s.served.get(key, now); ok {
		return row, nil
	}
	generation := s.served.current()
	row, onDisk, err := s.lookup(ctx, ref)
	if err != nil {
		return nil, err
	}
	if onDisk {
		s.served.put(row, generation, now)
		return row, nil
	}
	ch := s.flight.DoChan(ref.String(), func() (any, error) {
		return s.download(s.ctx, ref)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*store.MediaFile), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// lookup returns ref's index row and whether its file is on disk. An unknown ref is
// errNotRegistered and deleted media is errGone. A row whose file is missing has its download
// record cleared, so that the file is downloaded again.
func (s *Store) lookup(ctx context.Context, ref Ref) (*store.MediaFile, bool, error) {
	row, err := s.index.MediaFile(ctx, ref.String())
	if isIndexNotFound(err) {
		return nil, false, errNotRegistered
	}
	if err != nil {
		return nil, false, fmt.Errorf("read media index row %s: %w", ref, err)
	}
	if row.Gone {
		return nil, false, errGone
	}
	if row.Path == "" {
		return row, false, nil
	}
	if _, err := os.Stat(filepath.Join(s.cfg.Dir, row.Path)); err == nil {
		return row, true, nil
	}
	s.log.Warn("Media file is missing; downloading it again", "ref", ref.String(), "path", row.Path)
	s.served.drop(ref.String())
	if err := s.index.ClearMediaDownload(ctx, ref.String()); err != nil {
		return nil, false, fmt.Errorf("clear download of %s: %w", ref, err)
	}
	return row, false, nil
}

// download fetches ref from its CDN link, re-resolving the link once when it has expired, the
// guard no longer allows its host or the CDN rejects it, and records the file.
func (s *Store) download(ctx context.Context, ref Ref) (*store.MediaFile, error) {
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Another download of this ref may have finished while this one waited for a slot.
	row, onDisk, err := s.lookup(ctx, ref)
	if err != nil || onDisk {
		return row, err
	}
	f, err := s.fetchFresh(ctx, ref, row)
	switch {
	case errors.Is(err, errGone):
		return nil, err // the resolver reported the deletion, and markGone logged it
	case errors.Is(err, errCDNNotFound) && !row.Resolvable:
		// Without a resolver to ask, the CDN's 404 is the only sign of a deletion.
		s.markGone(ctx, ref)
		return nil, errGone
	case err != nil:
		s.logFailure(ref, err)
		return nil, err
	}
	return s.commit(ctx, ref, f)
}

// fetchFresh fetches row's link. The resolver replaces a stored link that has expired or that
// the guard no longer allows before the first try, or a link that the CDN rejects after it.
// It is called at most once, so a fresh link that the guard or the CDN rejects too is an error
// instead of a loop.
func (s *Store) fetchFresh(ctx context.Context, ref Ref, row *store.MediaFile) (*fetched, error) {
	link := row.CDNURL
	resolved := false
	if row.Resolvable {
		if reason := s.outdatedReason(link); reason != "" {
			s.log.Info("Resolving a fresh link in place of an outdated stored one", "ref", ref.String(), "reason", reason)
			var err error
			if link, err = s.resolve(ctx, ref); err != nil {
				return nil, err
			}
			resolved = true
		}
	}
	f, err := s.fetch(ctx, ref, link, row.Video)
	rejected := errors.Is(err, errLinkForbidden) || errors.Is(err, errCDNNotFound)
	if !rejected || resolved || !row.Resolvable {
		return f, err
	}
	s.log.Info("CDN rejected the media link; resolving a fresh one", "ref", ref.String(), "error", err)
	if link, err = s.resolve(ctx, ref); err != nil {
		return nil, err
	}
	return s.fetch(ctx, ref, link, row.Video)
}

// outdatedReason returns why a stored link cannot be used as it is, or "" when it can be
// tried. A host the guard no longer allows is such a reason, because an allowed host can
// change between runs: the demo's emulator CDN gets a new loopback port each time.
func (s *Store) outdatedReason(link string) string {
	if linkExpired(link, s.clock.Now()) {
		return "the link has expired"
	}
	u, err := url.Parse(link)
	if err != nil {
		return "the link does not parse"
	}
	if err := s.guard.checkURL(u); err != nil {
		return err.Error()
	}
	return ""
}

// resolve gets a fresh link from the resolver and stores it.
func (s *Store) resolve(ctx context.Context, ref Ref) (string, error) {
	r := s.currentResolver()
	if r == nil {
		return "", fmt.Errorf("resolve fresh link of %s: no resolver is set", ref)
	}
	link, err := r.ResolveURL(ctx, ref)
	if isDeleted(err) {
		s.markGone(ctx, ref)
		return "", errGone
	}
	if err != nil {
		return "", fmt.Errorf("resolve fresh link of %s: %w", ref, err)
	}
	if err := s.index.SetMediaCDNURL(ctx, ref.String(), link); err != nil {
		return "", fmt.Errorf("store fresh link of %s: %w", ref, err)
	}
	return link, nil
}

func (s *Store) markGone(ctx context.Context, ref Ref) {
	s.log.Info("Media was deleted on Instagram", "ref", ref.String())
	s.served.drop(ref.String())
	if err := s.index.MarkMediaGone(ctx, ref.String()); err != nil {
		s.log.Error("Failed to mark media as deleted", "ref", ref.String(), "error", err)
	}
}

func (s *Store) logFailure(ref Ref, err error) {
	if errors.Is(err, errRejected) {
		s.metrics.rejected()
		s.log.Warn("Rejected media download", "ref", ref.String(), "reason", err.Error())
		return
	}
	s.metrics.failed()
	s.log.Error("Failed to download media", "ref", ref.String(), "error", err)
}

// commit moves a checked temporary file to its final name and records it. The rename comes
// after the data is synced and before the index row, so the index never points at a partial
// file. A crash between the rename and the row leaves a file that startup removes. The file
// stays open and locked until the row is written, so that another process starting on the
// folder does not take it for such a leftover.
func (s *Store) commit(ctx context.Context, ref Ref, f *fetched) (*store.MediaFile, error) {
	name := ref.String() + extension(f.contentType)
	if err := os.Rename(f.file.Name(), filepath.Join(s.cfg.Dir, name)); err != nil {
		discard(f.file)
		return nil, fmt.Errorf("rename downloaded file of %s: %w", ref, err)
	}
	defer f.file.Close()
	if err := syncDir(s.cfg.Dir); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	s.served.drop(ref.String())
	err := s.index.SetMediaDownloaded(ctx, ref.String(), name, f.size, f.contentType, f.sha256, now)
	if err != nil {
		return nil, fmt.Errorf("record download of %s: %w", ref, err)
	}
	s.metrics.downloaded(f.size)
	s.log.Info("Downloaded media", "ref", ref.String(), "size", f.size, "content_type", f.contentType)
	s.evict(ctx, ref.String())
	row, err := s.index.MediaFile(ctx, ref.String())
	if err != nil {
		return nil, fmt.Errorf("read media index row %s: %w", ref, err)
	}
	return row, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open media folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync media folder %s: %w", dir, err)
	}
	return nil
}

// linkExpired reports whether a CDN link's oe parameter, its expiry as 8 hex digits of Unix
// seconds, is at or before now. A link without a readable oe is tried as it is.
func linkExpired(link string, now time.Time) bool {
	u, err := url.Parse(link)
	if err != nil {
		return false
	}
	oe := u.Query().Get("oe")
	if len(oe) != 8 {
		return false
	}
	secs, err := strconv.ParseUint(oe, 16, 64)
	if err != nil {
		return false
	}
	return !now.Before(time.Unix(int64(secs), 0))
}

// isDeleted reports whether a resolver error means the media no longer exists: Meta's
// not-found error, or an apperr NOT_FOUND from the source layer.
func isDeleted(err error) bool {
	return err != nil && (instagram.IsNotFound(err) || apperr.CodeOf(err) == apperr.NotFound)
}

// isIndexNotFound reports whether the index has no row for a ref.
func isIndexNotFound(err error) bool {
	return errors.Is(err, store.ErrNotFound)
}
