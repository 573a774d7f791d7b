package emulator_test

import (
	"bytes"
	"encoding/binary"
	"image/jpeg"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/emulator"
)

// Positions of seeded media in the creator's list, newest first.
const (
	seededLargeImage = 1
	seededLargeVideo = 6
)

func TestCDNServesFile(t *testing.T) {
	f := newFixture(t, emulator.Options{ImageSide: 48})
	item := f.allMedia(t, "id,media_type,media_url")[0]
	r := get(t, item["media_url"].(string))
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("Content-Type = %q, want image/jpeg", ct)
	}
	want, err := f.e.CDNFile(item["id"].(string), emulator.VariantFile)
	if err != nil {
		t.Fatalf("CDNFile: %v", err)
	}
	if !bytes.Equal(r.body, want) {
		t.Error("downloaded bytes differ from CDNFile")
	}
	img, err := jpeg.Decode(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("decode JPEG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 48 || b.Dy() != 48 {
		t.Errorf("image is %dx%d, want 48x48", b.Dx(), b.Dy())
	}
}

func TestCDNLinkExpires(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	id := f.e.MediaIDs(f.accounts.CreatorUserID)[0]
	link, err := f.e.CDNURL(id, emulator.VariantFile, start.Add(time.Hour))
	if err != nil {
		t.Fatalf("CDNURL: %v", err)
	}
	if oe := mustParse(t, link).Query().Get("oe"); oe != strconv.FormatInt(start.Add(time.Hour).Unix(), 16) &&
		!strings.EqualFold(oe, strconv.FormatInt(start.Add(time.Hour).Unix(), 16)) {
		t.Errorf("oe = %s, want the expiry as hex Unix seconds", oe)
	}
	if r := get(t, link); r.status != http.StatusOK {
		t.Fatalf("before expiry: status %d", r.status)
	}
	f.clock.Advance(time.Hour + time.Second)
	r := get(t, link)
	checkCDNRefusal(t, r, http.StatusForbidden, "URL signature expired")
}

func checkCDNRefusal(t *testing.T, r response, status int, body string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status = %d, want %d", r.status, status)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("Content-Type = %q, want text/plain", ct)
	}
	if string(r.body) != body {
		t.Errorf("body = %q, want %q", r.body, body)
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parse %s: %v", raw, err)
	}
	return u
}

func TestCDNBadHash(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	id := f.e.MediaIDs(f.accounts.CreatorUserID)[0]
	link, err := f.e.CDNURL(id, emulator.VariantFile, start.Add(time.Hour))
	if err != nil {
		t.Fatalf("CDNURL: %v", err)
	}
	tests := []struct {
		name  string
		param string
		value string
	}{
		{"signature", "oh", "00_forged"},
		{"later expiry", "oe", strings.ToUpper(strconv.FormatInt(start.Add(48*time.Hour).Unix(), 16))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := mustParse(t, link)
			q := u.Query()
			q.Set(tt.param, tt.value)
			u.RawQuery = q.Encode()
			checkCDNRefusal(t, get(t, u.String()), http.StatusForbidden, "Bad URL hash")
		})
	}
}

func TestDeleteMedia(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	id := f.e.MediaIDs(f.accounts.CreatorUserID)[0]
	link, err := f.e.CDNURL(id, emulator.VariantFile, start.Add(time.Hour))
	if err != nil {
		t.Fatalf("CDNURL: %v", err)
	}
	if err := f.e.DeleteMedia(id); err != nil {
		t.Fatalf("DeleteMedia: %v", err)
	}
	if r := get(t, link); r.status != http.StatusNotFound {
		t.Errorf("CDN status after delete = %d, want 404", r.status)
	}
	gerr := get(t, f.ig("/"+id)).graphErr(t, http.StatusBadRequest)
	if gerr.Subcode == nil || *gerr.Subcode != 33 {
		t.Errorf("node after delete: error_subcode = %v, want 33", gerr.Subcode)
	}
	if got := f.e.MediaIDs(f.accounts.CreatorUserID)[0]; got == id {
		t.Error("deleted media still listed first")
	}
}

