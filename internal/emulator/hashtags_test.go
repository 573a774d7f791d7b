package emulator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/emulator"
)

// searchHashtag returns the id of a hashtag searched for the business account.
func (f *fixture) searchHashtag(t *testing.T, q string) string {
	t.Helper()
	body := get(t, f.fb("/ig_hashtag_search", "user_id", f.accounts.BusinessUserID, "q", q)).okObject(t)
	items := data(t, body)
	if len(items) != 1 {
		t.Fatalf("search %q returned %d items, want 1", q, len(items))
	}
	return items[0]["id"].(string)
}

func TestHashtagSearchStableIDs(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	other := newFixture(t, emulator.Options{Seed: 99})
	id := f.searchHashtag(t, "Pizza")
	if again := f.searchHashtag(t, "pizza"); again != id {
		t.Errorf("pizza id = %s, Pizza id = %s, want one id for both cases", again, id)
	}
	if elsewhere := other.searchHashtag(t, "PIZZA"); elsewhere != id {
		t.Errorf("id on another emulator = %s, want the global %s", elsewhere, id)
	}
	body := get(t, f.fb("/"+id, "fields", "id,name")).okObject(t)
	if diff := cmp.Diff(map[string]any{"id": id, "name": "pizza"}, body); diff != "" {
		t.Errorf("hashtag node (-want +got):\n%s", diff)
	}
}

func TestHashtagSearchInvalidQuery(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	tests := []struct {
		name   string
		params []string
	}{
		{"emoji", []string{"user_id", f.accounts.BusinessUserID, "q", "🍕"}},
		{"empty", []string{"user_id", f.accounts.BusinessUserID, "q", ""}},
		{"no user_id", []string{"q", "pizza"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gerr := get(t, f.fb("/ig_hashtag_search", tt.params...)).graphErr(t, http.StatusBadRequest)
			if gerr.Code != 100 {
				t.Errorf("code = %d, want 100", gerr.Code)
			}
		})
	}
	if got := get(t, f.ig("/ig_hashtag_search", "user_id", f.accounts.CreatorUserID, "q", "pizza")); got.status != http.StatusBadRequest {
		t.Errorf("hashtag search on graph.instagram.com: status %d, want 400", got.status)
	}
}

func TestHashtagBudget(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	for i := range 30 {
		f.searchHashtag(t, fmt.Sprintf("tag%d", i))
	}
	f.clock.Advance(24 * time.Hour)
	f.searchHashtag(t, "tag0") // a repeat neither counts nor restarts the window
	over := get(t, f.fb("/ig_hashtag_search", "user_id", f.accounts.BusinessUserID, "q", "tag30"))
	if gerr := over.graphErr(t, http.StatusBadRequest); gerr.Code != 18 {
		t.Errorf("31st hashtag: code = %d, want 18", gerr.Code)
	}
	f.clock.Advance(6 * 24 * time.Hour) // seven days after the first searches
	f.searchHashtag(t, "tag30")
}

func TestHashtagEdgePaging(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	id := f.searchHashtag(t, "sourdough")
	tests := []struct {
		edge  string
		total int
	}{
		{"top_media", 120},
		{"recent_media", 80},
	}
	for _, tt := range tests {
		t.Run(tt.edge, func(t *testing.T) {
			next := f.fb("/"+id+"/"+tt.edge, "user_id", f.accounts.BusinessUserID,
				"fields", "id,caption,media_type,timestamp", "limit", "50")
			cursors := map[string]bool{}
			seen := 0
			for next != "" {
				body := get(t, next).okObject(t)
				items := data(t, body)
				if len(items) > 50 {
					t.Fatalf("page of %d items, want at most 50", len(items))
				}
				seen += len(items)
				paging, ok := body["paging"].(map[string]any)
				if !ok {
					break
				}
				c := paging["cursors"].(map[string]any)
				if _, ok := c["before"]; ok {
					t.Error("hashtag paging has a before cursor")
				}
				cursors[c["after"].(string)] = true
				next = paging["next"].(string)
			}
			if seen != tt.total {
				t.Errorf("items over all pages = %d, want %d", seen, tt.total)
			}
			if len(cursors) != 1 {
				t.Errorf("after cursors = %v, want the same on every page", cursors)
			}
		})
	}
}

func TestHashtagLimitCapped(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	id := f.searchHashtag(t, "coffee")
	body := get(t, f.fb("/"+id+"/top_media", "user_id", f.accounts.BusinessUserID, "limit", "80")).okObject(t)
	if got := len(data(t, body)); got != 50 {
		t.Errorf("limit 80 gave %d items, want 50", got)
	}
}

