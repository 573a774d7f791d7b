package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers GIF for image.DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// tempPrefix starts the name of every file still being written. Such a file is never served
// and is removed at startup.
const tempPrefix = ".tmp-"

// sniffLen is how many leading bytes http.DetectContentType reads.
const sniffLen = 512

var (
	// errLinkForbidden is a CDN 403: "URL signature expired", "Bad URL date param" or "Bad URL
	// hash". A fresh link from the API may work.
	errLinkForbidden = errors.New("CDN rejected the link with HTTP 403")
	// errCDNNotFound is a CDN 404 or 410, which the CDN sends for deleted media.
	errCDNNotFound = errors.New("CDN file not found")
)

// fetched is a downloaded, checked file under its temporary name, still open and locked
// until commit records it.
type fetched struct {
	file        *os.File
	size        int64
	sha256      string // hex
	contentType string
}

// fetch downloads link into a temporary file in the media folder and checks its size and
// content. On any error the temporary file is removed.
func (s *Store) fetch(ctx context.Context, ref Ref, link string, video bool) (*fetched, error) {
	u, err := url.Parse(link)
	if err != nil {
		return nil, rejectf("link does not parse")
	}
	if err := s.guard.checkURL(u); err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, rejectf("link does not form a request")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		// *url.Error repeats the signed link; keep only the cause.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("get %s: %w", u.Host+u.Path, err)
	}
	defer resp.Body.Close()

	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusForbidden:
		return nil, fmt.Errorf("get %s: %w (%s)", u.Host+u.Path, errLinkForbidden, shortBody(resp.Body))
	case http.StatusNotFound, http.StatusGone:
		return nil, fmt.Errorf("get %s: %w", u.Host+u.Path, errCDNNotFound)
	default:
		return nil, fmt.Errorf("get %s: CDN returned HTTP %d", u.Host+u.Path, resp.StatusCode)
	}

	limit := s.cfg.MaxImageBytes
	if video {
		limit = s.cfg.MaxVideoBytes
	}
	if resp.ContentLength > limit {
		return nil, rejectf("Content-Length %d of %s is over the limit of %d bytes", resp.ContentLength, u.Host+u.Path, limit)
	}
	return s.writeTemp(ref, resp.Body, limit, video)
}

func shortBody(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 200))
	return strings.TrimSpace(string(b))
}

// writeTemp copies body into a new temporary file, then checks and syncs it.
func (s *Store) writeTemp(ref Ref, body io.Reader, limit int64, video bool) (_ *fetched, err error) {
	f, err := os.CreateTemp(s.cfg.Dir, tempPrefix+ref.String()+"-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file for %s: %w", ref, err)
	}
	defer func() {
		if err != nil {
			discard(f)
		}
	}()
	if _, err := lockFile(f); err != nil {
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	hash := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, hash), io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", ref, err)
	}
	if n > limit {
		return nil, rejectf("body of %s is over the limit of %d bytes", ref, limit)
	}
	contentType, err := checkContent(f, video)
	if err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("sync %s: %w", f.Name(), err)
	}
	return &fetched{file: f, size: n, sha256: hex.EncodeToString(hash.Sum(nil)), contentType: contentType}, nil
}

// discard closes and removes a temporary file.
func discard(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// checkContent returns the file's content type, after checking that an image decodes as a
// JPEG, PNG or GIF and that a video sniffs as video.
//
// NOTE: WebP is rejected, because its decoder lives in golang.org/x/image, which igsource does
// not depend on. The Graph API's image links serve JPEG.
func checkContent(f *os.File, video bool) (string, error) {
	head := make([]byte, sniffLen)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read %s: %w", f.Name(), err)
	}
	head = head[:n]
	sniffed := http.DetectContentType(head)
	if video {
		if !strings.HasPrefix(sniffed, "video/") {
			return "", rejectf("body is %s, not a video", sniffed)
		}
		return sniffed, nil
	}
	_, format, err := image.DecodeConfig(io.NewSectionReader(f, 0, 1<<62))
	if err != nil {
		return "", rejectf("body is %s and does not decode as an image: %v", sniffed, err)
	}
	if !bytes.HasPrefix([]byte(sniffed), []byte("image/")) {
		return "image/" + format, nil
	}
	return sniffed, nil
}

// extension returns the file name extension for a content type.
func extension(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "video/mp4":
		return ".mp4"
	case "video/webm":
		return ".webm"
	}
	return ".bin"
}
