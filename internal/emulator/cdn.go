package emulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Variant names which file of a media a CDN link serves.
type Variant string

// The CDN file variants.
const (
	VariantFile    Variant = "file"    // the image or video itself
	VariantThumb   Variant = "thumb"   // a video's thumbnail image
	VariantPicture Variant = "picture" // a profile picture; the id is the professional account id
)

// cdnNamePattern matches the file name of a CDN link, such as 17895695668004551_thumb_n.jpg.
var cdnNamePattern = regexp.MustCompile(`^([0-9]+)_(file|thumb|picture)_n\.(jpg|mp4)$`)

// cdnFile is the file behind a CDN link and its content type.
type cdnFile struct {
	spec        fileSpec
	contentType string
}

// lookupFile resolves an id and variant to a file, or fails when the media is unknown,
// deleted or has no such variant. Callers hold e.mu.
func (e *Emulator) lookupFile(id string, v Variant) (cdnFile, error) {
	if v == VariantPicture {
		if e.data.findAccount(id) == nil {
			return cdnFile{}, fmt.Errorf("no account with id %s", id)
		}
		spec := fileSpec{seed: seedOf(id, string(v)), side: pictureSide, noise: 8}
		return cdnFile{spec: spec, contentType: "image/jpeg"}, nil
	}
	m := e.data.media[id]
	switch {
	case m == nil:
		return cdnFile{}, fmt.Errorf("no media with id %s", id)
	case m.Deleted || (m.Parent != nil && m.Parent.Deleted):
		return cdnFile{}, fmt.Errorf("media %s was deleted", id)
	case m.Type == typeCarousel:
		return cdnFile{}, fmt.Errorf("media %s is an album; its files are its children's", id)
	case v == VariantThumb && !m.isVideo():
		return cdnFile{}, fmt.Errorf("media %s is not a video and has no thumbnail", id)
	case v == VariantFile && m.isVideo():
		size := e.opts.VideoBytes
		if m.Large {
			size = largeVideoBytes
		}
		return cdnFile{spec: fileSpec{seed: seedOf(id, string(v)), video: true, size: size},
			contentType: "video/mp4"}, nil
	}
	spec := fileSpec{seed: seedOf(id, string(v)), side: e.opts.ImageSide, noise: 4}
	if m.Large {
		spec.side, spec.noise = 1080, largeImageNoise
	}
	return cdnFile{spec: spec, contentType: "image/jpeg"}, nil
}

// CDNFile returns the bytes that the CDN serves for a media (or, with VariantPicture, an
// account's profile picture), so that tests can compare downloads.
func (e *Emulator) CDNFile(id string, v Variant) ([]byte, error) {
	e.mu.Lock()
	f, err := e.lookupFile(id, v)
	e.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("get CDN file %s of %s: %w", v, id, err)
	}
	return e.files.get(f.spec), nil
}

// CDNURL returns a signed CDN link for a media file that expires at the given time.
func (e *Emulator) CDNURL(id string, v Variant, expires time.Time) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f, err := e.lookupFile(id, v)
	if err != nil {
		return "", fmt.Errorf("build CDN link %s of %s: %w", v, id, err)
	}
	return e.buildCDNURL(id, v, f.spec.video, expires), nil
}

// signedURL returns the link that a response carries now: images live ImageLinkLifetime,
// videos the shorter VideoLinkLifetime. Callers hold e.mu.
func (e *Emulator) signedURL(id string, v Variant, now time.Time) string {
	video := v == VariantFile && e.data.media[id] != nil && e.data.media[id].isVideo()
	lifetime := e.opts.ImageLinkLifetime
	if video {
		lifetime = e.opts.VideoLinkLifetime
	}
	return e.buildCDNURL(id, v, video, now.Add(lifetime))
}

// buildCDNURL lays a link out as Instagram's CDN does, with oe the expiry as 8 hex digits of
// Unix seconds and oh a signature of the path and oe. Callers hold e.mu.
func (e *Emulator) buildCDNURL(id string, v Variant, video bool, expires time.Time) string {
	dir, ext := "t51.2885-15", "jpg"
	switch {
	case video:
		dir, ext = "t50.2886-16", "mp4"
	case v == VariantPicture:
		dir = "t51.2885-19"
	}
	path := fmt.Sprintf("%s/v/%s/%s_%s_n.%s", prefixCDN, dir, id, v, ext)
	oe := fmt.Sprintf("%08X", expires.Unix())
	s := seedOf(id)
	return fmt.Sprintf("%s%s?_nc_cat=%d&ccb=1-7&_nc_sid=%06x&_nc_ohc=%s&_nc_ht=scontent.cdninstagram.com&oh=%s&oe=%s",
		e.baseURL, path, 1+s%150, s%0xffffff, base64URL(strconv.FormatUint(s, 36))[:11], e.sign(path, oe), oe)
}

// sign returns the oh parameter for a path and expiry.
func (e *Emulator) sign(path, oe string) string {
	key := []byte(fmt.Sprintf("igsource-emulator-cdn-%d", e.opts.Seed))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(path + "\n" + oe))
	return "00_" + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:24])
}

// serveCDN serves a signed link: 403 text/plain "Bad URL hash" for a wrong signature, "URL
// signature expired" after oe, 404 for deleted or unknown media, and Range requests.
func (e *Emulator) serveCDN(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.record(EndpointCDN, r)
	fault := e.takeFault(EndpointCDN)
	e.mu.Unlock()
	if fault != nil && !e.applyFault(w, r, 0, false, fault) {
		return
	}

	name := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	match := cdnNamePattern.FindStringSubmatch(name)
	if match == nil {
		cdnError(w, http.StatusNotFound, "Not Found")
		return
	}

	oe := r.URL.Query().Get("oe")
	expiry, err := strconv.ParseInt(oe, 16, 64)
	if err != nil || len(oe) != 8 {
		cdnError(w, http.StatusForbidden, "Bad URL date param")
		return
	}
	if !hmac.Equal([]byte(r.URL.Query().Get("oh")), []byte(e.sign(r.URL.Path, oe))) {
		cdnError(w, http.StatusForbidden, "Bad URL hash")
		return
	}
	if e.clock.Now().Unix() > expiry {
		cdnError(w, http.StatusForbidden, "URL signature expired")
		return
	}

	e.mu.Lock()
	f, err := e.lookupFile(match[1], Variant(match[2]))
	e.mu.Unlock()
	if err != nil {
		cdnError(w, http.StatusNotFound, "Not Found")
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "max-age=1209600, no-transform")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(e.files.get(f.spec)))
}

// cdnError writes a CDN refusal as Instagram's CDN does: text/plain, the message alone.
func cdnError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg))
}
