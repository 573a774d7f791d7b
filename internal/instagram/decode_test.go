package instagram

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pageSummary is the exported view of a MediaPage that the fixture tests compare.
type pageSummary struct {
	Data    []Media
	Before  string
	After   string
	HasNext bool
}

func summarize(p *MediaPage, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return pageSummary{Data: p.Data, Before: p.Before, After: p.After, HasNext: p.HasNext()}, nil
}

const (
	cdnImage1   = "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/image_1.jpg?_nc_cat=1&ccb=1-5&_nc_sid=8ae9d6&_nc_ohc=placeholder&_nc_ht=scontent-ams2-1.cdninstagram.com&edm=placeholder&oh=00_placeholder&oe=650CEAF2"
	cdnChild1   = "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/child_1.jpg?oh=00_placeholder&oe=650CEAF2"
	cdnChild2   = "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/child_2.jpg?oh=00_placeholder&oe=650CEAF2"
	cdnChild3   = "https://video-ams2-1.cdninstagram.com/v/t50.2886-16/child_3.mp4?_nc_cat=1&vs=placeholder&oh=00_placeholder&oe=650CEAF2"
	cdnChild3S  = "https://video-ams2-1.cdninstagram.com/v/t50.2886-16/child_3.mp4?oh=00_placeholder&oe=650CEAF2"
	cdnChild3TN = "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/child_3.jpg?oh=00_placeholder&oe=650CEAF2"
)

var albumTime = ts("2021-08-10T10:00:00+0000", utc(2021, 8, 10, 10, 0, 0))

