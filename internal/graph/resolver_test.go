package graph_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/graph"
	"github.com/igsource/igsource/internal/source"
)

func TestEveryFieldResolves(t *testing.T) {
	srv := newServer(t, newFake(), graph.Options{})
	resp := srv.query(t, string(readFixture(t, "all_fields.graphql")), nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("query returned errors: %+v", resp.Errors)
	}
	// Values are compared decoded, because gqlgen writes <, > and & as \u003c, \u003e and \u0026.
	want := decode(t, readFixture(t, "all_fields.json"))
	if diff := cmp.Diff(want, decode(t, resp.Data)); diff != "" {
		t.Errorf("data mismatch (-want +got):\n%s", diff)
	}
}

func TestDefaultsApplied(t *testing.T) {
	fake := newFake()
	srv := newServer(t, fake, graph.Options{})

	resp := srv.query(t, `{ instance(name: "Instagram") {
		media { id }
		mediaSingle(id: "1") { id }
		hashtaggedMedia(hashtag: "summer") { id }
		user { id }
	} }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("query returned errors: %+v", resp.Errors)
	}

	wantMedia := []source.MediaSettings{{Type: "ALL", Amount: ptr(20), Offset: ptr(0)}}
	if diff := cmp.Diff(wantMedia, fake.mediaCalls); diff != "" {
		t.Errorf("media settings mismatch (-want +got):\n%s", diff)
	}
	wantSingle := []source.SingleSettings{{ID: "1"}}
	if diff := cmp.Diff(wantSingle, fake.singleCalls); diff != "" {
		t.Errorf("single settings mismatch (-want +got):\n%s", diff)
	}
	wantHashtag := []source.HashtagSettings{{Hashtag: "summer", Edge: "TOP", Amount: ptr(20)}}
	if diff := cmp.Diff(wantHashtag, fake.hashtagCalls); diff != "" {
		t.Errorf("hashtag settings mismatch (-want +got):\n%s", diff)
	}
	wantUser := []source.UserSettings{{}}
	if diff := cmp.Diff(wantUser, fake.userCalls); diff != "" {
		t.Errorf("user settings mismatch (-want +got):\n%s", diff)
	}
}

func TestArgumentsPassed(t *testing.T) {
	fake := newFake()
	srv := newServer(t, fake, graph.Options{})

	resp := srv.query(t, `query($since: DateTime, $amount: Int) { instance(name: "Instagram") {
		media(type: VIDEO, amount: $amount, offset: 5, since: $since, until: "2024-06-01T00:00:00+02:00", cache: 0) { id }
		mediaSingle(id: "1", cache: 30) { id }
		hashtaggedMedia(hashtag: "#été", edge: RECENT, amount: 50, cache: 60) { id }
		user(cache: 120) { id }
	} }`, map[string]any{"since": "2024-05-01T00:00:00Z", "amount": 5})
	if len(resp.Errors) > 0 {
		t.Fatalf("query returned errors: %+v", resp.Errors)
	}

	wantMedia := []source.MediaSettings{{
		Type:   "VIDEO",
		Amount: ptr(5),
		Offset: ptr(5),
		Cache:  ptr(0),
		Since:  ptr(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)),
		Until:  ptr(time.Date(2024, 5, 31, 22, 0, 0, 0, time.UTC)),
	}}
	if diff := cmp.Diff(wantMedia, fake.mediaCalls); diff != "" {
		t.Errorf("media settings mismatch (-want +got):\n%s", diff)
	}
	wantSingle := []source.SingleSettings{{ID: "1", Cache: ptr(30)}}
	if diff := cmp.Diff(wantSingle, fake.singleCalls); diff != "" {
		t.Errorf("single settings mismatch (-want +got):\n%s", diff)
	}
	wantHashtag := []source.HashtagSettings{{Hashtag: "#été", Edge: "RECENT", Amount: ptr(50), Cache: ptr(60)}}
	if diff := cmp.Diff(wantHashtag, fake.hashtagCalls); diff != "" {
		t.Errorf("hashtag settings mismatch (-want +got):\n%s", diff)
	}
	wantUser := []source.UserSettings{{Cache: ptr(120)}}
	if diff := cmp.Diff(wantUser, fake.userCalls); diff != "" {
		t.Errorf("user settings mismatch (-want +got):\n%s", diff)
	}
}

func TestResultsExtension(t *testing.T) {
	fake := newFake()
	fake.media.Meta = source.Meta{Cached: true, FetchedAt: fetchedAt}
	fake.user.Meta = source.Meta{Stale: true, FetchedAt: fetchedAt.In(time.FixedZone("CET", 3600))}
	srv := newServer(t, fake, graph.Options{})

	resp := srv.query(t, `{ instance(name: "Instagram") {
		recent: media(amount: 3) { id }
		user { id }
		name
	} }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("query returned errors: %+v", resp.Errors)
	}

	want := map[string]any{"igsource": map[string]any{"results": []any{
		map[string]any{"path": "instance.recent", "cached": true, "stale": false, "fetchedAt": "2026-03-01T12:00:00Z"},
		map[string]any{"path": "instance.user", "cached": false, "stale": true, "fetchedAt": "2026-03-01T12:00:00Z"},
	}}}
	if diff := cmp.Diff(want, resp.Extensions); diff != "" {
		t.Errorf("extensions mismatch (-want +got):\n%s", diff)
	}
}

func TestResultsExtensionListPath(t *testing.T) {
	srv := newServer(t, newFake(), graph.Options{})

	resp := srv.query(t, `{ instances { media { id } } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("query returned errors: %+v", resp.Errors)
	}

	want := map[string]any{"igsource": map[string]any{"results": []any{
		map[string]any{"path": "instances[0].media", "cached": false, "stale": false, "fetchedAt": "2026-03-01T12:00:00Z"},
	}}}
	if diff := cmp.Diff(want, resp.Extensions); diff != "" {
		t.Errorf("extensions mismatch (-want +got):\n%s", diff)
	}
}

func TestNoResultsExtensionWithoutContent(t *testing.T) {
	srv := newServer(t, newFake(), graph.Options{})

	resp := srv.query(t, `{ instances { name } }`, nil)
	if _, ok := resp.Extensions["igsource"]; ok {
		t.Errorf("extensions = %v, want no igsource entry for a query without content", resp.Extensions)
	}
}

func TestGETTransport(t *testing.T) {
	srv := newServer(t, newFake(), graph.Options{})

	resp := srv.get(t, `{ instances { name } }`)
	if diff := cmp.Diff(`{"instances":[{"name":"Instagram"}]}`, string(resp.Data)); diff != "" {
		t.Errorf("data mismatch (-want +got):\n%s", diff)
	}
}
