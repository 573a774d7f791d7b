package instagram

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const topMediaPath = "GET /graph.facebook.com/v25.0/17843000000000001/top_media"

func TestHashtagMediaConstantCursor(t *testing.T) {
	// Meta sends the same after cursor on every page of a hashtag edge, so the client must
	// follow paging.next rather than stop on a repeated cursor.
	c, fake := newTestClient(t, map[string]route{
		topMediaPath: {file: "hashtag_top_p1.json"},
		topMediaPath + "?after=CONSTANT_HASHTAG_CURSOR": {file: "hashtag_top_p2.json"},
	})
	first, err := c.HashtagMedia(t.Context(), facebookCred, "17843000000000001", EdgeTop, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.NextMediaPage(t.Context(), facebookCred, first)
	if err != nil {
		t.Fatalf("NextMediaPage: %v", err)
	}
	if len(second.Data) != 1 || second.Data[0].ID != "17900000000000042" {
		t.Errorf("second page = %+v, want media 17900000000000042", second.Data)
	}
	if second.HasNext() {
		t.Error("HasNext = true on a page without paging")
	}

	query, _ := url.ParseQuery(fake.recorded()[0].RawQuery)
	want := url.Values{
		"user_id":      {facebookCred.UserID},
		"limit":        {"1"},
		"fields":       {"id,caption,media_type,media_url,permalink,timestamp,like_count,comments_count,children{id,media_type,media_url}"},
		"access_token": {facebookCred.Token},
	}
	if diff := cmp.Diff(want, query); diff != "" {
		t.Errorf("first request query mismatch (-want +got):\n%s", diff)
	}
}

func TestHashtagFieldsOmitUsername(t *testing.T) {
	for _, f := range DefaultHashtagMediaFields() {
		if f == "username" || strings.Contains(f, "username") {
			t.Errorf("DefaultHashtagMediaFields contains %q, which hashtag edges reject", f)
		}
	}
}

func TestHashtagRejectsBadInput(t *testing.T) {
	tests := []struct {
		name  string
		cred  Credentials
		id    ID
		edge  HashtagEdge
		limit int
		want  string
	}{
		{"instagram login", instagramCred, "17843000000000001", EdgeTop, 10, "needs a Facebook Login account"},
		{"missing user id", Credentials{Kind: KindFacebook, Token: "t"}, "17843000000000001", EdgeTop, 10, "missing Instagram user id"},
		{"limit above 50", facebookCred, "17843000000000001", EdgeRecent, 51, "invalid limit 51"},
		{"unknown edge", facebookCred, "17843000000000001", "new_media", 10, `invalid edge "new_media"`},
		{"empty id", facebookCred, "", EdgeTop, 10, "missing hashtag id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake := newTestClient(t, nil)
			_, err := c.HashtagMedia(t.Context(), tt.cred, tt.id, tt.edge, tt.limit, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
			if n := len(fake.recorded()); n != 0 {
				t.Errorf("sent %d requests, want none", n)
			}
		})
	}
}

func TestSearchHashtag(t *testing.T) {
	c, fake := newTestClient(t, map[string]route{"GET /graph.facebook.com/v25.0/ig_hashtag_search": {file: "hashtag_search.json"}})
	id, err := c.SearchHashtag(t.Context(), facebookCred, "café")
	if err != nil {
		t.Fatal(err)
	}
	if id != "17843000000000001" {
		t.Errorf("id = %q, want 17843000000000001", id)
	}
	query, _ := url.ParseQuery(fake.recorded()[0].RawQuery)
	if got := query.Get("q"); got != "café" {
		t.Errorf("q = %q, want café", got)
	}
	if got := query.Get("user_id"); got != facebookCred.UserID {
		t.Errorf("user_id = %q, want %q", got, facebookCred.UserID)
	}
}

func TestSearchHashtagNoMatch(t *testing.T) {
	c, _ := newTestClient(t, map[string]route{"GET /graph.facebook.com/v25.0/ig_hashtag_search": {body: `{"data":[]}`}})
	_, err := c.SearchHashtag(t.Context(), facebookCred, "nothing")
	if !errors.Is(err, ErrHashtagNotFound) {
		t.Errorf("error = %v, want ErrHashtagNotFound", err)
	}
	if !IsNotFound(err) {
		t.Error("IsNotFound = false, want true")
	}
}

func TestSearchHashtagInstagramLogin(t *testing.T) {
	c, fake := newTestClient(t, nil)
	_, err := c.SearchHashtag(t.Context(), instagramCred, "pizza")
	if !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("error = %v, want one wrapping errors.ErrUnsupported", err)
	}
	if n := len(fake.recorded()); n != 0 {
		t.Errorf("sent %d requests, want none", n)
	}
}
