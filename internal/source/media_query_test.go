package source

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

const (
	userA  = "17841400000000001"
	userB  = "17841400000000002"
	tokenA = "IGAAtokenA"
	tokenB = "IGAAtokenB"
)

func TestMediaPagingExactAmount(t *testing.T) {
	g := newFakeGraph(t)
	items := itemsFrom(0, 35)
	g.setPages(tokenA, page(true, items[:25]...), page(false, items[25:]...))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)

	res, err := h.service.Media(t.Context(), "A", MediaSettings{Amount: ptr(30)})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, 30)
	for i := range want {
		want[i] = strconv.Itoa(17890000000000000 + i)
	}
	if diff := cmp.Diff(want, ids(res.Media)); diff != "" {
		t.Errorf("media ids, newest first (-want +got):\n%s", diff)
	}
	if n := len(g.requests()); n != 2 {
		t.Errorf("upstream calls = %d, want 2", n)
	}
	if got := g.requests()[0].query["limit"]; !slices.Equal(got, []string{"30"}) {
		t.Errorf("first page limit = %v, want [30]", got)
	}
}

func TestMediaDateWindowStopsPaging(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA,
		page(true,
			mediaItem("17890000000000001", "IMAGE", "2024-04-02T10:00:00+0000"),
			mediaItem("17890000000000002", "IMAGE", "2024-03-15T10:00:00+0000"),
			mediaItem("17890000000000003", "IMAGE", "2024-02-20T10:00:00+0000")),
		page(false, mediaItem("17890000000000004", "IMAGE", "2024-02-01T10:00:00+0000")))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)
	since := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2024, 3, 31, 23, 59, 59, 0, time.UTC)

	res, err := h.service.Media(t.Context(), "A", MediaSettings{Since: &since, Until: &until})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"17890000000000002"}, ids(res.Media)); diff != "" {
		t.Errorf("media in the window (-want +got):\n%s", diff)
	}
	reqs := g.requests()
	if len(reqs) != 1 {
		t.Fatalf("upstream calls = %d, want 1: paging stops at the first item older than since", len(reqs))
	}
	if got := reqs[0].query["since"]; !slices.Equal(got, []string{"1709251200"}) {
		t.Errorf("since sent upstream = %v, want [1709251200]", got)
	}
	if len(reqs[0].query["until"]) != 1 {
		t.Errorf("until sent upstream = %v, want one value", reqs[0].query["until"])
	}
}

func TestMediaTimestampsInDateWindow(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(false,
		mediaItem("17890000000000001", "IMAGE", "2024-05-01T10:00:00+0000"),
		mediaItem("17890000000000002", "IMAGE", "2024-05-01T10:00:00.123Z"),
		mediaItem("17890000000000003", "IMAGE", "2024-05-01 10:00")))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)
	since := time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)

	windowed, err := h.service.Media(t.Context(), "A", MediaSettings{Since: &since})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"17890000000000001", "17890000000000002"}, ids(windowed.Media)); diff != "" {
		t.Errorf("media since %s (-want +got):\n%s", since, diff)
	}
	if !strings.Contains(h.logs.String(), "media_id=17890000000000003") {
		t.Errorf("log does not name the media left out of the window:\n%s", h.logs.String())
	}

	all, err := h.service.Media(t.Context(), "A", MediaSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Media) != 3 {
		t.Fatalf("media without a window = %d, want 3", len(all.Media))
	}
	if ts := all.Media[2].Timestamp; ts != nil {
		t.Errorf("unparseable timestamp = %q, want nil", *ts)
	}
	if diff := cmp.Diff(ptr("2024-05-01T10:00:00Z"), all.Media[1].Timestamp); diff != "" {
		t.Errorf("fractional timestamp (-want +got):\n%s", diff)
	}
}

func TestMediaWithheldFiles(t *testing.T) {
	g := newFakeGraph(t)
	body, err := os.ReadFile(filepath.Join("testdata", "withheld_page.json"))
	if err != nil {
		t.Fatal(err)
	}
	g.setPages(tokenA, string(body))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)

	res, err := h.service.Media(t.Context(), "A", MediaSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Media) != 2 {
		t.Fatalf("media = %d, want 2", len(res.Media))
	}
	for _, m := range res.Media {
		if m.URL != nil || m.ThumbnailURL != nil || m.Permalink != nil {
			t.Errorf("media %s url %v thumbnail %v permalink %v, want all nil", m.ID, m.URL, m.ThumbnailURL, m.Permalink)
		}
	}
	if got := res.Media[0].Hashtags(DefaultHashtagSeparator); got != "music" {
		t.Errorf("hashtags = %q, want music", got)
	}
	if regs := h.registry.registrations(); len(regs) != 0 {
		t.Errorf("registrations = %+v, want none", regs)
	}
	if res.Meta.Stale {
		t.Error("result is stale, want a successful refresh")
	}
}

