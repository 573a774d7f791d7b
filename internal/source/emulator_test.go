package source

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
	"github.com/igsource/igsource/internal/store"
)

// emulated is a harness against the Graph API emulator, with one Instagram Login instance
// ("creator") and one Facebook Login instance ("business").
type emulated struct {
	*harness
	emu      *emulator.Emulator
	accounts emulator.DemoAccounts
	creator  *store.Instance
	business *store.Instance
}

func newEmulated(t *testing.T, opts emulator.Options) *emulated {
	t.Helper()
	return newEmulatedWith(t, opts, func(h http.Handler) http.Handler { return h })
}

// newEmulatedWith serves the emulator behind wrap, which can hold or inspect requests.
func newEmulatedWith(t *testing.T, opts emulator.Options, wrap func(http.Handler) http.Handler) *emulated {
	t.Helper()
	clk := clock.NewFake(testNow)
	opts.Clock = clk
	emu := emulator.New(opts)
	srv := httptest.NewServer(wrap(emu.Handler()))
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	e := &emulated{harness: newHarnessWithClock(t, srv.URL, clk), emu: emu, accounts: emu.Accounts()}
	tokens := emu.DemoTokens(0)

	creator := &store.Account{Kind: instagram.KindInstagram, UserID: e.accounts.CreatorUserID,
		AppScopedID: e.accounts.CreatorAppScopedID, Username: e.accounts.CreatorUsername, Token: tokens.Instagram}
	if err := e.store.CreateAccount(t.Context(), creator); err != nil {
		t.Fatal(err)
	}
	e.creator = &store.Instance{Name: "creator", AccountID: creator.ID}
	if err := e.store.CreateInstance(t.Context(), e.creator); err != nil {
		t.Fatal(err)
	}

	business := &store.Account{Kind: instagram.KindFacebook, AppScopedID: e.accounts.FacebookUserID,
		Username: e.accounts.BusinessUsername, Token: tokens.Facebook}
	var pageID string
	for _, p := range e.accounts.Pages {
		business.Pages = append(business.Pages, store.Page{ID: p.ID, Name: p.Name, UserID: p.InstagramBusinessAccountID})
		if p.InstagramBusinessAccountID != "" {
			pageID = p.ID
		}
	}
	if err := e.store.CreateAccount(t.Context(), business); err != nil {
		t.Fatal(err)
	}
	e.business = &store.Instance{Name: "business", AccountID: business.ID, PageID: pageID}
	if err := e.store.CreateInstance(t.Context(), e.business); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEmulatorMediaCallCounts(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	ctx := t.Context()

	res, err := e.service.Media(ctx, "creator", MediaSettings{Amount: ptr(100)})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.emu.TotalCalls(); n != 1 {
		t.Errorf("media(amount: 100) calls = %d, want 1 including album children", n)
	}
	checkChildren(t, res.Media)

	e.emu.ResetCalls()
	res, err = e.service.Media(ctx, "creator", MediaSettings{Amount: ptr(100)})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.emu.TotalCalls(); n != 0 || !res.Meta.Cached {
		t.Errorf("cached query: %d calls, cached %v; want 0 calls from the cache", n, res.Meta.Cached)
	}

	e.emu.ResetCalls()
	if _, err := e.service.Media(ctx, "creator", MediaSettings{Amount: ptr(150)}); err != nil {
		t.Fatal(err)
	}
	if n := e.emu.Calls(emulator.EndpointMediaList); n != 2 {
		t.Errorf("media(amount: 150) calls = %d, want 2", n)
	}
	if n := e.emu.TotalCalls(); n != 2 {
		t.Errorf("media(amount: 150) total calls = %d, want 2", n)
	}
}

func TestEmulatorMediaLargeAmount(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	// The business account has about 60 media, so the creator, with at least 160, is used and
	// more media are added to exceed 250.
	for i := range 100 {
		if _, err := e.emu.AddMedia(e.accounts.CreatorUserID, emulator.NewMedia{Timestamp: testNow.AddDate(-3, 0, -i)}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(250)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Media) != 250 {
		t.Errorf("media = %d, want 250", len(res.Media))
	}
	if n := e.emu.Calls(emulator.EndpointMediaList); n != 3 {
		t.Errorf("media(amount: 250) calls = %d, want 3", n)
	}
}

func TestEmulatorVideoPagesNeeded(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	all, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(1000), Cache: ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	fifth, videos := -1, 0
	for i, m := range all.Media {
		if m.Type != TypeVideo {
			continue
		}
		videos++
		if videos == 5 {
			fifth = i
			break
		}
	}
	if fifth < 0 {
		t.Fatal("the emulator's creator has fewer than 5 videos")
	}
	e.emu.ResetCalls()
	res, err := e.service.Media(t.Context(), "creator", MediaSettings{Type: "VIDEO", Amount: ptr(5)})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Media {
		if m.Type != TypeVideo {
			t.Errorf("media %s type %s in a VIDEO query", m.ID, m.Type)
		}
	}
	if want := fifth/maxMediaPageSize + 1; e.emu.Calls(emulator.EndpointMediaList) != want {
		t.Errorf("calls = %d, want %d: only the pages up to the fifth video", e.emu.Calls(emulator.EndpointMediaList), want)
	}
}

func TestEmulatorChildrenIDsOnly(t *testing.T) {
	e := newEmulated(t, emulator.Options{ChildrenIDsOnly: true})
	res, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(40)})
	if err != nil {
		t.Fatal(err)
	}
	children := 0
	for _, m := range res.Media {
		children += len(m.Children)
	}
	if children == 0 {
		t.Fatal("no album children in the first 40 media")
	}
	checkChildren(t, res.Media)
	if n := e.emu.Calls(emulator.EndpointChildren); n != 0 {
		t.Errorf("children edge calls = %d, want 0: bare children are read with ?ids=", n)
	}
	if n, want := e.emu.Calls(emulator.EndpointIDs), (children+49)/50; n != want {
		t.Errorf("?ids= calls = %d, want %d for %d children", n, want, children)
	}
}

