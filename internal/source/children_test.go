package source

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
)

// album returns a carousel whose children are the given ones, with mediaURL on the album.
func album(mediaURL string, children ...instagram.Media) instagram.Media {
	return instagram.Media{ID: "17890000000004000", MediaType: instagram.MediaTypeAlbum, MediaURL: mediaURL,
		Children: &instagram.MediaList{Data: children}}
}

func bareChild(id string) instagram.Media { return instagram.Media{ID: instagram.ID(id)} }

func imageChild(id string) instagram.Media {
	return instagram.Media{ID: instagram.ID(id), MediaType: "IMAGE", MediaURL: "https://scontent.cdninstagram.com/v/" + id + ".jpg"}
}

func TestMapAlbumBareChildren(t *testing.T) {
	const albumCDN = "https://scontent.cdninstagram.com/v/album.jpg"
	tests := []struct {
		name         string
		in           instagram.Media
		hashtag      bool
		wantChildren []string
		wantURL      *string
		wantDropped  []string
	}{
		{"one child left out", album(albumCDN, imageChild("17890000000004001"), bareChild("17890000000004002")), false,
			[]string{"17890000000004001"}, mediaURL("17890000000004001", media.VariantFile), []string{"17890000000004002"}},
		{"no child left, album link", album(albumCDN, bareChild("17890000000004001"), bareChild("17890000000004002")), false,
			[]string{}, mediaURL("17890000000004000", media.VariantFile), []string{"17890000000004001", "17890000000004002"}},
		{"no child left, no link", album("", bareChild("17890000000004001")), false,
			[]string{}, nil, []string{"17890000000004001"}},
		{"hashtag album", album(albumCDN, bareChild("17890000000004001"), imageChild("17890000000004002")), true,
			[]string{"17890000000004002"}, mediaURL("17890000000004002", media.VariantFile), []string{"17890000000004001"}},
		{"complete album", album(albumCDN, imageChild("17890000000004001")), false,
			[]string{"17890000000004001"}, mediaURL("17890000000004001", media.VariantFile), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			m := &mapper{accountID: 7, registry: &testRegistry{}, hashtag: tt.hashtag,
				logger: slog.New(slog.NewTextHandler(&logs, nil))}
			got := m.media(&tt.in)
			if got.Type != TypeAlbum {
				t.Errorf("album type = %q, want %s", got.Type, TypeAlbum)
			}
			if diff := cmp.Diff(tt.wantChildren, ids(got.Children)); diff != "" {
				t.Errorf("children (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantURL, got.URL); diff != "" {
				t.Errorf("album url (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantURL, got.ThumbnailURL); diff != "" {
				t.Errorf("album thumbnail (-want +got):\n%s", diff)
			}
			warnings := strings.Count(logs.String(), "Left out album children")
			if tt.wantDropped == nil {
				if warnings != 0 {
					t.Errorf("warnings = %d, want none:\n%s", warnings, logs.String())
				}
				return
			}
			if warnings != 1 {
				t.Errorf("warnings = %d, want one per album:\n%s", warnings, logs.String())
			}
			for _, id := range append([]string{string(tt.in.ID)}, tt.wantDropped...) {
				if !strings.Contains(logs.String(), id) {
					t.Errorf("warning does not name %s:\n%s", id, logs.String())
				}
			}
		})
	}
}

// dropFromIDs removes the ids in drop from every ?ids= lookup, as Meta does for a child it
// does not return.
func dropFromIDs(drop map[string]bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if ids := q.Get("ids"); ids != "" {
				var kept []string
				for _, id := range strings.Split(ids, ",") {
					if !drop[id] {
						kept = append(kept, id)
					}
				}
				q.Set("ids", strings.Join(kept, ","))
				r.URL.RawQuery = q.Encode()
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestEmulatorChildLeftOutOfIDs(t *testing.T) {
	full := newEmulated(t, emulator.Options{})
	list, err := full.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(1), Type: TypeAlbum})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Media) == 0 || len(list.Media[0].Children) < 2 {
		t.Fatalf("first album of %d media has fewer than 2 children", len(list.Media))
	}
	albumID, missing := list.Media[0].ID, list.Media[0].Children[1].ID

	e := newEmulatedWith(t, emulator.Options{ChildrenIDsOnly: true}, dropFromIDs(map[string]bool{missing: true}))
	res, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(1), Type: TypeAlbum})
	if err != nil {
		t.Fatal(err)
	}
	checkChildren(t, res.Media)
	got := res.Media[0]
	if got.ID != albumID {
		t.Fatalf("first album = %s, want %s", got.ID, albumID)
	}
	if n, want := len(got.Children), len(list.Media[0].Children)-1; n != want {
		t.Errorf("children = %d, want %d without %s", n, want, missing)
	}
	if n := e.emu.Calls(emulator.EndpointIDs); n != 1 {
		t.Errorf("?ids= calls = %d, want 1", n)
	}
	if logs := e.logs.String(); !strings.Contains(logs, albumID) || !strings.Contains(logs, missing) {
		t.Errorf("no warning naming album %s and child %s:\n%s", albumID, missing, logs)
	}
}

func TestEmulatorChildrenLookupFails(t *testing.T) {
	e := newEmulated(t, emulator.Options{ChildrenIDsOnly: true})
	e.emu.InjectFault(emulator.Fault{Endpoint: emulator.EndpointIDs, Code: 2})
	res, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(40)})
	if err != nil {
		t.Fatalf("media with a failed children lookup: %v, want albums without the missing children", err)
	}
	for _, m := range res.Media {
		if m.Type == TypeAlbum && len(m.Children) != 0 {
			t.Errorf("album %s children = %v, want none", m.ID, ids(m.Children))
		}
	}
}

func TestEmulatorResolveAlbumBareChildren(t *testing.T) {
	e := newEmulated(t, emulator.Options{ChildrenIDsOnly: true})
	list, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(1), Type: TypeAlbum})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Media) == 0 {
		t.Fatal("no album")
	}
	ref := media.Ref{AccountID: e.creator.AccountID, MediaID: list.Media[0].ID, Variant: media.VariantFile}
	link, err := e.service.ResolveURL(t.Context(), ref)
	if err != nil {
		t.Fatalf("resolve album %s with bare-id children: %v, want the album's own link", ref, err)
	}
	if !strings.HasPrefix(link, e.emu.CDNBaseURL()) {
		t.Errorf("link = %s, want one under %s", link, e.emu.CDNBaseURL())
	}
}
