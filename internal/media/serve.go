package media

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/igsource/igsource/internal/store"
)

// touchInterval throttles the index writes that record a file's last access for eviction:
// a file served again within it keeps its earlier access time.
const touchInterval = time.Minute

// maxTouched is the size of the access-time map above which entries older than touchInterval
// are dropped, which keeps the map to the files served within about a minute.
const maxTouched = 4096

// ServeHTTP serves GET and HEAD /media/{ref}, downloading the file on its first request. It
// handles conditional and Range requests like http.ServeContent, with a strong ETag (the
// file's SHA-256) and a year-long immutable Cache-Control, because a ref's bytes never change.
// An unknown or malformed ref is a 404 and is never fetched, so the route is no open proxy.
func (s *Store) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed; use GET or HEAD.")
		return
	}

	segment := r.PathValue("ref")
	if segment == "" {
		// The route may be mounted with or without http.StripPrefix.
		segment = strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/media/"), "/")
	}
	ref, err := ParseRef(segment)
	if err != nil || strings.Contains(segment, "/") {
		writeError(w, http.StatusNotFound, "Media not found: the path is not a media reference.")
		return
	}

	row, f, err := s.open(r.Context(), ref)
	if err != nil {
		s.writeFileError(w, r, ref, err)
		return
	}
	defer f.Close()
	s.touch(r.Context(), ref)

	modified := row.DownloadedAt
	if modified.IsZero() {
		if info, err := f.Stat(); err == nil {
			modified = info.ModTime()
		}
	}
	h := w.Header()
	if row.ContentType != "" {
		h.Set("Content-Type", row.ContentType) // else ServeContent sniffs it
	}
	h.Set("ETag", `"`+row.SHA256+`"`)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, row.Path, modified, f)
}

// open returns ref's row and open file, downloading it if needed. It tries twice because
// eviction may remove a file between reading its row and opening it; an open file stays
// readable after its removal.
func (s *Store) open(ctx context.Context, ref Ref) (*store.MediaFile, *os.File, error) {
	for try := 0; ; try++ {
		row, err := s.file(ctx, ref)
		if err != nil {
			return nil, nil, err
		}
		f, err := os.Open(filepath.Join(s.cfg.Dir, row.Path))
		if err == nil {
			return row, f, nil
		}
		// A file that another process removed fails here, so the next try reads the index.
		s.served.drop(row.Ref)
		if try > 0 || !errors.Is(err, fs.ErrNotExist) {
			s.log.Error("Failed to open media file", "ref", ref.String(), "path", row.Path, "error", err)
			return nil, nil, fmt.Errorf("open media file %s: %w", row.Path, err)
		}
	}
}

func (s *Store) writeFileError(w http.ResponseWriter, r *http.Request, ref Ref, err error) {
	switch {
	case errors.Is(err, errNotRegistered):
		writeError(w, http.StatusNotFound, "Media not found: "+ref.String()+" is not registered.")
	case errors.Is(err, errGone):
		writeError(w, http.StatusNotFound, "Media not found: "+ref.String()+" was deleted on Instagram.")
	case r.Context().Err() != nil:
		// The client disconnected, so no response is written.
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusGatewayTimeout, "Media download timed out; try again later.")
	default:
		writeError(w, http.StatusBadGateway, "Media could not be downloaded from Instagram; try again later.")
	}
}

func writeError(w http.ResponseWriter, status int, message string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(message + "\n"))
}

// touch records the access for least-recently-used eviction, at most once per touchInterval
// and ref.
func (s *Store) touch(ctx context.Context, ref Ref) {
	now := s.clock.Now()
	key := ref.String()
	s.touchMu.Lock()
	last, ok := s.touched[key]
	if ok && now.Sub(last) < touchInterval {
		s.touchMu.Unlock()
		return
	}
	s.touched[key] = now
	if len(s.touched) > maxTouched {
		for k, at := range s.touched {
			if now.Sub(at) >= touchInterval {
				delete(s.touched, k)
			}
		}
	}
	s.touchMu.Unlock()
	if err := s.index.TouchMedia(ctx, key, now); err != nil {
		s.log.Warn("Failed to record media access", "ref", key, "error", err)
	}
}
