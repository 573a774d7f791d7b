package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

const mediaColumns = `ref, account_id, media_id, variant, cdn_url, video, resolvable, path, size,
	content_type, sha256, downloaded_at, last_access_at, gone`

// UpsertMediaFiles registers media files in one transaction. A new ref is inserted. A known
// ref gets the new CDN link, Video and Resolvable, and its download fields are kept. It is no
// longer marked gone, because Instagram returned it again.
func (s *Store) UpsertMediaFiles(ctx context.Context, files []MediaFile) error {
	for _, f := range files {
		if f.Ref == "" || f.MediaID == "" || f.Variant == "" {
			return fmt.Errorf("register media file %q: ref, media id and variant are required", f.Ref)
		}
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO media_files (ref, account_id, media_id, variant,
			cdn_url, video, resolvable, gone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (ref) DO UPDATE SET cdn_url = excluded.cdn_url, video = excluded.video,
			resolvable = excluded.resolvable, gone = excluded.gone`)
		if err != nil {
			return fmt.Errorf("register media files: %w", err)
		}
		defer stmt.Close()
		for _, f := range files {
			_, err := stmt.ExecContext(ctx, f.Ref, f.AccountID, f.MediaID, f.Variant, f.CDNURL,
				f.Video, f.Resolvable, false)
			if err != nil {
				return fmt.Errorf("register media file %s: %w", f.Ref, err)
			}
		}
		return nil
	})
}

// MediaFile returns the media index row of ref.
func (s *Store) MediaFile(ctx context.Context, ref string) (*MediaFile, error) {
	row := s.mediaFile.QueryRowContext(ctx, ref)
	f, err := scanMediaFile(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("media file %s: %w", ref, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read media file %s: %w", ref, err)
	}
	return f, nil
}

// SetMediaDownloaded records where a downloaded file is stored (path relative to the media
// folder), its size in bytes, content type and hex SHA-256. It also counts as an access at at.
func (s *Store) SetMediaDownloaded(ctx context.Context, ref, path string, size int64, contentType, sha256 string, at time.Time) error {
	if path == "" {
		return fmt.Errorf("record download of media file %s: path is empty", ref)
	}
	return s.updateMedia(ctx, "record download of", ref, `UPDATE media_files SET path = $1, size = $2,
		content_type = $3, sha256 = $4, downloaded_at = $5, last_access_at = $5 WHERE ref = $6`,
		path, size, contentType, sha256, at.Unix(), ref)
}

// SetMediaCDNURL replaces the CDN link of ref, after the link was resolved again.
func (s *Store) SetMediaCDNURL(ctx context.Context, ref, url string) error {
	return s.updateMedia(ctx, "set CDN link of", ref,
		"UPDATE media_files SET cdn_url = $1, gone = $2 WHERE ref = $3", url, false, ref)
}

// TouchMedia records an access to ref at at, for least-recently-used eviction.
func (s *Store) TouchMedia(ctx context.Context, ref string, at time.Time) error {
	return s.updateMedia(ctx, "record access to", ref,
		"UPDATE media_files SET last_access_at = $1 WHERE ref = $2", at.Unix(), ref)
}

// MarkMediaGone records that the media of ref was deleted on Instagram.
func (s *Store) MarkMediaGone(ctx context.Context, ref string) error {
	return s.updateMedia(ctx, "mark gone", ref, "UPDATE media_files SET gone = $1 WHERE ref = $2", true, ref)
}

// ClearMediaDownload clears the download fields of ref after its file was evicted. The CDN
// link stays, so the file can be downloaded again.
func (s *Store) ClearMediaDownload(ctx context.Context, ref string) error {
	return s.updateMedia(ctx, "clear download of", ref, `UPDATE media_files SET path = '', size = 0,
		content_type = '', sha256 = '', downloaded_at = NULL WHERE ref = $1`, ref)
}

func (s *Store) updateMedia(ctx context.Context, operation, ref, statement string, args ...any) error {
	res, err := s.write.ExecContext(ctx, statement, args...)
	if err != nil {
		return fmt.Errorf("%s media file %s: %w", operation, ref, err)
	}
	if err := rowsAffectedOrNotFound(res, ErrNotFound); err != nil {
		return fmt.Errorf("media file %s: %w", ref, err)
	}
	return nil
}

// DownloadedMedia returns every downloaded file, least recently accessed first.
func (s *Store) DownloadedMedia(ctx context.Context) ([]MediaFile, error) {
	return s.queryMedia(ctx, "list downloaded media", "SELECT "+mediaColumns+
		" FROM media_files WHERE path <> '' ORDER BY last_access_at, ref")
}

// PendingMedia returns the registered files that are neither downloaded nor gone, of one
// account or, when accountID is 0, of all accounts.
func (s *Store) PendingMedia(ctx context.Context, accountID int64) ([]MediaFile, error) {
	return s.queryMedia(ctx, "list pending media", "SELECT "+mediaColumns+
		" FROM media_files WHERE path = '' AND gone = $1 AND ($2 = 0 OR account_id = $2)"+
		" ORDER BY account_id, ref", false, accountID)
}

// MediaCacheSize returns the total size in bytes of the downloaded files.
func (s *Store) MediaCacheSize(ctx context.Context) (int64, error) {
	var size int64
	err := s.read.QueryRowContext(ctx, "SELECT COALESCE(SUM(size), 0) FROM media_files WHERE path <> ''").Scan(&size)
	if err != nil {
		return 0, fmt.Errorf("sum media cache size: %w", err)
	}
	return size, nil
}

// DownloadedPaths returns the set of stored paths, so that files on disk that no row names
// (left by a crash or a deleted account) can be found and removed.
func (s *Store) DownloadedPaths(ctx context.Context) (map[string]bool, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT path FROM media_files WHERE path <> ''")
	if err != nil {
		return nil, fmt.Errorf("list downloaded paths: %w", err)
	}
	defer rows.Close()
	paths := make(map[string]bool)
	for rows.Next() {
		var path string
		if err := rows.Scan(&path); err != nil {
			return nil, fmt.Errorf("list downloaded paths: %w", err)
		}
		paths[path] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list downloaded paths: %w", err)
	}
	return paths, nil
}

func (s *Store) queryMedia(ctx context.Context, operation, query string, args ...any) ([]MediaFile, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", operation, err)
	}
	defer rows.Close()
	var files []MediaFile
	for rows.Next() {
		f, err := scanMediaFile(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", operation, err)
		}
		files = append(files, *f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", operation, err)
	}
	return files, nil
}

func scanMediaFile(row rowScanner) (*MediaFile, error) {
	var f MediaFile
	var downloadedAt, lastAccessAt sql.NullInt64
	err := row.Scan(&f.Ref, &f.AccountID, &f.MediaID, &f.Variant, &f.CDNURL, &f.Video, &f.Resolvable,
		&f.Path, &f.Size, &f.ContentType, &f.SHA256, &downloadedAt, &lastAccessAt, &f.Gone)
	if err != nil {
		return nil, err
	}
	f.DownloadedAt = timeFromUnix(downloadedAt)
	f.LastAccessAt = timeFromUnix(lastAccessAt)
	return &f, nil
}
