package instagram

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const mediaPath = "GET /graph.facebook.com/v25.0/17841400000000001/media"

func TestTimestampOffsetsConvertedToUTC(t *testing.T) {
	body := `{"data":[
		{"id":"1","timestamp":"2020-03-31T08:00:33+0000"},
		{"id":"2","timestamp":"2021-07-04T17:40:00+0100"},
		{"id":"3","timestamp":"2021-07-04T12:10:00-0530"},
		{"id":"4","timestamp":"2024-05-01T10:00:00+00:00"},
		{"id":"5","timestamp":"2024-05-01T10:00:00.123Z"},
		{"id":"6","timestamp":"2024-05-01T12:00:00.5+0200"}]}`
	c, _ := newTestClient(t, map[string]route{mediaPath: {body: body}})
	page, err := c.ListMedia(t.Context(), facebookCred, ListMediaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{
		utc(2020, 3, 31, 8, 0, 33),
		utc(2021, 7, 4, 16, 40, 0),
		utc(2021, 7, 4, 17, 40, 0),
		utc(2024, 5, 1, 10, 0, 0),
		utc(2024, 5, 1, 10, 0, 0).Add(123 * time.Millisecond),
		utc(2024, 5, 1, 10, 0, 0).Add(500 * time.Millisecond),
	}
	if len(page.Data) != len(want) {
		t.Fatalf("got %d items, want %d", len(page.Data), len(want))
	}
	for i, m := range page.Data {
		got := m.Timestamp
		if !got.Valid {
			t.Errorf("item %s: Valid = false for %q", m.ID, got.Raw)
			continue
		}
		if got.Time.Location() != time.UTC {
			t.Errorf("item %s: location %v, want UTC", m.ID, got.Time.Location())
		}
		if !got.Time.Equal(want[i]) || got.Time.String() != want[i].String() {
			t.Errorf("item %s: time %s, want %s", m.ID, got.Time, want[i])
		}
	}
}

func TestUnparseableTimestampKeepsPage(t *testing.T) {
	body := `{"data":[
		{"id":"17900000000000051","timestamp":"2024-05-01T10:00:00+0000"},
		{"id":"17900000000000052","timestamp":"2024-05-01 10:00"},
		{"id":"17900000000000053","timestamp":"2024-05-01T10:00:00.123Z"}]}`
	c, _ := newTestClient(t, map[string]route{mediaPath: {body: body}})
	page, err := c.ListMedia(t.Context(), facebookCred, ListMediaOptions{})
	if err != nil {
		t.Fatalf("ListMedia: %v", err)
	}
	if len(page.Data) != 3 {
		t.Fatalf("got %d items, want 3", len(page.Data))
	}
	bad := page.Data[1].Timestamp
	if diff := cmp.Diff(Timestamp{Raw: "2024-05-01 10:00"}, bad); diff != "" {
		t.Errorf("unparseable timestamp mismatch (-want +got):\n%s", diff)
	}
	if !page.Data[0].Timestamp.Valid {
		t.Error("first item: Valid = false")
	}
	if !page.Data[2].Timestamp.Valid {
		t.Error("third item: Valid = false")
	}
}

func TestListMediaQuery(t *testing.T) {
	c, fake := newTestClient(t, map[string]route{mediaPath: {file: "media_page2.json"}})
	opts := ListMediaOptions{Limit: 30, Since: utc(2024, 3, 1, 0, 0, 0), Until: utc(2024, 3, 31, 23, 59, 59)}
	if _, err := c.ListMedia(t.Context(), facebookCred, opts); err != nil {
		t.Fatal(err)
	}
	requests := fake.recorded()
	if len(requests) != 1 {
		t.Fatalf("got %d requests, want 1", len(requests))
	}

	raw := requests[0].RawQuery
	// Meta requires field expansion braces and commas percent-encoded.
	wantFields := "fields=id%2Ccaption%2Cmedia_type%2Cmedia_product_type%2Cmedia_url%2Cthumbnail_url%2Cpermalink%2Cshortcode%2Ctimestamp%2Cusername%2Clike_count%2Ccomments_count%2Cis_shared_to_feed%2Cchildren%7Bid%2Cmedia_type%2Cmedia_url%2Cthumbnail_url%2Ctimestamp%7D"
	if !strings.Contains(raw, wantFields) {
		t.Errorf("query %q does not contain %q", raw, wantFields)
	}
	if strings.ContainsAny(raw, "{},") {
		t.Errorf("query %q contains an unencoded brace or comma", raw)
	}

	query, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"limit":        "30",
		"since":        "1709251200",
		"until":        "1711929599",
		"access_token": facebookCred.Token,
	}
	for name, value := range want {
		if got := query.Get(name); got != value {
			t.Errorf("%s = %q, want %q", name, got, value)
		}
	}
}

