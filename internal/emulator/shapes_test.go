package emulator_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/emulator"
)

// skeleton reduces decoded JSON to its shape: member names and value kinds. An array becomes
// one element whose objects carry the union of the members of all elements, because optional
// members are absent on some items.
func skeleton(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, item := range x {
			out[k] = skeleton(item)
		}
		return out
	case []any:
		var merged any
		for _, item := range x {
			merged = mergeSkeletons(merged, skeleton(item))
		}
		return []any{merged}
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return "unknown"
}

func mergeSkeletons(a, b any) any {
	if as, ok := a.([]any); ok {
		if bs, ok := b.([]any); ok {
			return []any{mergeSkeletons(as[0], bs[0])}
		}
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if !aok || !bok {
		if a == nil {
			return b
		}
		return a
	}
	out := map[string]any{}
	for k, v := range am {
		out[k] = v
	}
	for k, v := range bm {
		out[k] = mergeSkeletons(out[k], v)
	}
	return out
}

func decodeSkeleton(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return skeleton(v)
}

// TestResponseShapes compares responses with the shapes of captured and documented Meta
// bodies kept in testdata/shapes.
func TestResponseShapes(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	hashtag := f.searchHashtag(t, "coffee")
	album := f.e.MediaIDs(f.accounts.CreatorUserID)[3]
	expired := f.e.IssueToken("instagram", emulator.AccountKey(f.accounts.CreatorUserID), time.Minute)
	f.clock.Advance(time.Hour)
	lastPage := func() string {
		body := get(t, f.ig("/me/media", "limit", "100", "fields",
			"id,caption,comments_count,children{id,media_type,media_url,permalink,shortcode,thumbnail_url,timestamp},"+
				"like_count,media_type,media_url,permalink,timestamp")).okObject(t)
		return body["paging"].(map[string]any)["next"].(string)
	}
	tests := []struct {
		fixture string
		url     string
		status  int
	}{
		{"me_instagram.json", f.ig("/v25.0/me", "fields", "id,user_id,username,name,account_type,"+
			"profile_picture_url,followers_count,follows_count,media_count,biography,website"), 200},
		{"user_facebook.json", f.fb("/v25.0/"+f.accounts.BusinessUserID, "fields",
			"id,biography,name,username,profile_picture_url,followers_count,media_count"), 200},
		{"media_page_first.json", f.fb("/"+f.accounts.BusinessUserID+"/media", "fields",
			"id,caption,comments_count,like_count,media_type,media_url,permalink,timestamp"), 200},
		{"media_page_last.json", lastPage(), 200},
		{"children_edge.json", f.ig("/"+album+"/children", "fields",
			"id,media_type,media_url,permalink,shortcode,thumbnail_url,timestamp"), 200},
		{"hashtag_search.json", f.fb("/ig_hashtag_search", "user_id", f.accounts.BusinessUserID, "q", "coffee"), 200},
		{"hashtag_node.json", f.fb("/"+hashtag, "fields", "id,name"), 200},
		{"hashtag_page.json", f.fb("/"+hashtag+"/top_media", "user_id", f.accounts.BusinessUserID, "fields",
			"caption,comments_count,id,like_count,media_type,media_url,permalink"), 200},
		{"accounts.json", f.fb("/me/accounts"), 200},
		{"page_instagram_account.json", f.fb("/"+f.accounts.Pages[0].ID, "fields", "instagram_business_account"), 200},
		{"error_with_subcode.json", f.e.InstagramBaseURL() + "/me?access_token=" + expired, 400},
		{"error_without_subcode.json", f.e.FacebookBaseURL() + "/me?access_token=" + f.tokens.Instagram, 400},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "shapes", tt.fixture))
			if err != nil {
				t.Fatalf("read fixture: %v", err)
			}
			r := get(t, tt.url)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", r.status, tt.status, r.body)
			}
			if diff := cmp.Diff(decodeSkeleton(t, want), decodeSkeleton(t, r.body)); diff != "" {
				t.Errorf("shape (-fixture +emulator):\n%s", diff)
			}
		})
	}
}