// checkChildren fails for an album child without a type or file, which would show as a
// broken item.
func checkChildren(t *testing.T, list []Media) {
	t.Helper()
	for _, m := range list {
		if m.Type == TypeAlbum && len(m.Children) == 0 {
			t.Errorf("album %s has no children", m.ID)
		}
		for _, c := range m.Children {
			if c.Type == "" {
				t.Errorf("album %s child %s has no type", m.ID, c.ID)
			}
		}
	}
}

func TestEmulatorConcurrentColdRequests(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for range 200 {
		wg.Go(func() {
			if _, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(50)}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := e.emu.TotalCalls(); n != 1 {
		t.Errorf("calls for 200 identical requests = %d, want 1", n)
	}
}

func TestEmulatorUser(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	tests := []struct {
		instance string
		wantID   string
	}{
		{"creator", e.accounts.CreatorUserID},
		{"business", e.accounts.BusinessUserID},
	}
	for _, tt := range tests {
		t.Run(tt.instance, func(t *testing.T) {
			res, err := e.service.User(t.Context(), tt.instance, UserSettings{})
			if err != nil {
				t.Fatal(err)
			}
			if res.User.ID != tt.wantID {
				t.Errorf("user id = %s, want the professional id %s", res.User.ID, tt.wantID)
			}
			if res.User.PictureURL == nil || !strings.Contains(*res.User.PictureURL, tt.wantID+"-picture") {
				t.Errorf("picture url = %v, want the picture ref of %s", res.User.PictureURL, tt.wantID)
			}
			if res.Meta.Cached {
				t.Error("user query served from the cache, want cache 0 by default")
			}
		})
	}
}

func TestEmulatorMediaSingle(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	id := e.emu.MediaIDs(e.accounts.CreatorUserID)[0]
	res, err := e.service.MediaSingle(t.Context(), "creator", SingleSettings{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	if res.Media.ID != id {
		t.Errorf("media id = %s, want %s", res.Media.ID, id)
	}

	if err := e.emu.DeleteMedia(id); err != nil {
		t.Fatal(err)
	}
	_, err = e.service.MediaSingle(t.Context(), "creator", SingleSettings{ID: id, Cache: ptr(0)})
	if code := apperr.CodeOf(err); code != apperr.NotFound {
		t.Errorf("deleted media code = %s, want %s", code, apperr.NotFound)
	}
	if !strings.Contains(apperr.MessageOf(err), id) {
		t.Errorf("message %q does not name media %s", apperr.MessageOf(err), id)
	}
}

func TestEmulatorMediaSingleNotMedia(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	tests := []struct {
		name     string
		instance string
		id       string
	}{
		{"user id on Instagram Login", "creator", e.accounts.CreatorUserID},
		{"user id on Facebook Login", "business", e.accounts.CreatorUserID},
		{"unknown id", "creator", "17890000000099999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.service.MediaSingle(t.Context(), tt.instance, SingleSettings{ID: tt.id, Cache: ptr(0)})
			if code := apperr.CodeOf(err); code != apperr.NotFound {
				t.Errorf("code = %s, want %s (error %v)", code, apperr.NotFound, err)
			}
			if !strings.Contains(apperr.MessageOf(err), tt.id) {
				t.Errorf("message %q does not name id %s", apperr.MessageOf(err), tt.id)
			}
		})
	}
}

func TestEmulatorResolveURL(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	if _, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(10)}); err != nil {
		t.Fatal(err)
	}
	for _, instance := range []string{"creator", "business"} {
		if _, err := e.service.User(t.Context(), instance, UserSettings{}); err != nil {
			t.Fatal(err)
		}
	}
	regs := e.registry.registrations()
	if len(regs) == 0 {
		t.Fatal("no registrations")
	}
	for _, r := range regs {
		link, err := e.service.ResolveURL(t.Context(), r.Ref)
		if err != nil {
			t.Errorf("resolve %s: %v", r.Ref, err)
			continue
		}
		if !strings.HasPrefix(link, e.emu.CDNBaseURL()) {
			t.Errorf("resolve %s = %s, want a link under %s", r.Ref, link, e.emu.CDNBaseURL())
		}
	}
	var file media.Ref
	for _, r := range regs {
		if r.Ref.Variant == media.VariantFile {
			file = r.Ref
			break
		}
	}
	if err := e.emu.DeleteMedia(file.MediaID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.service.ResolveURL(t.Context(), file); !instagram.IsNotFound(err) {
		t.Errorf("resolve deleted %s: %v, want a not-found error", file, err)
	}
}

func TestEmulatorHashtagOneSearch(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	for _, tag := range []string{"#Pizza", " pizza ", "PIZZA"} {
		res, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: tag})
		if err != nil {
			t.Fatalf("hashtag %q: %v", tag, err)
		}
		if len(res.Media) != DefaultHashtagAmount {
			t.Errorf("hashtag %q media = %d, want %d", tag, len(res.Media), DefaultHashtagAmount)
		}
	}
	if n := e.emu.Calls(emulator.EndpointHashtagSearch); n != 1 {
		t.Errorf("searches = %d, want 1", n)
	}
	for _, r := range e.emu.Requests() {
		if r.Endpoint == emulator.EndpointHashtagSearch {
			q, _ := url.ParseQuery(r.RawQuery)
			if q.Get("q") != "pizza" {
				t.Errorf("search q = %q, want pizza", q.Get("q"))
			}
		}
	}
	searches, err := e.store.HashtagSearches(t.Context(), e.business.AccountID, testNow.AddDate(0, 0, -7))
	if err != nil {
		t.Fatal(err)
	}
	if len(searches) != 1 {
		t.Errorf("ledger rows = %d, want 1", len(searches))
	}

	e.emu.ResetCalls()
	_, err = e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "🍕"})
	if code := apperr.CodeOf(err); code != apperr.Invalid {
		t.Errorf("emoji hashtag code = %s, want %s", code, apperr.Invalid)
	}
	if n := e.emu.TotalCalls(); n != 0 {
		t.Errorf("emoji hashtag calls = %d, want 0", n)
	}
}

