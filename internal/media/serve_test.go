package media

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/apperr"
)

func TestServeDownloadsOnceThenFromDisk(t *testing.T) {
	cdn := newTestCDN(t)
	want := jpegBytes(t, 64, 48, 1)
	cdn.files["/v/a.jpg"] = want
	env := newTestEnv(t, openIndex(t), cdn, nil)
	ref := Ref{AccountID: 1, MediaID: "17890000000000001", Variant: VariantFile}
	link := cdn.link("/v/a.jpg", testStart.Add(72*time.Hour))
	if err := env.store.Register(t.Context(), []Registration{{Ref: ref, CDNURL: link, Resolvable: true}}); err != nil {
		t.Fatalf("Register: %v", err)
	}

	for i := range 3 {
		resp := env.get(t, http.MethodGet, mediaPath(ref), nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d, body %q", i, resp.StatusCode, readBody(t, resp))
		}
		if got := readBody(t, resp); !bytes.Equal(got, want) {
			t.Errorf("request %d: body of %d bytes differs from the CDN's %d bytes", i, len(got), len(want))
		}
		if got := resp.Header.Get("Content-Type"); got != "image/jpeg" {
			t.Errorf("request %d: Content-Type = %q, want image/jpeg", i, got)
		}
		if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("request %d: Cache-Control = %q", i, got)
		}
	}
	if got := cdn.callCount("/v/a.jpg"); got != 1 {
		t.Errorf("CDN requests = %d, want 1", got)
	}
	// A later request never touches the CDN, even when its link has expired.
	env.clock.Advance(30 * 24 * time.Hour)
	if resp := env.get(t, http.MethodGet, mediaPath(ref), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("request after expiry: status %d", resp.StatusCode)
	}
	if got := cdn.callCount("/v/a.jpg"); got != 1 {
		t.Errorf("CDN requests after expiry = %d, want 1", got)
	}
}

func TestServeUnknownOrMalformedRef(t *testing.T) {
	env := newTestEnv(t, openIndex(t), nil, nil)
	for _, target := range []string{
		"/media/1-17890000000000001-file.jpg",
		"/media/not-a-ref",
		"/media/1-2-poster.jpg",
		"/media/",
		"/media/1-2-file/../../etc/passwd",
	} {
		t.Run(target, func(t *testing.T) {
			resp := env.get(t, http.MethodGet, target, nil)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("status = %d, want 404", resp.StatusCode)
			}
		})
	}
	if got := env.get(t, http.MethodPost, "/media/1-2-file.jpg", nil).StatusCode; got != http.StatusMethodNotAllowed {
		t.Errorf("POST status = %d, want 405", got)
	}
}

