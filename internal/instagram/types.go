package instagram

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// Kind names the Meta host family that issued a token. Instagram Login tokens work only on
// graph.instagram.com and Facebook Login tokens only on graph.facebook.com; the wrong pairing
// fails with code 190 "Cannot parse access token".
type Kind string

// The two login kinds.
const (
	KindInstagram Kind = "instagram"
	KindFacebook  Kind = "facebook"
)

// Credentials select the host and token of a call. UserID is the Instagram professional
// account id (17841…), the node that /media and hashtag calls read.
type Credentials struct {
	Kind   Kind
	Token  string
	UserID string
}

// String hides the token, so that printing credentials never reveals it.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{Kind: %s, Token: REDACTED, UserID: %s}", c.Kind, c.UserID)
}

// GoString hides the token from %#v.
func (c Credentials) GoString() string { return c.String() }

// LogValue hides the token from slog.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kind", string(c.Kind)), slog.String("user_id", c.UserID))
}

// ID is a Graph API id. Meta sends ids as JSON strings, but the code exchange sends user_id
// as a bare 17-digit number, which float64 would round; ID keeps the digits exactly.
type ID string

// UnmarshalJSON accepts a JSON string or number.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*id = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("decode id %s: %w", b, err)
		}
		*id = ID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("decode id %s: %w", b, err)
	}
	*id = ID(n.String())
	return nil
}

// Timestamp is a Graph API time. Meta sends "2017-08-31T18:10:00+0000", which time.RFC3339
// rejects; Timestamp also accepts "+00:00" and "Z" offsets and fractional seconds. A value
// that does not parse keeps its raw text with Valid false instead of failing the whole
// response, so that one bad item never drops a page.
type Timestamp struct {
	Raw   string
	Time  time.Time // UTC; zero unless Valid
	Valid bool
}

// timestampLayouts are tried in order; the first is Meta's wire format.
var timestampLayouts = []string{
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05.999999999-0700",
	time.RFC3339Nano,
}

// ParseTimestamp parses a Graph API time string.
func ParseTimestamp(s string) (time.Time, error) {
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("parse timestamp %q: not ISO 8601 with a +0000, +00:00 or Z offset", s)
}

// UnmarshalJSON decodes a JSON string, keeping unparseable text in Raw.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*t = Timestamp{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("decode timestamp %s: %w", b, err)
	}
	parsed, err := ParseTimestamp(s)
	*t = Timestamp{Raw: s, Time: parsed, Valid: err == nil}
	return nil
}

// MarshalJSON encodes the raw text, so that a decoded value round-trips unchanged.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.Raw == "" {
		return []byte("null"), nil
	}
	return json.Marshal(t.Raw)
}

// Media is an IG Media node as Meta sends it. Optional members that Meta omits stay at their
// zero value: Caption is nil for a post without a caption, MediaURL is empty for copyright-
// withheld media, LikeCount is nil when the owner hides likes.
// See https://developers.facebook.com/docs/instagram-platform/reference/instagram-media
type Media struct {
	ID               ID         `json:"id"`
	Caption          *string    `json:"caption,omitempty"`
	MediaType        string     `json:"media_type,omitempty"`         // IMAGE, VIDEO or CAROUSEL_ALBUM
	MediaProductType string     `json:"media_product_type,omitempty"` // AD, FEED, STORY, REELS or a newer value
	MediaURL         string     `json:"media_url,omitempty"`
	ThumbnailURL     string     `json:"thumbnail_url,omitempty"` // VIDEO only
	Permalink        string     `json:"permalink,omitempty"`
	Shortcode        string     `json:"shortcode,omitempty"`
	Timestamp        Timestamp  `json:"timestamp,omitzero"`
	Username         string     `json:"username,omitempty"`
	LikeCount        *int       `json:"like_count,omitempty"`
	CommentsCount    *int       `json:"comments_count,omitempty"`
	IsSharedToFeed   *bool      `json:"is_shared_to_feed,omitempty"`
	Children         *MediaList `json:"children,omitempty"`
}

// MediaList is the {"data":[...]} wrapper of an expanded children edge.
type MediaList struct {
	Data []Media `json:"data"`
}

// User is an IG User node. On graph.instagram.com, ID is the app-scoped id and UserID the
// professional account id. graph.facebook.com sends no user_id or account_type, and there ID
// is the professional account id.
type User struct {
	ID                ID     `json:"id"`
	UserID            ID     `json:"user_id,omitempty"`
	Username          string `json:"username,omitempty"`
	Name              string `json:"name,omitempty"`
	AccountType       string `json:"account_type,omitempty"` // BUSINESS or MEDIA_CREATOR; compare case-insensitively
	ProfilePictureURL string `json:"profile_picture_url,omitempty"`
	Biography         string `json:"biography,omitempty"`
	Website           string `json:"website,omitempty"`
	FollowersCount    *int   `json:"followers_count,omitempty"`
	FollowsCount      *int   `json:"follows_count,omitempty"`
	MediaCount        *int   `json:"media_count,omitempty"`
}

// ProfessionalID returns the Instagram professional account id: user_id where the host
// sends it (graph.instagram.com), id otherwise.
func (u *User) ProfessionalID() string {
	if u.UserID != "" {
		return string(u.UserID)
	}
	return string(u.ID)
}

// Page is a Facebook Page from /me/accounts. InstagramBusinessAccount is nil when the Page has
// no linked Instagram account.
type Page struct {
	ID                       ID          `json:"id"`
	Name                     string      `json:"name,omitempty"`
	AccessToken              string      `json:"access_token,omitempty"`
	Tasks                    []string    `json:"tasks,omitempty"`
	InstagramBusinessAccount *NodeIDOnly `json:"instagram_business_account,omitempty"`
}

// NodeIDOnly is a reference to another node, {"id":"..."}.
type NodeIDOnly struct {
	ID ID `json:"id"`
}

// Hashtag is an IG Hashtag node. Hashtag ids are global and never change.
type Hashtag struct {
	ID   ID     `json:"id"`
	Name string `json:"name,omitempty"`
}

// HashtagEdge selects a hashtag's media edge.
type HashtagEdge string

// The hashtag media edges.
const (
	EdgeTop    HashtagEdge = "top_media"
	EdgeRecent HashtagEdge = "recent_media"
)