func TestListMediaPath(t *testing.T) {
	tests := []struct {
		name string
		cred Credentials
		path string
	}{
		{"facebook account id", facebookCred, "/graph.facebook.com/v25.0/17841400000000001/media"},
		{"instagram account id", instagramCred, "/graph.instagram.com/v25.0/17841400000000002/media"},
		{"instagram without id", Credentials{Kind: KindInstagram, Token: "IGAA_TEST_TOKEN"}, "/graph.instagram.com/v25.0/me/media"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake := newTestClient(t, map[string]route{"GET " + tt.path: {body: `{"data":[]}`}})
			page, err := c.ListMedia(t.Context(), tt.cred, ListMediaOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if page.Data == nil || len(page.Data) != 0 {
				t.Errorf("Data = %#v, want an empty slice", page.Data)
			}
			if got := fake.recorded()[0].Path; got != tt.path {
				t.Errorf("path = %q, want %q", got, tt.path)
			}
		})
	}
}

func TestListMediaRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		cred Credentials
		opts ListMediaOptions
		want string
	}{
		{"negative limit", facebookCred, ListMediaOptions{Limit: -1}, "invalid limit -1"},
		{"until before since", facebookCred, ListMediaOptions{Since: utc(2024, 3, 2, 0, 0, 0), Until: utc(2024, 3, 1, 0, 0, 0)}, "is not after since"},
		{"bad field", facebookCred, ListMediaOptions{Fields: []string{"id", "media url"}}, `invalid field "media url"`},
		{"empty field", facebookCred, ListMediaOptions{Fields: []string{""}}, `invalid field ""`},
		{"path in user id", Credentials{Kind: KindFacebook, Token: "t", UserID: "1/../2"}, ListMediaOptions{}, "invalid Instagram user id"},
		{"facebook without user id", Credentials{Kind: KindFacebook, Token: "t"}, ListMediaOptions{}, "missing Instagram user id"},
		{"unknown kind", Credentials{Kind: "myspace", Token: "t", UserID: "1"}, ListMediaOptions{}, `invalid login kind "myspace"`},
		{"missing token", Credentials{Kind: KindFacebook, UserID: "1"}, ListMediaOptions{}, "missing access token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake := newTestClient(t, nil)
			_, err := c.ListMedia(t.Context(), tt.cred, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
			if n := len(fake.recorded()); n != 0 {
				t.Errorf("sent %d requests, want none", n)
			}
		})
	}
}