func TestEmulatorHashtagMedia(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	brunch, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "brunch", Amount: ptr(120)})
	if err != nil {
		t.Fatal(err)
	}
	if len(brunch.Media) != 120 {
		t.Errorf("media = %d, want 120", len(brunch.Media))
	}
	if n := e.emu.Calls(emulator.EndpointHashtagTop); n != 3 {
		t.Errorf("top_media calls for 120 = %d, want 3 pages of 50", n)
	}
	for _, m := range brunch.Media {
		if m.Username != nil {
			t.Errorf("hashtag media %s username = %q, want nil", m.ID, *m.Username)
		}
	}
	for _, r := range e.registry.registrations() {
		if r.Resolvable {
			t.Errorf("hashtag media registration %s is resolvable", r.Ref)
		}
	}
	tacos, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "tacos", Amount: ptr(120)})
	if err != nil {
		t.Fatal(err)
	}
	if tacos.Meta.Cached || tacos.Media[0].ID == brunch.Media[0].ID {
		t.Errorf("tacos shares brunch's result: cached %v, first %s", tacos.Meta.Cached, tacos.Media[0].ID)
	}
	recent, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "brunch", Edge: "recent"})
	if err != nil {
		t.Fatal(err)
	}
	if recent.Meta.Cached || e.emu.Calls(emulator.EndpointHashtagRecent) != 1 {
		t.Errorf("RECENT edge: cached %v, recent_media calls %d; want one fresh call",
			recent.Meta.Cached, e.emu.Calls(emulator.EndpointHashtagRecent))
	}
}