func TestDecodeFixtures(t *testing.T) {
	tests := []struct {
		name   string
		routes map[string]route
		call   func(ctx context.Context, c *Client) (any, error)
		want   any
	}{
		{
			name:   "user profile on facebook host",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/17841400000000001": {file: "user_facebook.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.User(ctx, facebookCred, "17841400000000001", nil)
			},
			want: &User{
				ID: "17841400000000001", Username: "placeholder_brand", Name: "Placeholder Brand",
				Biography:         "Placeholder biography",
				ProfilePictureURL: "https://scontent-ams2-1.xx.fbcdn.net/v/t51.2885-15/profile_1.jpg?_nc_cat=1&ccb=1-5&_nc_sid=86c713&_nc_ohc=placeholder&_nc_ht=scontent-ams2-1.xx&oh=00_placeholder&oe=650CEAF2",
				FollowersCount:    ptr(1520), MediaCount: ptr(318),
			},
		},
		{
			name:   "me on instagram host flat",
			routes: map[string]route{"GET /graph.instagram.com/v25.0/me": {file: "me_instagram.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Me(ctx, instagramCred, nil)
			},
			want: &User{
				ID: "27000000000000001", UserID: "17841400000000002", Username: "placeholder_creator",
				Name: "Placeholder Creator", AccountType: "BUSINESS",
				ProfilePictureURL: "https://scontent-ams2-1.cdninstagram.com/v/t51.2885-19/profile_2.jpg?_nc_cat=1&oh=00_placeholder&oe=650CEAF2",
				FollowersCount:    ptr(240), FollowsCount: ptr(12), MediaCount: ptr(57),
				Biography: "Placeholder bio", Website: "https://example.com/",
			},
		},
		{
			name:   "me on instagram host wrapped",
			routes: map[string]route{"GET /graph.instagram.com/v25.0/me": {file: "me_instagram_wrapped.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Me(ctx, instagramCred, []string{"user_id", "username"})
			},
			want: &User{UserID: "17841400000000002", Username: "placeholder_creator"},
		},
		{
			name:   "media first page with next",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/17841400000000001/media": {file: "media_page1.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return summarize(c.ListMedia(ctx, facebookCred, ListMediaOptions{Limit: 2}))
			},
			want: pageSummary{
				Data: []Media{
					{
						ID: "17900000000000001", CommentsCount: ptr(3), LikeCount: ptr(41), MediaType: "IMAGE",
						MediaURL: cdnImage1, Permalink: "https://www.instagram.com/p/PLACEHOLDER1/",
						Timestamp: ts("2021-08-13T08:25:28+0000", utc(2021, 8, 13, 8, 25, 28)),
					},
					{
						ID: "17900000000000002", Caption: ptr("Second post #placeholder"), CommentsCount: ptr(0),
						LikeCount: ptr(7), MediaType: "IMAGE",
						MediaURL:  "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/image_2.jpg?_nc_cat=1&oh=00_placeholder&oe=650CEAF2",
						Permalink: "https://www.instagram.com/p/PLACEHOLDER2/",
						Timestamp: ts("2021-08-12T19:02:11+0000", utc(2021, 8, 12, 19, 2, 11)),
					},
				},
				Before: "BEFORE_CURSOR_1", After: "AFTER_CURSOR_1", HasNext: true,
			},
		},
		{
			name:   "media last page with album",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/17841400000000001/media": {file: "media_page2.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return summarize(c.ListMedia(ctx, facebookCred, ListMediaOptions{}))
			},
			want: pageSummary{
				Data: []Media{
					{
						ID: "17900000000000003", Caption: ptr("Album"), CommentsCount: ptr(0), LikeCount: ptr(1),
						MediaType: "CAROUSEL_ALBUM", MediaURL: cdnChild1,
						Permalink: "https://www.instagram.com/p/ALBUM1/", Timestamp: albumTime,
						Children: &MediaList{Data: []Media{
							{ID: "17900000000000011", MediaType: "IMAGE", MediaURL: cdnChild1, Permalink: "https://www.instagram.com/p/CHILD1/", Shortcode: "CHILD1", Timestamp: albumTime},
							{ID: "17900000000000012", MediaType: "IMAGE", MediaURL: cdnChild2, Permalink: "https://www.instagram.com/p/CHILD2/", Shortcode: "CHILD2", Timestamp: albumTime},
							{ID: "17900000000000013", MediaType: "VIDEO", MediaURL: cdnChild3, ThumbnailURL: cdnChild3TN, Permalink: "https://www.instagram.com/p/CHILD3/", Shortcode: "CHILD3", Timestamp: albumTime},
						}},
					},
					{
						ID: "17900000000000004", Caption: ptr("Last"), CommentsCount: ptr(0), LikeCount: ptr(1),
						MediaType: "IMAGE", MediaURL: "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/image_4.jpg?oh=00_placeholder&oe=650CEAF2",
						Permalink: "https://www.instagram.com/p/PLACEHOLDER4/",
						Timestamp: ts("2021-08-01T09:30:00+0000", utc(2021, 8, 1, 9, 30, 0)),
					},
				},
				Before: "BEFORE_CURSOR_2", After: "AFTER_CURSOR_2", HasNext: false,
			},
		},
		{
			name:   "single album node",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/17900000000000003": {file: "media_album.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetMedia(ctx, facebookCred, "17900000000000003", nil)
			},
			want: &Media{
				ID: "17900000000000003", Caption: ptr("Album"), CommentsCount: ptr(0), LikeCount: ptr(1),
				MediaType: "CAROUSEL_ALBUM", MediaURL: cdnChild1,
				Permalink: "https://www.instagram.com/p/ALBUM1/", Timestamp: albumTime,
				Children: &MediaList{Data: []Media{
					{ID: "17900000000000011", MediaType: "IMAGE", MediaURL: cdnChild1, Permalink: "https://www.instagram.com/p/CHILD1/", Shortcode: "CHILD1", Timestamp: albumTime},
					{ID: "17900000000000013", MediaType: "VIDEO", MediaURL: cdnChild3S, ThumbnailURL: cdnChild3TN, Permalink: "https://www.instagram.com/p/CHILD3/", Shortcode: "CHILD3", Timestamp: albumTime},
				}},
			},
		},
		{
			name:   "children edge with fields",
			routes: map[string]route{"GET /graph.instagram.com/v25.0/17900000000000003/children": {file: "children_full.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Children(ctx, instagramCred, "17900000000000003", nil)
			},
			want: []Media{
				{ID: "17900000000000011", MediaType: "IMAGE", MediaURL: cdnChild1, Permalink: "https://www.instagram.com/p/CHILD1/", Shortcode: "CHILD1", Timestamp: albumTime},
				{ID: "17900000000000012", MediaType: "IMAGE", MediaURL: cdnChild2, Permalink: "https://www.instagram.com/p/CHILD2/", Shortcode: "CHILD2", Timestamp: albumTime},
			},
		},
		{
			name:   "children edge ids only",
			routes: map[string]route{"GET /graph.instagram.com/v25.0/17900000000000003/children": {file: "children_ids.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Children(ctx, instagramCred, "17900000000000003", []string{"id"})
			},
			want: []Media{{ID: "17900000000000011"}, {ID: "17900000000000012"}},
		},
		{
			name:   "reels and album with bare children",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/17841400000000001/media": {file: "media_reels.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return summarize(c.ListMedia(ctx, facebookCred, ListMediaOptions{}))
			},
			want: pageSummary{
				Data: []Media{
					{
						ID: "17900000000000021", Caption: ptr("Reel caption"), CommentsCount: ptr(2), LikeCount: ptr(12),
						MediaType: "VIDEO", MediaProductType: "REELS",
						MediaURL:     "https://video-ams2-1.cdninstagram.com/v/t50.2886-16/reel_1.mp4?oh=00_placeholder&oe=650CEAF2",
						ThumbnailURL: "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/reel_1.jpg?oh=00_placeholder&oe=650CEAF2",
						Permalink:    "https://www.instagram.com/reel/REEL1/", Shortcode: "REEL1",
						Timestamp: ts("2023-06-12T19:20:02+0000", utc(2023, 6, 12, 19, 20, 2)),
						Username:  "placeholder_brand", IsSharedToFeed: ptr(false),
					},
					{
						ID: "17900000000000022", Caption: ptr("Feed video"), CommentsCount: ptr(0),
						MediaType: "VIDEO", MediaProductType: "FEED",
						MediaURL:     "https://video-ams2-1.cdninstagram.com/v/t50.2886-16/video_2.mp4?oh=00_placeholder&oe=650CEAF2",
						ThumbnailURL: "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/video_2.jpg?oh=00_placeholder&oe=650CEAF2",
						Permalink:    "https://www.instagram.com/p/VIDEO2/", Shortcode: "VIDEO2",
						Timestamp: ts("2023-06-10T08:00:00+0000", utc(2023, 6, 10, 8, 0, 0)),
						Username:  "placeholder_brand",
					},
					{
						ID: "17900000000000023", Caption: ptr("Album with bare children"), CommentsCount: ptr(1),
						MediaType: "CAROUSEL_ALBUM", MediaProductType: "FEED",
						MediaURL:  "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/album_3.jpg?oh=00_placeholder&oe=650CEAF2",
						Children:  &MediaList{Data: []Media{{ID: "17900000000000031"}, {ID: "17900000000000032"}}},
						Permalink: "https://www.instagram.com/p/ALBUM3/", Shortcode: "ALBUM3",
						Timestamp: ts("2023-06-01T12:00:00+0000", utc(2023, 6, 1, 12, 0, 0)),
						Username:  "placeholder_brand",
					},
				},
				Before: "BEFORE_CURSOR_R",
			},
		},
		{
			name:   "hashtag search",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/ig_hashtag_search": {file: "hashtag_search.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SearchHashtag(ctx, facebookCred, "placeholder")
			},
			want: ID("17843000000000001"),
		},
		{
			name:   "hashtag top media first page",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/17843000000000001/top_media": {file: "hashtag_top_p1.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return summarize(c.HashtagMedia(ctx, facebookCred, "17843000000000001", EdgeTop, 1, nil))
			},
			want: pageSummary{
				Data: []Media{{
					ID: "17900000000000041", Caption: ptr("Top post #placeholder"), CommentsCount: ptr(4), LikeCount: ptr(90),
					MediaType: "IMAGE", MediaURL: "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/top_1.jpg?oh=00_placeholder&oe=650CEAF2",
					Permalink: "https://www.instagram.com/p/TOP1/",
					Timestamp: ts("2024-05-01T10:00:00+0000", utc(2024, 5, 1, 10, 0, 0)),
				}},
				After: "CONSTANT_HASHTAG_CURSOR", HasNext: true,
			},
		},
		{
			name:   "media by ids",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/": {file: "media_by_ids.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.MediaByIDs(ctx, facebookCred, []ID{"17900000000000031", "17900000000000032"}, nil)
			},
			want: map[ID]Media{
				"17900000000000031": {
					ID: "17900000000000031", MediaType: "IMAGE",
					MediaURL:  "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/child_31.jpg?oh=00_placeholder&oe=650CEAF2",
					Timestamp: ts("2023-06-01T12:00:00+0000", utc(2023, 6, 1, 12, 0, 0)),
				},
				"17900000000000032": {
					ID: "17900000000000032", MediaType: "VIDEO",
					MediaURL:     "https://video-ams2-1.cdninstagram.com/v/t50.2886-16/child_32.mp4?oh=00_placeholder&oe=650CEAF2",
					ThumbnailURL: "https://scontent-ams2-1.cdninstagram.com/v/t51.29350-15/child_32.jpg?oh=00_placeholder&oe=650CEAF2",
					Timestamp:    ts("2023-06-01T12:00:00+0000", utc(2023, 6, 1, 12, 0, 0)),
				},
			},
		},
		{
			name:   "pages with and without instagram account",
			routes: map[string]route{"GET /graph.facebook.com/v25.0/me/accounts": {file: "pages.json"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Pages(ctx, Credentials{Kind: KindFacebook, Token: "EAA_USER_TOKEN"})
			},
			want: []Page{
				{
					ID: "100000000000001", Name: "Placeholder Page", AccessToken: "PAGE_TOKEN_PLACEHOLDER_1",
					Tasks:                    []string{"ANALYZE", "ADVERTISE", "MESSAGING", "MODERATE", "CREATE_CONTENT", "MANAGE"},
					InstagramBusinessAccount: &NodeIDOnly{ID: "17841400000000001"},
				},
				{
					ID: "100000000000002", Name: "Page Without Instagram", AccessToken: "PAGE_TOKEN_PLACEHOLDER_2",
					Tasks: []string{"PROFILE_PLUS_ANALYZE"},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, tt.routes)
			got, err := tt.call(t.Context(), c)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decoded value mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
