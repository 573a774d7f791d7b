package source

import (
	"strings"
	"time"
)

// Media is a post as igsource returns it over GraphQL, REST and feeds. Every URL points at
// igsource's local copy, never at Instagram's CDN.
type Media struct {
	ID            string    `json:"id"`
	Type          string    `json:"type"`        // ALBUM, IMAGE or VIDEO
	ProductType   *string   `json:"productType"` // FEED, REELS, STORY, AD or a newer value Meta sends; nil when Meta sends none
	URL           *string   `json:"url"`         // nil when Meta withholds the file
	ThumbnailURL  *string   `json:"thumbnailUrl"`
	Caption       string    `json:"caption"` // "" when the post has none
	Permalink     *string   `json:"permalink"`
	Timestamp     *string   `json:"timestamp"` // UTC, "2017-08-31T18:10:00Z"; nil when Meta's value is missing or unparseable
	Username      *string   `json:"username"`  // nil for hashtag media
	HashtagList   []Hashtag `json:"hashtagList"`
	Children      []Media   `json:"children"`
	CommentsCount *int      `json:"commentsCount"`
	LikeCount     *int      `json:"likeCount"`

	// CreatedAt is Timestamp parsed; zero when Timestamp is nil. Date windows use it.
	CreatedAt time.Time `json:"-"`
}

// Hashtag is one hashtag of a caption. Name is the tag as first written; ID is its case-folded
// NFC form, the key that removes duplicates.
type Hashtag struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DefaultHashtagSeparator joins Hashtags when no separator is given.
const DefaultHashtagSeparator = ", "

// Hashtags returns the hashtag names joined with sep.
func (m *Media) Hashtags(sep string) string {
	names := make([]string, len(m.HashtagList))
	for i, h := range m.HashtagList {
		names[i] = h.Name
	}
	return strings.Join(names, sep)
}

// User is the profile of an instance's account.
type User struct {
	ID             string  `json:"id"`
	Username       string  `json:"username"`
	Name           string  `json:"name"`
	Website        string  `json:"website"`
	Biography      string  `json:"biography"`
	PictureURL     *string `json:"pictureUrl"`
	FollowersCount *int    `json:"followersCount"`
	FollowsCount   *int    `json:"followsCount"`
	MediaCount     *int    `json:"mediaCount"`
}

// Meta describes where a result came from.
type Meta struct {
	Cached    bool      `json:"cached"`    // served from the cache, fresh or stale, not read from Instagram by this request
	Stale     bool      `json:"stale"`     // the refresh failed or was held back, and this is the last good result
	FetchedAt time.Time `json:"fetchedAt"` // when the data was read from Instagram

	// Key names the cache entry of the result and MaxAge the freshness that the request
	// demanded, so that Service.Current can later tell whether the result still stands.
	// Responses leave them out.
	Key    string        `json:"-"`
	MaxAge time.Duration `json:"-"`
}

// MediaResult is the result of a media list query.
type MediaResult struct {
	Media []Media
	Meta  Meta
}

// SingleResult is the result of a single media query.
type SingleResult struct {
	Media *Media
	Meta  Meta
}

// UserResult is the result of a user query.
type UserResult struct {
	User *User
	Meta Meta
}