func TestCDNRangeRequest(t *testing.T) {
	f := newFixture(t, emulator.Options{VideoBytes: 64 << 10})
	item := findMedia(t, f.allMedia(t, "id,media_type,media_url"), "a playable video", func(m map[string]any) bool {
		return m["media_type"] == "VIDEO" && m["media_url"] != nil
	})
	r := get(t, item["media_url"].(string), "Range", "bytes=100-199")
	if r.status != http.StatusPartialContent {
		t.Fatalf("status = %d, want 206", r.status)
	}
	full, err := f.e.CDNFile(item["id"].(string), emulator.VariantFile)
	if err != nil {
		t.Fatalf("CDNFile: %v", err)
	}
	if !bytes.Equal(r.body, full[100:200]) {
		t.Error("range body differs from bytes 100-199 of the file")
	}
}

func TestCDNVideoIsMP4(t *testing.T) {
	f := newFixture(t, emulator.Options{VideoBytes: 10000})
	large := f.e.MediaIDs(f.accounts.CreatorUserID)[seededLargeVideo]
	item := findMedia(t, f.allMedia(t, "id,media_type,media_url"), "a playable video", func(m map[string]any) bool {
		return m["media_type"] == "VIDEO" && m["media_url"] != nil && m["id"] != large
	})
	r := get(t, item["media_url"].(string))
	if ct := r.header.Get("Content-Type"); ct != "video/mp4" {
		t.Errorf("Content-Type = %q, want video/mp4", ct)
	}
	if diff := cmp.Diff([]string{"ftyp", "moov", "mdat"}, boxes(t, r.body)); diff != "" {
		t.Errorf("top-level boxes (-want +got):\n%s", diff)
	}
	if len(r.body) != 10000 {
		t.Errorf("video is %d bytes, want the configured 10000", len(r.body))
	}
}

// boxes walks the top-level ISO BMFF boxes and returns their types.
func boxes(t *testing.T, b []byte) []string {
	t.Helper()
	var kinds []string
	for len(b) > 0 {
		if len(b) < 8 {
			t.Fatalf("%d trailing bytes do not form a box header", len(b))
		}
		size := int(binary.BigEndian.Uint32(b))
		if size < 8 || size > len(b) {
			t.Fatalf("box %q has size %d with %d bytes left", b[4:8], size, len(b))
		}
		kinds = append(kinds, string(b[4:8]))
		b = b[size:]
	}
	return kinds
}

func TestCDNLargeFiles(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	ids := f.e.MediaIDs(f.accounts.CreatorUserID)
	image, err := f.e.CDNFile(ids[seededLargeImage], emulator.VariantFile)
	if err != nil {
		t.Fatalf("CDNFile image: %v", err)
	}
	if n := len(image); n < 150<<10 || n > 260<<10 {
		t.Errorf("large image is %d bytes, want about 200 KB", n)
	}
	video, err := f.e.CDNFile(ids[seededLargeVideo], emulator.VariantFile)
	if err != nil {
		t.Fatalf("CDNFile video: %v", err)
	}
	if n := len(video); n != 5<<20 {
		t.Errorf("large video is %d bytes, want 5 MiB", n)
	}
}

func TestVideoLinksExpireSooner(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	items := f.allMedia(t, "id,media_type,media_url,thumbnail_url")
	video := findMedia(t, items, "a playable video", func(m map[string]any) bool {
		return m["media_type"] == "VIDEO" && m["media_url"] != nil
	})
	expiry := func(link string) time.Time {
		n, err := strconv.ParseInt(mustParse(t, link).Query().Get("oe"), 16, 64)
		if err != nil {
			t.Fatalf("oe of %s: %v", link, err)
		}
		return time.Unix(n, 0)
	}
	videoExpiry, thumbExpiry := expiry(video["media_url"].(string)), expiry(video["thumbnail_url"].(string))
	if !videoExpiry.Before(thumbExpiry) {
		t.Errorf("video link expires %s, thumbnail %s, want the video sooner", videoExpiry, thumbExpiry)
	}
	if !thumbExpiry.After(start.Add(48 * time.Hour)) {
		t.Errorf("image link expires %s, want a few days after %s", thumbExpiry, start)
	}
}

func TestProfilePicture(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	body := get(t, f.ig("/me", "fields", "profile_picture_url")).okObject(t)
	r := get(t, body["profile_picture_url"].(string))
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("profile picture: status %d, type %q", r.status, r.header.Get("Content-Type"))
	}
}
