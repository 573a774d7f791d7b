package instagram_test

import (
	"errors"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
)

// emulated is a client of an in-process emulator with tokens for both seeded accounts.
type emulated struct {
	e         *emulator.Emulator
	c         *instagram.Client
	creator   instagram.Credentials // Instagram Login, graph.instagram.com
	business  instagram.Credentials // Facebook Login, graph.facebook.com
	accounts  emulator.DemoAccounts
	oauthBase string
}

func newEmulated(t *testing.T, opts emulator.Options) *emulated {
	t.Helper()
	opts.Clock = clock.NewFake(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	opts.ImageSide = 32
	opts.VideoBytes = 4096
	e := emulator.New(opts)
	server := httptest.NewServer(e.Handler())
	t.Cleanup(server.Close)
	e.SetBaseURL(server.URL)

	c, err := instagram.New(instagram.Config{
		InstagramBaseURL:  e.InstagramBaseURL(),
		FacebookBaseURL:   e.FacebookBaseURL(),
		InstagramOAuthURL: server.URL + "/api.instagram.com",
		HTTPClient:        server.Client(),
		Clock:             opts.Clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	tokens := e.DemoTokens(60 * 24 * time.Hour)
	accounts := e.Accounts()
	return &emulated{
		e:        e,
		c:        c,
		accounts: accounts,
		creator:  instagram.Credentials{Kind: instagram.KindInstagram, Token: tokens.Instagram, UserID: accounts.CreatorUserID},
		business: instagram.Credentials{Kind: instagram.KindFacebook, Token: tokens.Facebook, UserID: accounts.BusinessUserID},
	}
}

func ids(items []instagram.Media) []string {
	out := make([]string, len(items))
	for i, m := range items {
		out[i] = string(m.ID)
	}
	return out
}

func TestEmulatorPagingStopsAtAmount(t *testing.T) {
	for _, name := range []string{"creator", "business"} {
		t.Run(name, func(t *testing.T) {
			env := newEmulated(t, emulator.Options{})
			cred := env.creator
			if name == "business" {
				cred = env.business
			}
			all := env.e.MediaIDs(cred.UserID)
			if len(all) <= 30 {
				t.Fatalf("seeded account has %d media, the test needs more than 30", len(all))
			}

			const amount = 30
			page, err := env.c.ListMedia(t.Context(), cred, instagram.ListMediaOptions{Limit: 25})
			if err != nil {
				t.Fatal(err)
			}
			items := page.Data
			for len(items) < amount && page.HasNext() {
				if page, err = env.c.NextMediaPage(t.Context(), cred, page); err != nil {
					t.Fatalf("NextMediaPage: %v", err)
				}
				items = append(items, page.Data...)
			}
			items = items[:min(amount, len(items))]

			if diff := cmp.Diff(all[:amount], ids(items)); diff != "" {
				t.Errorf("media ids mismatch (-want +got):\n%s", diff)
			}
			if n := env.e.Calls(emulator.EndpointMediaList); n != 2 {
				t.Errorf("media list calls = %d, want 2", n)
			}
		})
	}
}

func TestEmulatorPagingReachesEnd(t *testing.T) {
	env := newEmulated(t, emulator.Options{})
	page, err := env.c.ListMedia(t.Context(), env.creator, instagram.ListMediaOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	items := page.Data
	for page.HasNext() {
		if page, err = env.c.NextMediaPage(t.Context(), env.creator, page); err != nil {
			t.Fatalf("NextMediaPage on page %d: %v", page.Number(), err)
		}
		items = append(items, page.Data...)
	}
	if diff := cmp.Diff(env.e.MediaIDs(env.creator.UserID), ids(items)); diff != "" {
		t.Errorf("media ids mismatch (-want +got):\n%s", diff)
	}
	// The seeded dataset includes a media without a timestamp, which the order check skips.
	var previous time.Time
	for _, m := range items {
		if !m.Timestamp.Valid {
			continue
		}
		if !previous.IsZero() && m.Timestamp.Time.After(previous) {
			t.Errorf("media %s is newer than the one before it", m.ID)
		}
		previous = m.Timestamp.Time
	}
}

func TestEmulatorHostTokenMismatch(t *testing.T) {
	env := newEmulated(t, emulator.Options{})
	tests := []struct {
		name string
		cred instagram.Credentials
	}{
		{"instagram token on facebook host", instagram.Credentials{Kind: instagram.KindFacebook, Token: env.creator.Token, UserID: env.business.UserID}},
		{"facebook token on instagram host", instagram.Credentials{Kind: instagram.KindInstagram, Token: env.business.Token, UserID: env.creator.UserID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.c.ListMedia(t.Context(), tt.cred, instagram.ListMediaOptions{})
			if !instagram.IsTokenInvalid(err) {
				t.Fatalf("IsTokenInvalid(%v) = false", err)
			}
			if strings.Contains(err.Error(), tt.cred.Token) {
				t.Errorf("error %q contains the token", err)
			}
		})
	}
}

func TestEmulatorDefaultFieldsAccepted(t *testing.T) {
	env := newEmulated(t, emulator.Options{})
	for _, cred := range []instagram.Credentials{env.creator, env.business} {
		t.Run(string(cred.Kind), func(t *testing.T) {
			user, err := env.c.User(t.Context(), cred, cred.UserID, nil)
			if err != nil {
				t.Fatalf("User with default fields: %v", err)
			}
			if user.ProfessionalID() != cred.UserID {
				t.Errorf("ProfessionalID = %q, want %q", user.ProfessionalID(), cred.UserID)
			}
			page, err := env.c.ListMedia(t.Context(), cred, instagram.ListMediaOptions{Limit: 5})
			if err != nil {
				t.Fatalf("ListMedia with default fields: %v", err)
			}
			for _, m := range page.Data {
				if m.MediaType == "" || m.Permalink == "" {
					t.Errorf("media %s lacks media_type or permalink: %+v", m.ID, m)
				}
			}
		})
	}
}

func TestEmulatorFieldsPercentEncoded(t *testing.T) {
	env := newEmulated(t, emulator.Options{})
	if _, err := env.c.ListMedia(t.Context(), env.creator, instagram.ListMediaOptions{Limit: 5}); err != nil {
		t.Fatal(err)
	}
	requests := env.e.Requests()
	last := requests[len(requests)-1]
	if !strings.Contains(last.RawQuery, "children%7Bid%2Cmedia_type%2Cmedia_url%2Cthumbnail_url%2Ctimestamp%7D") {
		t.Errorf("query %q lacks the percent-encoded children expansion", last.RawQuery)
	}
}

func TestEmulatorWrongHostField(t *testing.T) {
	env := newEmulated(t, emulator.Options{})
	_, err := env.c.User(t.Context(), env.business, env.business.UserID, []string{"id", "account_type"})
	e, ok := errors.AsType[*instagram.Error](err)
	if !ok {
		t.Fatalf("error %v is not *instagram.Error", err)
	}
	if e.Kind != instagram.InvalidRequest || e.Code != 100 {
		t.Errorf("Kind, Code = %q, %d, want invalid_request, 100", e.Kind, e.Code)
	}
}

func TestEmulatorMe(t *testing.T) {
	env := newEmulated(t, emulator.Options{})
	me, err := env.c.Me(t.Context(), env.creator, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(me.ID) != env.accounts.CreatorAppScopedID {
		t.Errorf("ID = %q, want the app-scoped id %q", me.ID, env.accounts.CreatorAppScopedID)
	}
	if string(me.UserID) != env.accounts.CreatorUserID {
		t.Errorf("UserID = %q, want %q", me.UserID, env.accounts.CreatorUserID)
	}
}

func TestEmulatorPages(t *testing.T) {
	env := newEmulated(t, emulator.Options{})
	pages, err := env.c.Pages(t.Context(), instagram.Credentials{Kind: instagram.KindFacebook, Token: env.business.Token})
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]string{}
	for _, p := range pages {
		if p.AccessToken == "" {
			t.Errorf("page %s has no access token", p.ID)
		}
		if p.InstagramBusinessAccount != nil {
			linked[string(p.ID)] = string(p.InstagramBusinessAccount.ID)
		}
	}
	want := map[string]string{}
	for _, p := range env.accounts.Pages {
		if p.InstagramBusinessAccountID != "" {
			want[p.ID] = p.InstagramBusinessAccountID
		}
	}
	if diff := cmp.Diff(want, linked); diff != "" {
		t.Errorf("linked accounts mismatch (-want +got):\n%s", diff)
	}
}

func TestEmulatorHashtagConstantCursor(t *testing.T) {
	env := newEmulated(t, emulator.Options{})
	id, err := env.c.SearchHashtag(t.Context(), env.business, "pizza")
	if err != nil {
		t.Fatal(err)
	}
	page, err := env.c.HashtagMedia(t.Context(), env.business, id, instagram.EdgeTop, instagram.MaxHashtagPageSize, nil)
	if err != nil {
		t.Fatal(err)
	}

	cursor := page.After
	items := page.Data
	pages := 1
	for page.HasNext() {
		if page, err = env.c.NextMediaPage(t.Context(), env.business, page); err != nil {
			t.Fatalf("NextMediaPage on page %d: %v", pages+1, err)
		}
		pages++
		items = append(items, page.Data...)
		if page.HasNext() && page.After != cursor {
			t.Errorf("page %d: after cursor %q differs from the first page's %q", pages, page.After, cursor)
		}
	}

	if pages < 3 {
		t.Errorf("followed %d pages, want at least 3", pages)
	}
	seen := ids(items)
	slices.Sort(seen)
	if len(slices.Compact(seen)) != len(items) {
		t.Error("hashtag pages repeat media")
	}
	for _, m := range items {
		if m.Username != "" {
			t.Errorf("hashtag media %s has a username", m.ID)
		}
	}
}

func TestEmulatorUsageHeaders(t *testing.T) {
	env := newEmulated(t, emulator.Options{})
	env.e.SetUsage(emulator.Usage{CallCount: 96, TotalCPUTime: 10, TotalTime: 12})
	for _, cred := range []instagram.Credentials{env.creator, env.business} {
		t.Run(string(cred.Kind), func(t *testing.T) {
			if _, err := env.c.User(t.Context(), cred, cred.UserID, []string{"id"}); err != nil {
				t.Fatal(err)
			}
			usage := env.c.Usage(cred)
			if usage.Max() != 96 {
				t.Errorf("Max = %d, want 96; usage %+v", usage.Max(), usage)
			}
			if usage.ObservedAt.IsZero() {
				t.Error("ObservedAt is zero")
			}
		})
	}
}

func TestEmulatorThrottled(t *testing.T) {
	for _, code := range []int{4, 17, 32, 613, 80002} {
		t.Run("code "+strconv.Itoa(code), func(t *testing.T) {
			env := newEmulated(t, emulator.Options{})
			env.e.SetThrottleCode(code)
			env.e.SetUsage(emulator.Usage{CallCount: 100, TotalCPUTime: 100, TotalTime: 100})
			_, err := env.c.ListMedia(t.Context(), env.business, instagram.ListMediaOptions{})
			e, ok := errors.AsType[*instagram.Error](err)
			if !ok {
				t.Fatalf("error %v is not *instagram.Error", err)
			}
			if e.Kind != instagram.RateLimited || e.Code != code {
				t.Errorf("Kind, Code = %q, %d, want rate_limited, %d", e.Kind, e.Code, code)
			}
			if e.RetryAfter <= 0 {
				t.Errorf("RetryAfter = %v, want a positive wait", e.RetryAfter)
			}
		})
	}
}

func TestEmulatorFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault emulator.Fault
		want  instagram.ErrorKind
	}{
		{"server error", emulator.Fault{Endpoint: emulator.EndpointMediaList, Status: 500, Code: 2}, instagram.Transient},
		{"dropped connection", emulator.Fault{Endpoint: emulator.EndpointMediaList, Drop: true}, instagram.Transient},
		{"expired session", emulator.Fault{Endpoint: emulator.EndpointMediaList, Code: 190, Subcode: 463}, instagram.TokenInvalid},
		{"permission", emulator.Fault{Endpoint: emulator.EndpointMediaList, Status: 403, Code: 10}, instagram.Permission},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEmulated(t, emulator.Options{})
			env.e.InjectFault(tt.fault)
			_, err := env.c.ListMedia(t.Context(), env.creator, instagram.ListMediaOptions{})
			e, ok := errors.AsType[*instagram.Error](err)
			if !ok {
				t.Fatalf("error %v is not *instagram.Error", err)
			}
			if e.Kind != tt.want {
				t.Errorf("Kind = %q, want %q (error %v)", e.Kind, tt.want, err)
			}
		})
	}
}