func TestServeExpiredLinkResolvesFirst(t *testing.T) {
	cdn := newTestCDN(t)
	cdn.files["/v/old.jpg"] = jpegBytes(t, 8, 8, 2)
	cdn.files["/v/new.jpg"] = jpegBytes(t, 8, 8, 3)
	env := newTestEnv(t, openIndex(t), cdn, nil)
	ref := Ref{AccountID: 1, MediaID: "17", Variant: VariantFile}
	// oe=650CEAF2 is 2023-09-22T01:16:34Z: downloadable on 2023-09-21, expired an hour later.
	old := cdn.URL + "/v/old.jpg?oh=1&oe=650CEAF2"
	fresh := cdn.link("/v/new.jpg", testStart.Add(96*time.Hour))
	resolver := &fakeResolver{fn: func(Ref) (string, error) { return fresh, nil }}
	env.store.SetResolver(resolver)
	if err := env.store.Register(t.Context(), []Registration{{Ref: ref, CDNURL: old, Resolvable: true}}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	env.clock.Set(time.Date(2023, 9, 22, 2, 0, 0, 0, time.UTC))

	resp := env.get(t, http.MethodGet, mediaPath(ref), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, body %q", resp.StatusCode, readBody(t, resp))
	}
	if got := readBody(t, resp); !bytes.Equal(got, cdn.files["/v/new.jpg"]) {
		t.Errorf("body is not the fresh link's file")
	}
	if got := resolver.callCount(); got != 1 {
		t.Errorf("resolver calls = %d, want 1", got)
	}
	if got := cdn.callCount("/v/old.jpg"); got != 0 {
		t.Errorf("requests to the expired link = %d, want 0", got)
	}
	row, err := env.index.MediaFile(t.Context(), ref.String())
	if err != nil {
		t.Fatalf("MediaFile: %v", err)
	}
	if row.CDNURL != fresh {
		t.Errorf("stored link = %q, want the fresh one", row.CDNURL)
	}
}

func TestServeDeletedMedia(t *testing.T) {
	cdn := newTestCDN(t)
	env := newTestEnv(t, openIndex(t), cdn, nil)
	ref := Ref{AccountID: 1, MediaID: "19", Variant: VariantFile}
	cdn.setStatus("/v/deleted.jpg", http.StatusNotFound)
	resolver := &fakeResolver{fn: func(ref Ref) (string, error) {
		return "", apperr.New(apperr.NotFound, "media %s not found", ref.MediaID)
	}}
	env.store.SetResolver(resolver)
	link := cdn.link("/v/deleted.jpg", testStart.Add(time.Hour))
	if err := env.store.Register(t.Context(), []Registration{{Ref: ref, CDNURL: link, Resolvable: true}}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	for i := range 2 {
		if got := env.get(t, http.MethodGet, mediaPath(ref), nil).StatusCode; got != http.StatusNotFound {
			t.Errorf("request %d: status = %d, want 404", i, got)
		}
	}
	if got := resolver.callCount(); got != 1 {
		t.Errorf("resolver calls = %d, want 1 (the second request knows the media is gone)", got)
	}
	row, err := env.index.MediaFile(t.Context(), ref.String())
	if err != nil {
		t.Fatalf("MediaFile: %v", err)
	}
	if !row.Gone {
		t.Errorf("index row is not marked gone")
	}
}

func TestURLExtension(t *testing.T) {
	env := newTestEnv(t, openIndex(t), nil, func(c *Config) { c.AllowedHosts = []string{"127.0.0.1:9"} })
	video := Ref{AccountID: 2, MediaID: "5", Variant: VariantFile}
	image := Ref{AccountID: 2, MediaID: "6", Variant: VariantThumb}
	err := env.store.Register(context.Background(), []Registration{
		{Ref: video, CDNURL: "http://127.0.0.1:9/v.mp4", Video: true, Resolvable: true},
		{Ref: image, CDNURL: "http://127.0.0.1:9/t.jpg", Resolvable: true},
	})
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	got := []string{env.store.URL(video, true), env.store.URL(image, false)}
	want := []string{"http://127.0.0.1:8080/media/2-5-file.mp4", "http://127.0.0.1:8080/media/2-6-thumb.jpg"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("URL mismatch (-want +got):\n%s", diff)
	}
}

func TestServeMounts(t *testing.T) {
	cdn := newTestCDN(t)
	cdn.files["/v/m.jpg"] = jpegBytes(t, 8, 8, 6)
	env := newTestEnv(t, openIndex(t), cdn, nil)
	ref := Ref{AccountID: 1, MediaID: "21", Variant: VariantFile}
	link := cdn.link("/v/m.jpg", testStart.Add(time.Hour))
	if err := env.store.Register(t.Context(), []Registration{{Ref: ref, CDNURL: link, Resolvable: true}}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	pattern := http.NewServeMux()
	pattern.Handle("GET /media/{ref}", env.store)
	prefix := http.NewServeMux()
	prefix.Handle("/media/", env.store)
	tests := []struct {
		name    string
		handler http.Handler
	}{
		{"path pattern", pattern},
		{"prefix", prefix},
		{"StripPrefix /media", http.StripPrefix("/media", env.store)},
		{"StripPrefix /media/", http.StripPrefix("/media/", env.store)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.handler.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, mediaPath(ref), nil))
			if rec.Code != http.StatusOK {
				t.Errorf("status = %d, want 200", rec.Code)
			}
		})
	}
}
