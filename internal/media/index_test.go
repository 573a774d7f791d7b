package media

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/igsource/igsource/internal/store"
)

// memIndex is an in-memory Index with the semantics of the store's media index.
type memIndex struct {
	mu   sync.Mutex
	rows map[string]*store.MediaFile
}

func newMemIndex() *memIndex { return &memIndex{rows: make(map[string]*store.MediaFile)} }

func (m *memIndex) UpsertMediaFiles(_ context.Context, files []store.MediaFile) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, f := range files {
		if row, ok := m.rows[f.Ref]; ok {
			row.CDNURL, row.Video, row.Resolvable = f.CDNURL, f.Video, f.Resolvable
			continue
		}
		f.Path = ""
		m.rows[f.Ref] = &f
	}
	return nil
}

func (m *memIndex) MediaFile(_ context.Context, ref string) (*store.MediaFile, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	row, ok := m.rows[ref]
	if !ok {
		return nil, errIndexNotFound
	}
	c := *row
	return &c, nil
}

func (m *memIndex) update(ref string, fn func(*store.MediaFile)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	row, ok := m.rows[ref]
	if !ok {
		return errIndexNotFound
	}
	fn(row)
	return nil
}

func (m *memIndex) SetMediaDownloaded(_ context.Context, ref, path string, size int64, contentType, sha256 string, at time.Time) error {
	return m.update(ref, func(r *store.MediaFile) {
		r.Path, r.Size, r.ContentType, r.SHA256, r.DownloadedAt, r.LastAccessAt = path, size, contentType, sha256, at, at
	})
}

func (m *memIndex) SetMediaCDNURL(_ context.Context, ref, url string) error {
	return m.update(ref, func(r *store.MediaFile) { r.CDNURL = url })
}

func (m *memIndex) TouchMedia(_ context.Context, ref string, at time.Time) error {
	return m.update(ref, func(r *store.MediaFile) { r.LastAccessAt = at })
}

func (m *memIndex) MarkMediaGone(_ context.Context, ref string) error {
	return m.update(ref, func(r *store.MediaFile) { r.Gone = true })
}

func (m *memIndex) ClearMediaDownload(_ context.Context, ref string) error {
	return m.update(ref, func(r *store.MediaFile) {
		r.Path, r.Size, r.ContentType, r.SHA256, r.DownloadedAt = "", 0, "", "", time.Time{}
	})
}

func (m *memIndex) DownloadedMedia(context.Context) ([]store.MediaFile, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.MediaFile
	for _, r := range m.rows {
		if r.Path != "" {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(a, b store.MediaFile) int {
		return cmp.Or(a.LastAccessAt.Compare(b.LastAccessAt), cmp.Compare(a.Ref, b.Ref))
	})
	return out, nil
}

func (m *memIndex) MediaCacheSize(ctx context.Context) (int64, error) {
	rows, _ := m.DownloadedMedia(ctx)
	var n int64
	for _, r := range rows {
		n += r.Size
	}
	return n, nil
}

func (m *memIndex) PendingMedia(_ context.Context, accountID int64) ([]store.MediaFile, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.MediaFile
	for _, r := range m.rows {
		if r.Path == "" && !r.Gone && (accountID == 0 || r.AccountID == accountID) {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(a, b store.MediaFile) int { return cmp.Compare(a.Ref, b.Ref) })
	return out, nil
}
