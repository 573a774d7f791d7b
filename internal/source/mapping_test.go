package source

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
)

// testRegistry records registrations and builds URLs from refs.
type testRegistry struct {
	mu    sync.Mutex
	base  string // the public URL; "" means http://127.0.0.1
	calls int
	regs  []media.Registration
	err   error // returned by Register after it records the registrations
}

func (r *testRegistry) PublicURL() string {
	if r.base == "" {
		return "http://127.0.0.1"
	}
	return r.base
}

func (r *testRegistry) Register(_ context.Context, regs []media.Registration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.regs = append(r.regs, regs...)
	return r.err
}

func (r *testRegistry) URL(ref media.Ref, video bool) string {
	if video {
		return r.PublicURL() + "/media/" + ref.String() + ".mp4"
	}
	return r.PublicURL() + "/media/" + ref.String()
}

func (r *testRegistry) registrations() []media.Registration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]media.Registration(nil), r.regs...)
}

func loadPage(t *testing.T, name string) []instagram.Media {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Data []instagram.Media `json:"data"`
	}
	if err := json.Unmarshal(b, &page); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return page.Data
}

func mapPage(t *testing.T, name string, logger *slog.Logger) ([]Media, []media.Registration) {
	t.Helper()
	m := &mapper{accountID: 7, registry: &testRegistry{}, logger: logger}
	items := loadPage(t, name)
	out := make([]Media, len(items))
	for i := range items {
		out[i] = m.media(&items[i])
	}
	return out, m.regs
}

func ptr[T any](v T) *T { return &v }

func mediaURL(id string, v media.Variant) *string {
	return ptr("http://127.0.0.1/media/7-" + id + "-" + string(v))
}

func TestMapWithheldMedia(t *testing.T) {
	got, regs := mapPage(t, "withheld_page.json", slog.New(slog.DiscardHandler))
	want := []Media{
		{
			ID: "17890000000000009", Type: "VIDEO", Caption: "Live set #music",
			Timestamp:   ptr("2024-02-01T12:00:00Z"),
			HashtagList: []Hashtag{{ID: "music", Name: "music"}}, Children: []Media{},
		},
		{ID: "17890000000000010", Type: "IMAGE", HashtagList: []Hashtag{}, Children: []Media{}},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Media{}, "CreatedAt")); diff != "" {
		t.Errorf("mapped media (-want +got):\n%s", diff)
	}
	if len(regs) != 0 {
		t.Errorf("registrations = %v, want none for withheld files", regs)
	}
}

func TestMapMissingCaption(t *testing.T) {
	got, _ := mapPage(t, "captions_page.json", slog.New(slog.DiscardHandler))
	for _, i := range []int{0, 1} {
		if got[i].Caption != "" {
			t.Errorf("media %s caption = %q, want empty", got[i].ID, got[i].Caption)
		}
		if got[i].HashtagList == nil || len(got[i].HashtagList) != 0 {
			t.Errorf("media %s hashtag list = %#v, want an empty list", got[i].ID, got[i].HashtagList)
		}
		if h := got[i].Hashtags(DefaultHashtagSeparator); h != "" {
			t.Errorf("media %s hashtags = %q, want empty", got[i].ID, h)
		}
	}
}

func TestMapCaptionVerbatim(t *testing.T) {
	got, _ := mapPage(t, "captions_page.json", slog.New(slog.DiscardHandler))
	const caption = `Party <script>alert(1)</script> "quotes" & it's #fun`
	if got[2].Caption != caption {
		t.Errorf("caption = %q, want %q", got[2].Caption, caption)
	}
	if h := got[2].Hashtags(DefaultHashtagSeparator); h != "fun" {
		t.Errorf("hashtags = %q, want fun", h)
	}
	b, err := json.Marshal(got[2])
	if err != nil {
		t.Fatal(err)
	}
	// encoding/json escapes <, > and & as \u003c, \u003e and \u0026 and decodes them back.
	var decoded Media
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	if decoded.Caption != caption {
		t.Errorf("caption after JSON round trip = %q, want %q", decoded.Caption, caption)
	}
	if strings.Contains(string(b), "&lt;") || strings.Contains(string(b), "&amp;") || strings.Contains(string(b), "&#") {
		t.Errorf("JSON %s contains HTML entities", b)
	}
}