func TestEmulatorRevokedAndDeleted(t *testing.T) {
	env := newEmulated(t, emulator.Options{})
	mediaID := env.e.MediaIDs(env.creator.UserID)[0]
	if err := env.e.DeleteMedia(mediaID); err != nil {
		t.Fatal(err)
	}
	if _, err := env.c.GetMedia(t.Context(), env.creator, mediaID, nil); !instagram.IsNotFound(err) {
		t.Errorf("GetMedia of a deleted media: IsNotFound(%v) = false", err)
	}

	if err := env.e.RevokeToken(env.creator.Token, 460); err != nil {
		t.Fatal(err)
	}
	if _, err := env.c.Me(t.Context(), env.creator, nil); !instagram.IsTokenInvalid(err) {
		t.Errorf("Me with a revoked token: IsTokenInvalid(%v) = false", err)
	}
}

func TestEmulatorIDOnlyChildren(t *testing.T) {
	env := newEmulated(t, emulator.Options{ChildrenIDsOnly: true})
	page, err := env.c.ListMedia(t.Context(), env.creator, instagram.ListMediaOptions{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	incomplete, childIDs := 0, 0
	for _, m := range page.Data {
		if m.ChildrenIncomplete() {
			incomplete++
			childIDs += len(m.IncompleteChildIDs())
		}
	}
	if incomplete == 0 {
		t.Fatal("no album with id-only children in the first 50 media")
	}
	env.e.ResetCalls()
	if err := env.c.CompleteChildren(t.Context(), env.creator, page.Data, nil); err != nil {
		t.Fatalf("CompleteChildren: %v", err)
	}
	for _, m := range page.Data {
		if m.ChildrenIncomplete() {
			t.Errorf("album %s still incomplete", m.ID)
		}
	}
	// Meta accepts 50 ids per lookup.
	if n, want := env.e.Calls(emulator.EndpointIDs), (childIDs+49)/50; n != want {
		t.Errorf("ids lookups = %d for %d children, want %d", n, childIDs, want)
	}
}