func TestEmulatorHashtagBudget(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	for i := range 30 {
		tag := fmt.Sprintf("tag%c%c", 'a'+i/26, 'a'+i%26)
		if _, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: tag, Amount: ptr(1)}); err != nil {
			t.Fatalf("tag %d %s: %v", i, tag, err)
		}
		e.clock.Advance(time.Second)
	}
	e.emu.ResetCalls()
	_, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "onemore"})
	if code := apperr.CodeOf(err); code != apperr.HashtagBudget {
		t.Fatalf("31st tag code = %s, want %s (error %v)", code, apperr.HashtagBudget, err)
	}
	msg := apperr.MessageOf(err)
	for _, want := range []string{"#tagaa", "#tagbd", testNow.AddDate(0, 0, 7).Format("2006-01-02T15:04:05Z"),
		"@" + e.emu.Accounts().BusinessUsername + " (account "} {
		if !strings.Contains(msg, want) {
			t.Errorf("budget message %q does not contain %q", msg, want)
		}
	}
	if n := e.emu.TotalCalls(); n != 0 {
		t.Errorf("calls for a refused tag = %d, want 0", n)
	}
	if _, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "#TAGAA", Amount: ptr(2)}); err != nil {
		t.Errorf("already used tag: %v", err)
	}
	if n := e.emu.Calls(emulator.EndpointHashtagSearch); n != 0 {
		t.Errorf("searches for an already used tag = %d, want 0", n)
	}
}

func TestHashtagNeedsFacebookLogin(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	_, err := e.service.HashtaggedMedia(t.Context(), "creator", HashtagSettings{Hashtag: "brunch"})
	if code := apperr.CodeOf(err); code != apperr.Invalid {
		t.Errorf("code = %s, want %s", code, apperr.Invalid)
	}
	if !strings.Contains(apperr.MessageOf(err), "Facebook Login") {
		t.Errorf("message %q does not say hashtag search needs Facebook Login", apperr.MessageOf(err))
	}
	if n := e.emu.TotalCalls(); n != 0 {
		t.Errorf("calls = %d, want 0", n)
	}
}

