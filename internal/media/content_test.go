package media

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestServeMatchesServeContent compares the store's responses to conditional, Range and HEAD
// requests with those of http.ServeContent over the same bytes and headers.
func TestServeMatchesServeContent(t *testing.T) {
	cdn := newTestCDN(t)
	body := jpegBytes(t, 120, 90, 7)
	cdn.files["/v/c.jpg"] = body
	env := newTestEnv(t, openIndex(t), cdn, nil)
	ref := Ref{AccountID: 1, MediaID: "50", Variant: VariantFile}
	link := cdn.link("/v/c.jpg", testStart.Add(time.Hour))
	if err := env.store.Register(t.Context(), []Registration{{Ref: ref, CDNURL: link, Resolvable: true}}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	first := env.get(t, http.MethodGet, mediaPath(ref), nil)
	if first.StatusCode != http.StatusOK {
		t.Fatalf("first request: status %d", first.StatusCode)
	}
	etag := first.Header.Get("ETag")
	modified := first.Header.Get("Last-Modified")
	modTime, err := http.ParseTime(modified)
	if err != nil {
		t.Fatalf("Last-Modified %q does not parse: %v", modified, err)
	}
	reference := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("ETag", etag)
		http.ServeContent(w, r, "c.jpg", modTime, bytes.NewReader(body))
	}

	later := modTime.Add(time.Hour).Format(http.TimeFormat)
	earlier := modTime.Add(-time.Hour).Format(http.TimeFormat)
	tests := []struct {
		name   string
		method string
		header http.Header
	}{
		{"plain GET", http.MethodGet, nil},
		{"HEAD", http.MethodHead, nil},
		{"first bytes", http.MethodGet, http.Header{"Range": {"bytes=0-99"}}},
		{"open range", http.MethodGet, http.Header{"Range": {"bytes=100-"}}},
		{"suffix range", http.MethodGet, http.Header{"Range": {"bytes=-50"}}},
		{"HEAD with range", http.MethodHead, http.Header{"Range": {"bytes=0-9"}}},
		{"unsatisfiable range", http.MethodGet, http.Header{"Range": {"bytes=999999-"}}},
		{"If-None-Match matches", http.MethodGet, http.Header{"If-None-Match": {etag}}},
		{"If-None-Match differs", http.MethodGet, http.Header{"If-None-Match": {`"other"`}}},
		{"If-None-Match star", http.MethodGet, http.Header{"If-None-Match": {"*"}}},
		{"If-Modified-Since later", http.MethodGet, http.Header{"If-Modified-Since": {later}}},
		{"If-Modified-Since earlier", http.MethodGet, http.Header{"If-Modified-Since": {earlier}}},
		{"If-Match differs", http.MethodGet, http.Header{"If-Match": {`"other"`}}},
		{"If-Match matches", http.MethodGet, http.Header{"If-Match": {etag}}},
		{"If-Unmodified-Since earlier", http.MethodGet, http.Header{"If-Unmodified-Since": {earlier}}},
		{"If-Range matches", http.MethodGet, http.Header{"Range": {"bytes=0-9"}, "If-Range": {etag}}},
		{"If-Range differs", http.MethodGet, http.Header{"Range": {"bytes=0-9"}, "If-Range": {`"other"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := env.get(t, tt.method, mediaPath(ref), tt.header)
			req := httptest.NewRequestWithContext(t.Context(), tt.method, "/c.jpg", nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			reference(rec, req)
			want := rec.Result()

			if got.StatusCode != want.StatusCode {
				t.Errorf("status = %d, want %d", got.StatusCode, want.StatusCode)
			}
			for _, h := range []string{"Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified"} {
				if g, w := got.Header.Get(h), want.Header.Get(h); g != w {
					t.Errorf("%s = %q, want %q", h, g, w)
				}
			}
			if diff := cmp.Diff(readBody(t, want), readBody(t, got)); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
