package emulator_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/emulator"
)

const allMediaFields = "id,caption,media_type,media_product_type,media_url,thumbnail_url," +
	"permalink,shortcode,timestamp,username,like_count,comments_count,is_shared_to_feed," +
	"children{id,media_type,media_url,thumbnail_url,permalink,timestamp}"

func TestTimestampFormat(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	pattern := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$`)
	for _, item := range f.allMedia(t, "id,timestamp") {
		ts, ok := item["timestamp"].(string)
		if !ok {
			continue
		}
		if !pattern.MatchString(ts) {
			t.Errorf("media %s timestamp %q is not YYYY-MM-DDTHH:MM:SS+0000", item["id"], ts)
		}
		if _, err := time.Parse(time.RFC3339, ts); err == nil {
			t.Errorf("media %s timestamp %q parses as RFC 3339, want Meta's colon-less offset", item["id"], ts)
		}
	}
}

func TestOptionalMembersAbsent(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	items := f.allMedia(t, allMediaFields)
	for _, item := range items {
		for k, v := range item {
			if v == nil {
				t.Errorf("media %s member %s is null, want it omitted", item["id"], k)
			}
		}
	}
	checks := []struct {
		what   string
		member string
		match  func(map[string]any) bool
	}{
		{"a post without caption", "caption", func(m map[string]any) bool { return m["caption"] == nil }},
		{"a post with hidden likes", "like_count", func(m map[string]any) bool { return m["like_count"] == nil }},
		{"an image", "thumbnail_url", func(m map[string]any) bool { return m["media_type"] == "IMAGE" }},
		{"a non-reel", "is_shared_to_feed", func(m map[string]any) bool { return m["media_product_type"] == "FEED" }},
	}
	for _, c := range checks {
		t.Run(c.what, func(t *testing.T) {
			item := findMedia(t, items, c.what, c.match)
			if _, ok := item[c.member]; ok {
				t.Errorf("media %s has %s, want it absent", item["id"], c.member)
			}
		})
	}
}

func TestWithheldMedia(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	items := f.allMedia(t, allMediaFields)
	reel := findMedia(t, items, "a withheld reel", func(m map[string]any) bool {
		return m["media_product_type"] == "REELS" && m["media_url"] == nil
	})
	if _, ok := reel["thumbnail_url"]; !ok {
		t.Error("withheld reel has no thumbnail_url")
	}
	if p, _ := reel["permalink"].(string); !strings.Contains(p, "/reel/") {
		t.Errorf("withheld reel permalink = %q, want a /reel/ link", p)
	}
	bare := findMedia(t, items, "withheld without permalink", func(m map[string]any) bool {
		return m["permalink"] == nil
	})
	for _, member := range []string{"media_url", "timestamp", "caption"} {
		if _, ok := bare[member]; ok {
			t.Errorf("bare withheld media %s has %s, want it absent", bare["id"], member)
		}
	}
}

func TestCarouselChildren(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	items := f.allMedia(t, allMediaFields)
	album := findMedia(t, items, "an album of 10", func(m map[string]any) bool {
		c, ok := m["children"].(map[string]any)
		return ok && len(c["data"].([]any)) == 10
	})
	children := album["children"].(map[string]any)
	if _, ok := children["paging"]; ok {
		t.Error("expanded children carry paging, want none")
	}
	kids := children["data"].([]any)
	first := kids[0].(map[string]any)
	if album["media_url"] != first["media_url"] {
		t.Errorf("album media_url = %v, want the first child's %v", album["media_url"], first["media_url"])
	}
	videos := 0
	for _, k := range kids {
		kid := k.(map[string]any)
		if kid["media_type"] == "VIDEO" {
			videos++
			if kid["thumbnail_url"] == nil {
				t.Errorf("video child %s has no thumbnail_url", kid["id"])
			}
		}
	}
	if videos == 0 {
		t.Error("album has no video child")
	}

	limited := get(t, f.ig("/"+album["id"].(string), "fields", "children.limit(3){id}")).okObject(t)
	if got := len(limited["children"].(map[string]any)["data"].([]any)); got != 3 {
		t.Errorf("children.limit(3) gave %d children", got)
	}

	edge := get(t, f.ig("/"+album["id"].(string)+"/children")).okObject(t)
	for _, kid := range data(t, edge) {
		if diff := cmp.Diff([]string{"id"}, keys(kid)); diff != "" {
			t.Errorf("children edge item without fields (-want +got):\n%s", diff)
		}
	}
	child := get(t, f.ig("/"+first["id"].(string), "fields", "id,caption,like_count,media_type")).okObject(t)
	if diff := cmp.Diff([]string{"id", "media_type"}, keys(child)); diff != "" {
		t.Errorf("child node members (-want +got):\n%s", diff)
	}
}

func TestChildrenIDsOnlyOption(t *testing.T) {
	f := newFixture(t, emulator.Options{ChildrenIDsOnly: true})
	items := f.allMedia(t, "id,media_type,children{id,media_type,media_url}")
	album := findMedia(t, items, "an album", func(m map[string]any) bool { return m["media_type"] == "CAROUSEL_ALBUM" })
	for _, k := range album["children"].(map[string]any)["data"].([]any) {
		if diff := cmp.Diff([]string{"id"}, keys(k.(map[string]any))); diff != "" {
			t.Errorf("child (-want +got):\n%s", diff)
		}
	}
}

func TestSetChildrenIDsOnly(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	album := f.e.MediaIDs(f.accounts.CreatorUserID)[3]
	url := f.ig("/"+album, "fields", "children{id,media_type}")
	f.e.SetChildrenIDsOnly(true)
	kid := get(t, url).okObject(t)["children"].(map[string]any)["data"].([]any)[0].(map[string]any)
	if diff := cmp.Diff([]string{"id"}, keys(kid)); diff != "" {
		t.Errorf("child with ids only (-want +got):\n%s", diff)
	}
	f.e.SetChildrenIDsOnly(false)
	kid = get(t, url).okObject(t)["children"].(map[string]any)["data"].([]any)[0].(map[string]any)
	if diff := cmp.Diff([]string{"id", "media_type"}, keys(kid)); diff != "" {
		t.Errorf("child with fields (-want +got):\n%s", diff)
	}
}

func TestReels(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	items := f.allMedia(t, "id,media_type,media_product_type,permalink,is_shared_to_feed")
	notShared := findMedia(t, items, "a reel not shared to feed", func(m map[string]any) bool {
		return m["is_shared_to_feed"] == false
	})
	if notShared["media_type"] != "VIDEO" || notShared["media_product_type"] != "REELS" {
		t.Errorf("reel types = %v/%v, want VIDEO/REELS", notShared["media_type"], notShared["media_product_type"])
	}
	if p := notShared["permalink"].(string); !strings.HasPrefix(p, "https://www.instagram.com/reel/") {
		t.Errorf("reel permalink = %q, want https://www.instagram.com/reel/…", p)
	}
	findMedia(t, items, "a reel shared to feed", func(m map[string]any) bool { return m["is_shared_to_feed"] == true })
}

func TestCaptionCorpus(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	var all strings.Builder
	for _, item := range f.allMedia(t, "id,caption") {
		if c, ok := item["caption"].(string); ok {
			all.WriteString(c + "\n")
		}
	}
	text := all.String()
	for _, want := range []string{
		"#café", "#コーヒー", "#Straße", "#закат", "#قهوة", "#हिन्दी", "y&#039;all", "#1!", "#2010",
		"#Travel #travel #TRAVEL", "https://example.com/recipes#sourdough", "🌅", "<script>",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no caption contains %q", want)
		}
	}
}

func TestMediaIDsAreDigitStrings(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	pattern := regexp.MustCompile(`^[0-9]{17,19}$`)
	seen := map[string]bool{}
	for _, item := range f.allMedia(t, "id,children{id}") {
		id, ok := item["id"].(string)
		if !ok || !pattern.MatchString(id) {
			t.Errorf("media id %#v is not a string of 17 to 19 digits", item["id"])
		}
		if seen[id] {
			t.Errorf("media id %s appears twice", id)
		}
		seen[id] = true
	}
}

func TestDatasetDeterministic(t *testing.T) {
	a := newFixture(t, emulator.Options{Seed: 7})
	b := newFixture(t, emulator.Options{Seed: 7})
	c := newFixture(t, emulator.Options{Seed: 8})
	idsA := a.e.MediaIDs(a.accounts.CreatorUserID)
	if diff := cmp.Diff(idsA, b.e.MediaIDs(b.accounts.CreatorUserID)); diff != "" {
		t.Errorf("same seed, different media (-a +b):\n%s", diff)
	}
	if cmp.Equal(idsA, c.e.MediaIDs(c.accounts.CreatorUserID)) {
		t.Error("different seeds gave the same media")
	}
}

func TestBusinessAccountMedia(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	if n := len(f.e.MediaIDs(f.accounts.BusinessUserID)); n < 50 || n > 70 {
		t.Errorf("business account has %d media, want about 60", n)
	}
	body := get(t, f.fb("/"+f.accounts.BusinessUserID, "fields", "media_count,username")).okObject(t)
	if body["username"] != f.accounts.BusinessUsername {
		t.Errorf("username = %v, want %s", body["username"], f.accounts.BusinessUsername)
	}
}