func TestMediaReelCountsAsVideo(t *testing.T) {
	g := newFakeGraph(t)
	body, err := os.ReadFile(filepath.Join("testdata", "reel_album_page.json"))
	if err != nil {
		t.Fatal(err)
	}
	g.setPages(tokenA, string(body))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)

	res, err := h.service.Media(t.Context(), "A", MediaSettings{Type: "video"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"17890000000000020"}, ids(res.Media)); diff != "" {
		t.Errorf("videos (-want +got):\n%s", diff)
	}
	albums, err := h.service.Media(t.Context(), "A", MediaSettings{Type: "ALBUM"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"17890000000000030"}, ids(albums.Media)); diff != "" {
		t.Errorf("albums (-want +got):\n%s", diff)
	}
}

func TestMediaTypeFilterBeforeOffset(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(true,
		mediaItem("17890000000000001", "VIDEO", "2024-05-06T10:00:00+0000"),
		mediaItem("17890000000000002", "IMAGE", "2024-05-05T10:00:00+0000"),
		mediaItem("17890000000000003", "VIDEO", "2024-05-04T10:00:00+0000")),
		page(false,
			mediaItem("17890000000000004", "IMAGE", "2024-05-03T10:00:00+0000"),
			mediaItem("17890000000000005", "VIDEO", "2024-05-02T10:00:00+0000")))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)

	res, err := h.service.Media(t.Context(), "A", MediaSettings{Type: "VIDEO", Offset: ptr(1), Amount: ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"17890000000000003", "17890000000000005"}, ids(res.Media)); diff != "" {
		t.Errorf("second and third video (-want +got):\n%s", diff)
	}
	if got := g.requests()[0].query["limit"]; !slices.Equal(got, []string{"100"}) {
		t.Errorf("filtered query page limit = %v, want [100]", got)
	}
}

func TestMediaCacheFreshness(t *testing.T) {
	for _, seconds := range []int{60, 1800, 3600} {
		t.Run(strconv.Itoa(seconds/60)+"m", func(t *testing.T) {
			g := newFakeGraph(t)
			g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
			h := newHarness(t, g.srv.URL)
			h.addInstagramInstance(t, "A", userA, tokenA, 0)
			settings := MediaSettings{Cache: ptr(seconds)}

			if _, err := h.service.Media(t.Context(), "A", settings); err != nil {
				t.Fatal(err)
			}
			h.clock.Advance(time.Duration(seconds-1) * time.Second)
			res, err := h.service.Media(t.Context(), "A", settings)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(g.requests()); n != 1 {
				t.Errorf("calls %d s after the fetch = %d, want 1", seconds-1, n)
			}
			if !res.Meta.Cached {
				t.Errorf("result %d s after the fetch not marked cached", seconds-1)
			}
			h.clock.Advance(2 * time.Second)
			res, err = h.service.Media(t.Context(), "A", settings)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(g.requests()); n != 2 {
				t.Errorf("calls %d s after the fetch = %d, want 2", seconds+1, n)
			}
			if res.Meta.Cached || !res.Meta.FetchedAt.Equal(h.clock.Now()) {
				t.Errorf("meta after refresh = %+v, want fresh data fetched now", res.Meta)
			}
		})
	}
}

