package restapi_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/source"
)

// metaOf returns the meta member of a response body.
func metaOf(t *testing.T, body []byte) any {
	t.Helper()
	return decode(t, body).(map[string]any)["meta"]
}

func TestMemoMetaFlagsPerRequest(t *testing.T) {
	fake := newFake()
	a := newAPI(fake)
	cached := fake.media
	fresh := &source.MediaResult{Media: cached.Media, Meta: source.Meta{FetchedAt: cached.Meta.FetchedAt}}
	stale := &source.MediaResult{Media: cached.Media, Meta: source.Meta{Cached: true, Stale: true, FetchedAt: cached.Meta.FetchedAt}}
	fetchedAt := "2026-03-01T12:00:00Z"
	tests := []struct {
		name   string
		result *source.MediaResult
		want   map[string]any
	}{
		{"fresh", fresh, map[string]any{"cached": false, "stale": false, "fetchedAt": fetchedAt}},
		{"cached", cached, map[string]any{"cached": true, "stale": false, "fetchedAt": fetchedAt}},
		{"stale", stale, map[string]any{"cached": true, "stale": true, "fetchedAt": fetchedAt}},
		{"cached again", cached, map[string]any{"cached": true, "stale": false, "fetchedAt": fetchedAt}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.media = tt.result
			rec := a.do(t, http.MethodGet, "/api/v1/instances/Instagram/media")

			if diff := cmp.Diff(any(tt.want), metaOf(t, rec.Body.Bytes())); diff != "" {
				t.Errorf("meta mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMemoRefreshedEntryNewBytes(t *testing.T) {
	fake := newFake()
	a := newAPI(fake)
	const target = "/api/v1/instances/Instagram/media"
	before := a.do(t, http.MethodGet, target).Body.String()

	refreshed := slices.Clone(fake.media.Media)
	refreshed[0].Caption = "Refreshed #caption"
	refreshed[0].HashtagList = []source.Hashtag{{ID: "caption", Name: "caption"}}
	fake.media = &source.MediaResult{Media: refreshed, Meta: source.Meta{FetchedAt: fake.media.Meta.FetchedAt.Add(time.Hour)}}
	after := a.do(t, http.MethodGet, target).Body.String()

	if after == before {
		t.Fatalf("body after a refresh equals the body before: %s", after)
	}
	if !strings.Contains(after, `"caption":"Refreshed #caption"`) {
		t.Errorf("body after a refresh lacks the new caption: %s", after)
	}
	if !strings.Contains(after, `"fetchedAt":"2026-03-01T13:00:00Z"`) {
		t.Errorf("body after a refresh lacks the new fetch time: %s", after)
	}
}

func TestMemoSeparatorPerRequest(t *testing.T) {
	a := newAPI(newFake())
	tests := []struct {
		separator string
		want      string
	}{
		{"", `"hashtags":"Summer, été"`},
		{"|", `"hashtags":"Summer|été"`},
		{"", `"hashtags":"Summer, été"`},
	}
	for i, tt := range tests {
		t.Run(strconv.Itoa(i)+tt.separator, func(t *testing.T) {
			target := "/api/v1/instances/Instagram/media"
			if tt.separator != "" {
				target += "?separator=" + tt.separator
			}
			body := a.do(t, http.MethodGet, target).Body.String()

			if !strings.Contains(body, tt.want) {
				t.Errorf("body lacks %s: %s", tt.want, body)
			}
		})
	}
}

func TestMemoContentLength(t *testing.T) {
	a := newAPI(newFake())
	for _, target := range []string{
		"/api/v1/instances/Instagram/media",
		"/api/v1/instances/Instagram/media/17895695668004550",
	} {
		for range 2 {
			rec := a.do(t, http.MethodGet, target)

			if got, want := rec.Header().Get("Content-Length"), strconv.Itoa(rec.Body.Len()); got != want {
				t.Errorf("%s: Content-Length = %q, want %s", target, got, want)
			}
		}
	}
}