func TestMapReelAndProductType(t *testing.T) {
	got, _ := mapPage(t, "reel_album_page.json", slog.New(slog.DiscardHandler))
	reel := got[0]
	if reel.Type != TypeVideo {
		t.Errorf("reel type = %q, want VIDEO", reel.Type)
	}
	if diff := cmp.Diff(ptr("REELS"), reel.ProductType); diff != "" {
		t.Errorf("reel product type (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(mediaURL("17890000000000020", media.VariantThumb), reel.ThumbnailURL); diff != "" {
		t.Errorf("reel thumbnail (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ptr(*mediaURL("17890000000000020", media.VariantFile)+".mp4"), reel.URL); diff != "" {
		t.Errorf("reel url (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ptr("2021-07-04T16:40:00Z"), reel.Timestamp); diff != "" {
		t.Errorf("reel timestamp converted to UTC (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ptr("FUTURE_PRODUCT"), got[1].ProductType); diff != "" {
		t.Errorf("unknown product type (-want +got):\n%s", diff)
	}
}

func TestMapUnparseableTimestamp(t *testing.T) {
	var logs bytes.Buffer
	got, _ := mapPage(t, "reel_album_page.json", slog.New(slog.NewTextHandler(&logs, nil)))
	if got[1].Timestamp != nil {
		t.Errorf("timestamp = %q, want nil", *got[1].Timestamp)
	}
	if !got[1].CreatedAt.IsZero() {
		t.Errorf("CreatedAt = %v, want zero (never 1970)", got[1].CreatedAt)
	}
	if !strings.Contains(logs.String(), "media_id=17890000000000021") {
		t.Errorf("log %q does not name the media id", logs.String())
	}
}

func TestMapAlbumFirstChild(t *testing.T) {
	got, regs := mapPage(t, "reel_album_page.json", slog.New(slog.DiscardHandler))
	album := got[2]
	if album.Type != TypeAlbum {
		t.Errorf("album type = %q, want ALBUM", album.Type)
	}
	if diff := cmp.Diff(ptr(*mediaURL("17890000000000031", media.VariantFile)+".mp4"), album.URL); diff != "" {
		t.Errorf("album url is the first (video) child's file (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(mediaURL("17890000000000031", media.VariantThumb), album.ThumbnailURL); diff != "" {
		t.Errorf("album thumbnail is the first (video) child's thumb (-want +got):\n%s", diff)
	}
	if len(album.Children) != 2 {
		t.Fatalf("children = %d, want 2", len(album.Children))
	}
	if diff := cmp.Diff(mediaURL("17890000000000032", media.VariantFile), album.Children[1].ThumbnailURL); diff != "" {
		t.Errorf("image child thumbnail (-want +got):\n%s", diff)
	}
	for _, r := range regs {
		if r.Ref.MediaID == "17890000000000030" {
			t.Errorf("album itself registered: %+v", r)
		}
		if !r.Resolvable {
			t.Errorf("own media registration %+v not resolvable", r)
		}
	}
	if n := len(regs); n != 6 {
		t.Errorf("registrations = %d, want 6 (reel 2, image 1, video child 2, image child 1)", n)
	}
}

func TestMapHashtagMedia(t *testing.T) {
	m := &mapper{accountID: 7, registry: &testRegistry{}, logger: slog.New(slog.DiscardHandler), hashtag: true}
	items := loadPage(t, "captions_page.json")
	got := m.media(&items[0])
	if got.Username != nil {
		t.Errorf("username = %q, want nil for hashtag media", *got.Username)
	}
	if len(m.regs) != 1 || m.regs[0].Resolvable {
		t.Errorf("registrations = %+v, want one that is not resolvable", m.regs)
	}
}

func TestMapUser(t *testing.T) {
	m := &mapper{accountID: 7, registry: &testRegistry{}, logger: slog.New(slog.DiscardHandler)}
	in := instagram.User{ID: "2000", UserID: "17841400000000001", Username: "demo", ProfilePictureURL: "https://scontent.cdninstagram.com/p.jpg", FollowersCount: ptr(5)}
	got := m.user(&in)
	want := User{ID: "17841400000000001", Username: "demo", PictureURL: mediaURL("17841400000000001", media.VariantPicture), FollowersCount: ptr(5)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("user (-want +got):\n%s", diff)
	}
}