func TestBadInput(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	since, until := testNow, testNow.Add(-1)
	tests := []struct {
		name    string
		run     func() error
		code    apperr.Code
		mention string
	}{
		{"unknown instance", func() error {
			_, err := e.service.Media(t.Context(), "nope", MediaSettings{})
			return err
		}, apperr.NotFound, `"nope"`},
		{"amount 0", func() error {
			_, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(0)})
			return err
		}, apperr.Invalid, "1 to 1000"},
		{"amount 5000", func() error {
			_, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(5000)})
			return err
		}, apperr.Invalid, "5000"},
		{"offset 10000", func() error {
			_, err := e.service.Media(t.Context(), "creator", MediaSettings{Offset: ptr(10000)})
			return err
		}, apperr.Invalid, "0 to 9999"},
		{"negative cache", func() error {
			_, err := e.service.Media(t.Context(), "creator", MediaSettings{Cache: ptr(-1)})
			return err
		}, apperr.Invalid, "cache -1"},
		{"unknown type", func() error {
			_, err := e.service.Media(t.Context(), "creator", MediaSettings{Type: "GIF"})
			return err
		}, apperr.Invalid, `"GIF"`},
		{"since after until", func() error {
			_, err := e.service.Media(t.Context(), "creator", MediaSettings{Since: &since, Until: &until})
			return err
		}, apperr.Invalid, "2024-06-01T12:00:00Z"},
		{"hashtag with spaces", func() error {
			_, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "two words"})
			return err
		}, apperr.Invalid, `"two words"`},
		{"hashtag emoji", func() error {
			_, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "#🍕"})
			return err
		}, apperr.Invalid, "emoji"},
		{"hashtag amount 201", func() error {
			_, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "pizza", Amount: ptr(201)})
			return err
		}, apperr.Invalid, "1 to 200"},
		{"unknown edge", func() error {
			_, err := e.service.HashtaggedMedia(t.Context(), "business", HashtagSettings{Hashtag: "pizza", Edge: "NEW"})
			return err
		}, apperr.Invalid, `"NEW"`},
		{"media id not digits", func() error {
			_, err := e.service.MediaSingle(t.Context(), "creator", SingleSettings{ID: "abc"})
			return err
		}, apperr.Invalid, `"abc"`},
		{"unknown media id", func() error {
			_, err := e.service.MediaSingle(t.Context(), "creator", SingleSettings{ID: "17890000000000999"})
			return err
		}, apperr.NotFound, "17890000000000999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if code := apperr.CodeOf(err); code != tt.code {
				t.Fatalf("code = %s, want %s (error %v)", code, tt.code, err)
			}
			if msg := apperr.MessageOf(err); !strings.Contains(msg, tt.mention) {
				t.Errorf("message %q does not contain %q", msg, tt.mention)
			}
		})
	}
}

func TestUserCacheZeroCoalesced(t *testing.T) {
	release := make(chan struct{})
	gate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/me") {
				<-release
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newEmulatedWith(t, emulator.Options{}, gate)
	metrics, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	e.service.metrics = metrics
	const n = 50
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := e.service.User(t.Context(), "creator", UserSettings{}); err != nil {
				t.Error(err)
			}
		})
	}
	// Each request counts its miss after joining the call sequence, which waits at the gate.
	for counterValue(t, metrics.cache.WithLabelValues("user", "miss")) < n {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if calls := e.emu.Calls(emulator.EndpointMe); calls != 1 {
		t.Errorf("/me calls for %d concurrent cache-0 requests = %d, want 1", n, calls)
	}
	if got := counterValue(t, metrics.upstreamCalls.WithLabelValues("user")); got != 1 {
		t.Errorf("upstream call metric = %v, want 1", got)
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestUnknownInstanceMessage(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	_, err := e.service.Media(t.Context(), "nope", MediaSettings{})
	want := "instance \"nope\" not found: list the instances with `igsource instances list`"
	if diff := cmp.Diff(want, apperr.MessageOf(err)); diff != "" {
		t.Errorf("message mismatch (-want +got):\n%s", diff)
	}
}