func TestMediaCacheZeroAlwaysFetches(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)
	for range 3 {
		if _, err := h.service.Media(t.Context(), "A", MediaSettings{Cache: ptr(0)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(g.requests()); n != 3 {
		t.Errorf("calls = %d, want 3", n)
	}
}

func TestMediaCacheKeyPerInstanceAndSettings(t *testing.T) {
	g := newFakeGraph(t)
	itemsA, itemsB := itemsFrom(0, 40), itemsFrom(100, 40)
	g.setPages(tokenA, page(false, itemsA...))
	g.setPages(tokenB, page(false, itemsB...))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)
	h.addInstagramInstance(t, "B", userB, tokenB, 0)

	steps := []struct {
		instance string
		amount   int
		first    string
		token    string
	}{
		{"A", 20, "17890000000000000", tokenA},
		{"B", 20, "17890000000000100", tokenB},
		{"A", 30, "17890000000000000", tokenA},
	}
	for i, step := range steps {
		res, err := h.service.Media(t.Context(), step.instance, MediaSettings{Amount: ptr(step.amount)})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Media) != step.amount || res.Media[0].ID != step.first {
			t.Errorf("step %d: media(%s, amount %d) = %d items from %s, want %d from %s",
				i, step.instance, step.amount, len(res.Media), res.Media[0].ID, step.amount, step.first)
		}
		if res.Meta.Cached {
			t.Errorf("step %d: served from another query's cache entry", i)
		}
		if reqs := g.requests(); len(reqs) != i+1 || reqs[i].token != step.token {
			t.Errorf("step %d: call with token %q, want %q", i, reqs[len(reqs)-1].token, step.token)
		}
	}
	for _, token := range []string{tokenA, tokenB} {
		if strings.Contains(h.logs.String(), token) {
			t.Errorf("log contains token %q", token)
		}
	}
	instA, err := h.service.Instance(t.Context(), "A")
	if err != nil {
		t.Fatal(err)
	}
	key := h.service.cacheKey(mediaQuery{typ: TypeAll, amount: 20}.key(instA.ID))
	if strings.Contains(key, tokenA) {
		t.Errorf("cache key %q contains the token", key)
	}
	if _, err := h.store.CacheEntry(t.Context(), key); err != nil {
		t.Errorf("store has no entry %q: %v", key, err)
	}
}