func TestRecentMediaWithin24Hours(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	id := f.searchHashtag(t, "coffee")
	f.clock.Advance(72 * time.Hour)
	now := f.clock.Now()
	body := get(t, f.fb("/"+id+"/recent_media", "user_id", f.accounts.BusinessUserID,
		"fields", "id,timestamp", "limit", "50")).okObject(t)
	var times []time.Time
	for _, item := range data(t, body) {
		ts, err := time.Parse("2006-01-02T15:04:05-0700", item["timestamp"].(string))
		if err != nil {
			t.Fatalf("timestamp: %v", err)
		}
		if age := now.Sub(ts); age < 0 || age > 24*time.Hour {
			t.Errorf("recent media %s is %s old, want within 24 hours", item["id"], age)
		}
		times = append(times, ts)
	}
	ordered := true
	for i := 1; i < len(times); i++ {
		if times[i].After(times[i-1]) {
			ordered = false
		}
	}
	if ordered {
		t.Error("recent_media came newest first, want Meta's unordered results")
	}
}

func TestHashtagMediaFields(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	id := f.searchHashtag(t, "coffee")
	edge := "/" + id + "/top_media"
	gerr := get(t, f.fb(edge, "user_id", f.accounts.BusinessUserID, "fields", "id,username")).graphErr(t, http.StatusBadRequest)
	if gerr.Code != 100 {
		t.Errorf("username on hashtag media: code = %d, want 100", gerr.Code)
	}
	gerr = get(t, f.fb(edge, "fields", "id")).graphErr(t, http.StatusBadRequest)
	if gerr.Code != 100 {
		t.Errorf("missing user_id: code = %d, want 100", gerr.Code)
	}
	body := get(t, f.fb(edge, "user_id", f.accounts.BusinessUserID, "limit", "50",
		"fields", "id,media_type,media_url,children{id,media_type}")).okObject(t)
	album := findMedia(t, data(t, body), "a hashtag album", func(m map[string]any) bool {
		return m["media_type"] == "CAROUSEL_ALBUM"
	})
	if _, ok := album["media_url"]; ok {
		t.Error("hashtag album has media_url, want it absent")
	}
}

func TestHashtagLastPageWithoutPaging(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	id := f.searchHashtag(t, "coffee")
	q := url.Values{"user_id": {f.accounts.BusinessUserID}, "limit": {"50"}, "offset": {"100"},
		"access_token": {f.tokens.Facebook}}
	body := get(t, f.e.FacebookBaseURL()+"/"+id+"/top_media?"+q.Encode()).okObject(t)
	if len(data(t, body)) != 20 {
		t.Errorf("last page has %d items, want 20", len(data(t, body)))
	}
	if _, ok := body["paging"]; ok {
		t.Errorf("last hashtag page has paging %v, want none", body["paging"])
	}
}

func TestRecentMediaTimestampFixed(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	id := f.searchHashtag(t, "coffee")
	read := func() map[string]string {
		body := get(t, f.fb("/"+id+"/recent_media", "user_id", f.accounts.BusinessUserID,
			"fields", "id,timestamp", "limit", "50")).okObject(t)
		stamps := map[string]string{}
		for _, item := range data(t, body) {
			stamps[item["id"].(string)] = item["timestamp"].(string)
		}
		for next := body; next["paging"] != nil; {
			link := next["paging"].(map[string]any)["next"].(string)
			next = get(t, link).okObject(t)
			for _, item := range data(t, next) {
				stamps[item["id"].(string)] = item["timestamp"].(string)
			}
		}
		return stamps
	}
	before := read()
	f.clock.Advance(3 * time.Hour)
	after := read()

	shared := 0
	for mediaID, stamp := range before {
		later, ok := after[mediaID]
		if !ok {
			continue
		}
		shared++
		if later != stamp {
			t.Errorf("recent media %s timestamp = %s after 3 hours, want %s as before", mediaID, later, stamp)
		}
	}
	if shared == 0 {
		t.Error("no recent media in both reads 3 hours apart, want most of them")
	}
	if len(after) != 80 {
		t.Errorf("recent media after 3 hours = %d, want 80", len(after))
	}
	if shared == len(before) {
		t.Error("all recent media stayed after 3 hours, want the oldest to leave the 24-hour window")
	}
}
