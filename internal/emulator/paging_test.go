package emulator_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/emulator"
)

func TestMediaPaging(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	want := f.e.MediaIDs(f.accounts.CreatorUserID)
	if len(want) < 160 {
		t.Fatalf("creator has %d media, want at least 160", len(want))
	}
	next := f.ig("/me/media", "fields", "id,timestamp")
	var got []string
	pages := 0
	for next != "" {
		body := get(t, next).okObject(t)
		pages++
		items := data(t, body)
		for _, item := range items {
			got = append(got, item["id"].(string))
		}
		paging := body["paging"].(map[string]any)
		cursors := paging["cursors"].(map[string]any)
		if cursors["before"] == nil || cursors["after"] == nil {
			t.Errorf("page %d cursors = %v, want before and after", pages, cursors)
		}
		if pages > 1 && paging["previous"] == nil {
			t.Errorf("page %d has no previous link", pages)
		}
		next, _ = paging["next"].(string)
		if next == "" && len(items) == 0 {
			t.Errorf("last page %d is empty", pages)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids over all pages (-want +got):\n%s", diff)
	}
	if wantPages := (len(want) + 24) / 25; pages != wantPages {
		t.Errorf("pages = %d, want %d of the default 25", pages, wantPages)
	}
}

func TestMediaNewestFirst(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	items := f.allMedia(t, "id,timestamp")
	var last time.Time
	for i, item := range items {
		ts, ok := item["timestamp"].(string)
		if !ok {
			continue // the seeded media without timestamp
		}
		parsed, err := time.Parse("2006-01-02T15:04:05-0700", ts)
		if err != nil {
			t.Fatalf("item %d timestamp %q: %v", i, ts, err)
		}
		if !last.IsZero() && parsed.After(last) {
			t.Errorf("item %d at %s is newer than the item before it at %s", i, parsed, last)
		}
		last = parsed
	}
	first, _ := time.Parse("2006-01-02T15:04:05-0700", items[0]["timestamp"].(string))
	if span := first.Sub(last); span < 600*24*time.Hour {
		t.Errorf("timestamps span %s, want about two years", span)
	}
}

func TestMediaLimit(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	tests := []struct {
		limit string
		want  int
	}{
		{"", 25},
		{"5", 5},
		{"100", 100},
		{"500", 100},
	}
	for _, tt := range tests {
		t.Run("limit "+tt.limit, func(t *testing.T) {
			params := []string{}
			if tt.limit != "" {
				params = append(params, "limit", tt.limit)
			}
			if got := len(data(t, get(t, f.ig("/me/media", params...)).okObject(t))); got != tt.want {
				t.Errorf("page size = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestNextLinkEncoding(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	fields := "id,caption,children{id,media_type,media_url},timestamp"
	body := get(t, f.fb("/v25.0/"+f.accounts.BusinessUserID+"/media", "fields", fields, "limit", "2")).okObject(t)
	next := body["paging"].(map[string]any)["next"].(string)
	wantPrefix := f.e.FacebookBaseURL() + "/v25.0/" + f.accounts.BusinessUserID + "/media?access_token=" + f.tokens.Facebook + "&"
	if !strings.HasPrefix(next, wantPrefix) {
		t.Errorf("next = %s, want it to start with the path and the token", next)
	}
	wantFields := "fields=id%2Ccaption%2Cchildren%7Bid%2Cmedia_type%2Cmedia_url%7D%2Ctimestamp"
	if !strings.Contains(next, wantFields) {
		t.Errorf("next = %s, want it to contain %s", next, wantFields)
	}
	parsed, err := url.Parse(next)
	if err != nil {
		t.Fatalf("parse next: %v", err)
	}
	if got := parsed.Query().Get("limit"); got != "2" {
		t.Errorf("next limit = %q, want 2", got)
	}
	if parsed.Query().Get("after") == "" {
		t.Error("next has no after cursor")
	}
}

func TestLastPageHasNoNext(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	count := len(f.e.MediaIDs(f.accounts.BusinessUserID))
	body := get(t, f.fb("/"+f.accounts.BusinessUserID+"/media", "limit", "100")).okObject(t)
	if got := len(data(t, body)); got != count {
		t.Fatalf("items = %d, want all %d", got, count)
	}
	paging := body["paging"].(map[string]any)
	if _, ok := paging["next"]; ok {
		t.Errorf("last page has next %v, want the member absent", paging["next"])
	}
}

func TestPreviousLinkReturnsEarlierPage(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	first := get(t, f.ig("/me/media", "limit", "3")).okObject(t)
	next := first["paging"].(map[string]any)["next"].(string)
	second := get(t, next).okObject(t)
	previous := second["paging"].(map[string]any)["previous"].(string)
	back := get(t, previous).okObject(t)
	if diff := cmp.Diff(data(t, first), data(t, back)); diff != "" {
		t.Errorf("previous of the second page (-first +previous):\n%s", diff)
	}
}

func TestMediaCap(t *testing.T) {
	f := newFixture(t, emulator.Options{MediaCap: 30})
	items := f.allMedia(t, "id")
	if len(items) != 30 {
		t.Errorf("reachable media = %d, want the cap of 30", len(items))
	}
}

func TestSinceUntilInclusive(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	items := f.allMedia(t, "id,timestamp")
	newest, _ := time.Parse("2006-01-02T15:04:05-0700", items[2]["timestamp"].(string))
	oldest, _ := time.Parse("2006-01-02T15:04:05-0700", items[6]["timestamp"].(string))
	body := get(t, f.ig("/me/media", "fields", "id", "since", strconv.FormatInt(oldest.Unix(), 10), "until", strconv.FormatInt(newest.Unix(), 10))).okObject(t)
	var got []string
	for _, item := range data(t, body) {
		got = append(got, item["id"].(string))
	}
	var want []string
	for _, item := range items[2:7] {
		want = append(want, item["id"].(string))
	}
	// The seeded media without timestamp sits among the first items; it is inside the window too.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ids in [since, until] (-want +got):\n%s", diff)
	}
}

func TestMediaFieldExpansion(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	want := f.e.MediaIDs(f.accounts.BusinessUserID)
	body := get(t, f.fb("/"+f.accounts.BusinessUserID, "fields", "username,media.limit(3){id,media_type}")).okObject(t)
	media := body["media"].(map[string]any)
	var got []string
	for _, item := range data(t, media) {
		got = append(got, item["id"].(string))
	}
	if diff := cmp.Diff(want[:3], got); diff != "" {
		t.Errorf("expanded media ids (-want +got):\n%s", diff)
	}
	next := media["paging"].(map[string]any)["next"].(string)
	if !strings.Contains(next, "fields=id%2Cmedia_type") {
		t.Errorf("next = %s, want the sub-selection as fields", next)
	}
	page := data(t, get(t, next).okObject(t))
	if len(page) != 3 || page[0]["id"] != want[3] {
		t.Errorf("next page starts %v with %d items, want %s and 3 items", page[0]["id"], len(page), want[3])
	}
	if page[0]["media_type"] == nil {
		t.Error("next page lost the sub-selection's media_type")
	}
}