func TestMediaCacheKeyPerPublicURL(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 3600)
	if _, err := h.service.Media(t.Context(), "A", MediaSettings{}); err != nil {
		t.Fatal(err)
	}

	// A second server on the same database, or a restart with another public URL.
	const otherBase = "http://127.0.0.1:18286"
	other, err := New(Deps{Store: h.store, Client: h.service.client, Media: &testRegistry{base: otherBase}, Clock: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	calls := len(g.requests())
	res, err := other.Media(t.Context(), "A", MediaSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Meta.Cached {
		t.Errorf("meta = %+v, want a fresh read: the cached result has another public URL", res.Meta)
	}
	if n := len(g.requests()) - calls; n != 1 {
		t.Errorf("upstream calls = %d, want 1", n)
	}
	for _, m := range res.Media {
		if m.URL == nil || !strings.HasPrefix(*m.URL, otherBase+"/media/") {
			t.Errorf("media %s url = %v, want one under %s", m.ID, m.URL, otherBase)
		}
	}

	again, err := h.service.Media(t.Context(), "A", MediaSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Meta.Cached {
		t.Errorf("first server meta = %+v, want its own cached result", again.Meta)
	}
	for _, m := range again.Media {
		if m.URL == nil || strings.HasPrefix(*m.URL, otherBase) {
			t.Errorf("first server media %s url = %v, want its own base", m.ID, m.URL)
		}
	}
}

func TestMediaStaleAfterFailedRefresh(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
	h := newHarness(t, g.srv.URL)
	inst := h.addInstagramInstance(t, "A", userA, tokenA, 60)
	first, err := h.service.Media(t.Context(), "A", MediaSettings{})
	if err != nil {
		t.Fatal(err)
	}

	h.clock.Advance(time.Hour)
	g.fail(tokenA, 4)
	res, err := h.service.Media(t.Context(), "A", MediaSettings{})
	if err != nil {
		t.Fatalf("rate limited refresh: %v, want the last good result", err)
	}
	if !res.Meta.Stale || !res.Meta.FetchedAt.Equal(first.Meta.FetchedAt) {
		t.Errorf("meta = %+v, want stale data fetched at %s", res.Meta, first.Meta.FetchedAt)
	}
	if !res.Meta.Cached {
		t.Errorf("meta = %+v, want cached: a stale result comes from the cache", res.Meta)
	}
	if diff := cmp.Diff(ids(first.Media), ids(res.Media)); diff != "" {
		t.Errorf("stale media (-want +got):\n%s", diff)
	}
	if !strings.Contains(h.logs.String(), "instance_id=") {
		t.Errorf("stale serve not logged with the instance:\n%s", h.logs.String())
	}

	// The throttling blocks the account's calls for Meta's default backoff.
	h.clock.Advance(instagram.DefaultRateLimitBackoff)
	g.fail(tokenA, 190)
	if _, err := h.service.Media(t.Context(), "A", MediaSettings{}); err != nil {
		t.Fatalf("token rejected: %v, want the last good result", err)
	}
	acct, err := h.store.Account(t.Context(), inst.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Status != store.StatusNeedsReauth {
		t.Errorf("account status = %q, want %q", acct.Status, store.StatusNeedsReauth)
	}
	calls := len(g.requests())
	res, err = h.service.Media(t.Context(), "A", MediaSettings{})
	if err != nil || !res.Meta.Stale {
		t.Errorf("needs-reauth account: %+v, %v; want stale data", res, err)
	}
	if n := len(g.requests()); n != calls {
		t.Errorf("calls with a rejected token = %d, want none", n-calls)
	}
	_, err = h.service.Media(t.Context(), "A", MediaSettings{Amount: ptr(5)})
	if code := apperr.CodeOf(err); code != apperr.NeedsReauth {
		t.Errorf("uncached query code = %s, want %s", code, apperr.NeedsReauth)
	}
}

func TestMediaFailureWithoutCache(t *testing.T) {
	tests := []struct {
		code int
		want apperr.Code
	}{
		{4, apperr.RateLimited},
		{17, apperr.RateLimited},
		{190, apperr.NeedsReauth},
		{2, apperr.Upstream},
	}
	for _, tt := range tests {
		t.Run(string(tt.want)+strconv.Itoa(tt.code), func(t *testing.T) {
			g := newFakeGraph(t)
			g.setPages(tokenA, page(false))
			g.fail(tokenA, tt.code)
			h := newHarness(t, g.srv.URL)
			h.addInstagramInstance(t, "A", userA, tokenA, 0)
			_, err := h.service.Media(t.Context(), "A", MediaSettings{})
			if code := apperr.CodeOf(err); code != tt.want {
				t.Errorf("code = %s, want %s (error %v)", code, tt.want, err)
			}
			if strings.Contains(apperr.MessageOf(err), tokenA) {
				t.Errorf("message %q contains the token", apperr.MessageOf(err))
			}
		})
	}
}

func TestMediaCacheSurvivesRestart(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
	h := newHarness(t, g.srv.URL)
	inst := h.addInstagramInstance(t, "A", userA, tokenA, 0)
	if _, err := h.service.Media(t.Context(), "A", MediaSettings{}); err != nil {
		t.Fatal(err)
	}
	restarted, err := New(Deps{Store: h.store, Client: h.service.client, Media: h.registry, Clock: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	res, err := restarted.Media(t.Context(), "A", MediaSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Meta.Cached || len(res.Media) != 3 {
		t.Errorf("after restart: cached %v, %d media; want 3 cached media", res.Meta.Cached, len(res.Media))
	}
	if res.Media[0].CreatedAt.IsZero() {
		t.Error("CreatedAt not restored from the stored timestamp")
	}
	if n := len(g.requests()); n != 1 {
		t.Errorf("calls = %d, want 1", n)
	}
	if err := restarted.InvalidateInstance(t.Context(), inst.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := restarted.Media(t.Context(), "A", MediaSettings{}); err != nil {
		t.Fatal(err)
	}
	if n := len(g.requests()); n != 2 {
		t.Errorf("calls after invalidation = %d, want 2", n)
	}
}

func TestMediaRepeatedItemAcrossPages(t *testing.T) {
	g := newFakeGraph(t)
	items := itemsFrom(0, 4)
	g.setPages(tokenA, page(true, items[0], items[1]), page(false, items[1], items[2], items[3]))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)

	res, err := h.service.Media(t.Context(), "A", MediaSettings{Type: "IMAGE", Amount: ptr(3)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"17890000000000000", "17890000000000001", "17890000000000002"}
	if diff := cmp.Diff(want, ids(res.Media)); diff != "" {
		t.Errorf("media ids (-want +got):\n%s", diff)
	}
}

func TestMediaServedWhenLinksSkipped(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)
	h.registry.err = apperr.New(apperr.Invalid, "1 of 3 media registrations were skipped")

	res, err := h.service.Media(t.Context(), "A", MediaSettings{})
	if err != nil {
		t.Fatalf("Media with a skipped link: %v, want the result", err)
	}
	if got := len(res.Media); got != 3 {
		t.Errorf("media = %d, want 3", got)
	}
	if !strings.Contains(h.logs.String(), "Media links skipped") {
		t.Errorf("log lacks the skipped links warning:\n%s", h.logs.String())
	}
}

func TestMediaFailsWhenRegistryFails(t *testing.T) {
	g := newFakeGraph(t)
	g.setPages(tokenA, page(false, itemsFrom(0, 3)...))
	h := newHarness(t, g.srv.URL)
	h.addInstagramInstance(t, "A", userA, tokenA, 0)
	h.registry.err = errors.New("database is locked")

	_, err := h.service.Media(t.Context(), "A", MediaSettings{})
	if got := apperr.CodeOf(err); got != apperr.Internal {
		t.Errorf("code = %s, want INTERNAL (err %v)", got, err)
	}
}