func TestNextMediaPageFollowsLink(t *testing.T) {
	c, fake := newTestClient(t, map[string]route{
		mediaPath:                           {file: "media_page1.json"},
		mediaPath + "?after=AFTER_CURSOR_1": {file: "media_page2.json"},
	})
	cred := facebookCred
	first, err := c.ListMedia(t.Context(), cred, ListMediaOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	cred.Token = "EAA_REFRESHED_TOKEN"
	second, err := c.NextMediaPage(t.Context(), cred, first)
	if err != nil {
		t.Fatalf("NextMediaPage: %v", err)
	}
	if got := []ID{second.Data[0].ID, second.Data[1].ID}; !cmp.Equal(got, []ID{"17900000000000003", "17900000000000004"}) {
		t.Errorf("second page ids = %v", got)
	}
	if second.Number() != 2 {
		t.Errorf("Number = %d, want 2", second.Number())
	}
	if second.HasNext() {
		t.Error("HasNext = true on the last page")
	}
	if _, err := c.NextMediaPage(t.Context(), cred, second); !errors.Is(err, ErrNoNextPage) {
		t.Errorf("NextMediaPage after the last page: error = %v, want ErrNoNextPage", err)
	}

	query, _ := url.ParseQuery(fake.recorded()[1].RawQuery)
	if got := query.Get("access_token"); got != "EAA_REFRESHED_TOKEN" {
		t.Errorf("next request token = %q, want the caller's current token", got)
	}
	if got := query.Get("fields"); !strings.Contains(got, "children{id,media_type") {
		t.Errorf("next request fields = %q, want the link's fields", got)
	}
	if n := len(fake.recorded()); n != 2 {
		t.Errorf("sent %d requests, want 2", n)
	}
}

func TestPageLinkNotPrinted(t *testing.T) {
	c, _ := newTestClient(t, map[string]route{mediaPath: {file: "media_page1.json"}})
	page, err := c.ListMedia(t.Context(), facebookCred, ListMediaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v"} {
		if text := fmt.Sprintf(format, page); strings.Contains(text, "TOKEN_IN_NEXT_LINK") || strings.Contains(text, "after=") {
			t.Errorf("%s of a page prints its paging link: %s", format, text)
		}
	}
}

func TestMaxPagesStopsListing(t *testing.T) {
	fake := newFakeMeta(t, map[string]route{mediaPath: {file: "hashtag_top_p1.json"}})
	cfg := fake.config()
	cfg.MaxPages = 1
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ListMedia(t.Context(), facebookCred, ListMediaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if page.HasNext() {
		t.Error("HasNext = true after MaxPages pages")
	}
	if !page.PageLimitReached() {
		t.Error("PageLimitReached = false, want true")
	}
	if _, err := c.NextMediaPage(t.Context(), facebookCred, page); !errors.Is(err, ErrNoNextPage) {
		t.Errorf("NextMediaPage: error = %v, want ErrNoNextPage", err)
	}
}

func TestPagingLinkOutsideBaseRejected(t *testing.T) {
	tests := []struct {
		name string
		next string
	}{
		{"other host", "https://graph.facebook.com/v25.0/17841400000000001/media?access_token=X&after=A"},
		{"other prefix", "{{base}}/../graph.instagram.com/v25.0/17841400000000001/media?access_token=X&after=A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"data":[],"paging":{"next":"` + tt.next + `"}}`
			c, fake := newTestClient(t, map[string]route{mediaPath: {body: body}})
			page, err := c.ListMedia(t.Context(), facebookCred, ListMediaOptions{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.NextMediaPage(t.Context(), facebookCred, page)
			if err == nil {
				t.Fatal("NextMediaPage followed a link outside the base URL")
			}
			if strings.Contains(err.Error(), "access_token=X") {
				t.Errorf("error %q contains the link's token", err)
			}
			if n := len(fake.recorded()); n != 1 {
				t.Errorf("sent %d requests, want 1", n)
			}
		})
	}
}

func TestChildrenIncomplete(t *testing.T) {
	full := Media{ID: "11", MediaType: "IMAGE", MediaURL: "https://scontent.cdninstagram.com/a.jpg"}
	withheld := Media{ID: "12", MediaType: "VIDEO"}
	tests := []struct {
		name    string
		media   Media
		want    bool
		wantIDs []ID
	}{
		{"image", Media{ID: "1", MediaType: "IMAGE"}, false, nil},
		{"album with full children", Media{ID: "2", MediaType: MediaTypeAlbum, Children: &MediaList{Data: []Media{full}}}, false, nil},
		{"album with withheld child file", Media{ID: "3", MediaType: MediaTypeAlbum, Children: &MediaList{Data: []Media{withheld}}}, false, nil},
		{"album with id-only children", Media{ID: "4", MediaType: MediaTypeAlbum, Children: &MediaList{Data: []Media{full, {ID: "13"}}}}, true, []ID{"13"}},
		{"album without children member", Media{ID: "5", MediaType: MediaTypeAlbum}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.media.ChildrenIncomplete(); got != tt.want {
				t.Errorf("ChildrenIncomplete = %v, want %v", got, tt.want)
			}
			if diff := cmp.Diff(tt.wantIDs, tt.media.IncompleteChildIDs()); diff != "" {
				t.Errorf("IncompleteChildIDs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompleteChildrenOneLookup(t *testing.T) {
	c, fake := newTestClient(t, map[string]route{
		mediaPath:                        {file: "media_reels.json"},
		"GET /graph.facebook.com/v25.0/": {file: "media_by_ids.json"},
	})
	page, err := c.ListMedia(t.Context(), facebookCred, ListMediaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	album := page.Data[2]
	if !album.ChildrenIncomplete() {
		t.Fatal("album with id-only children: ChildrenIncomplete = false")
	}
	if err := c.CompleteChildren(t.Context(), facebookCred, page.Data, nil); err != nil {
		t.Fatalf("CompleteChildren: %v", err)
	}
	if page.Data[2].ChildrenIncomplete() {
		t.Error("album still incomplete after CompleteChildren")
	}
	var types []string
	for _, child := range page.Data[2].Children.Data {
		types = append(types, child.MediaType)
	}
	if diff := cmp.Diff([]string{"IMAGE", "VIDEO"}, types); diff != "" {
		t.Errorf("child media types mismatch (-want +got):\n%s", diff)
	}

	requests := fake.recorded()
	if len(requests) != 2 {
		t.Fatalf("sent %d requests, want 2 (the page and one ids lookup)", len(requests))
	}
	query, _ := url.ParseQuery(requests[1].RawQuery)
	if got := query.Get("ids"); got != "17900000000000031,17900000000000032" {
		t.Errorf("ids = %q, want both children in one lookup", got)
	}
	if !strings.Contains(requests[1].RawQuery, "ids=17900000000000031%2C17900000000000032") {
		t.Errorf("query %q does not percent-encode the ids comma", requests[1].RawQuery)
	}
}

func TestCompleteChildrenWithoutMember(t *testing.T) {
	c, fake := newTestClient(t, map[string]route{
		"GET /graph.instagram.com/v25.0/17900000000000003/children": {file: "children_full.json"},
	})
	items := []Media{{ID: "17900000000000003", MediaType: MediaTypeAlbum}, {ID: "17900000000000004", MediaType: "IMAGE"}}
	if err := c.CompleteChildren(t.Context(), instagramCred, items, nil); err != nil {
		t.Fatalf("CompleteChildren: %v", err)
	}
	if items[0].Children == nil || len(items[0].Children.Data) != 2 {
		t.Fatalf("children = %#v, want the 2 children of the edge", items[0].Children)
	}
	if n := len(fake.recorded()); n != 1 {
		t.Errorf("sent %d requests, want 1", n)
	}
}

func TestMediaByIDsChunks(t *testing.T) {
	c, fake := newTestClient(t, map[string]route{"GET /graph.facebook.com/v25.0/": {body: `{}`}})
	ids := make([]ID, 0, 121)
	for i := range 120 {
		ids = append(ids, ID(strconv.Itoa(17900000000000000+i)))
	}
	ids = append(ids, ids[0]) // a repeated id is sent once
	if _, err := c.MediaByIDs(t.Context(), facebookCred, ids, []string{"id"}); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, r := range fake.recorded() {
		query, _ := url.ParseQuery(r.RawQuery)
		sizes = append(sizes, len(strings.Split(query.Get("ids"), ",")))
	}
	if diff := cmp.Diff([]int{50, 50, 20}, sizes); diff != "" {
		t.Errorf("ids per request mismatch (-want +got):\n%s", diff)
	}
}
