package source

import (
	"strings"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
)

// The media types a media query can filter by.
const (
	TypeAll   = "ALL"
	TypeImage = "IMAGE"
	TypeVideo = "VIDEO"
	TypeAlbum = "ALBUM"
)

// The hashtag media edges: Meta's top_media (most popular) and recent_media (the last 24 hours).
const (
	EdgeTop    = "TOP"
	EdgeRecent = "RECENT"
)

// Defaults and bounds of the query settings. Meta caps hashtag edges at 50 items a page and
// igsource reads at most 4 pages of them; /media returns at most the 10 000 newest media.
const (
	DefaultAmount        = 20
	MaxMediaAmount       = 1000
	DefaultHashtagAmount = 20
	MaxHashtagAmount     = 200
	MaxOffset            = 9999
	MaxCacheSeconds      = 30 * 24 * 60 * 60 // 30 days
	DefaultUserCache     = 0
)

// MediaSettings are the settings of a media list query. A nil pointer takes the default.
type MediaSettings struct {
	Type   string // ALL, IMAGE, VIDEO or ALBUM, any case; "" is ALL
	Amount *int   // 1 to 1000, default 20
	Offset *int   // matching media skipped first, 0 to 9999, default 0
	Cache  *int   // seconds, 0 to 30 days, default the instance's cache time
	Since  *time.Time
	Until  *time.Time
}

// SingleSettings are the settings of a single media query.
type SingleSettings struct {
	ID    string // the Instagram media id, digits only
	Cache *int   // seconds, default the instance's cache time
}

// HashtagSettings are the settings of a hashtagged media query.
type HashtagSettings struct {
	Hashtag string // with or without a leading '#'
	Edge    string // TOP or RECENT, any case; "" is TOP
	Amount  *int   // 1 to 200, default 20
	Cache   *int   // seconds, default the instance's cache time
}

// UserSettings are the settings of a user query.
type UserSettings struct {
	Cache *int // seconds, default 0: every request reads the profile, coalesced
}

// mediaQuery is a validated MediaSettings in canonical form.
type mediaQuery struct {
	typ          string
	amount       int
	offset       int
	since, until time.Time // zero when not set
	cache        time.Duration
}

// singleQuery is a validated SingleSettings.
type singleQuery struct {
	id    string
	cache time.Duration
}

// hashtagQuery is a validated HashtagSettings. Its q is the normalised tag sent to Meta.
type hashtagQuery struct {
	q      string
	edge   string
	amount int
	cache  time.Duration
}

// ParseTime parses an RFC 3339 date-time such as "2024-03-01T00:00:00Z", or a date such as
// "2024-03-01", for the since and until settings. It returns an INVALID_INPUT error that names
// the value and the expected form.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// A bare date is midnight UTC, since date windows are often whole days.
		if d, dateErr := time.Parse(time.DateOnly, s); dateErr == nil {
			return d, nil
		}
		// Meta's own "+0000" form is accepted too, since users copy timestamps from its responses.
		if meta, metaErr := instagram.ParseTimestamp(s); metaErr == nil {
			return meta, nil
		}
		return time.Time{}, apperr.Wrap(err, apperr.Invalid,
			"invalid date-time %q: use RFC 3339, such as 2024-03-01T00:00:00Z, or a date such as 2024-03-01", s)
	}
	return t.UTC(), nil
}

func (s MediaSettings) validate(defaultCache int) (mediaQuery, error) {
	typ, err := mediaType(s.Type)
	if err != nil {
		return mediaQuery{}, err
	}
	q := mediaQuery{typ: typ}
	if q.amount, err = intSetting("amount", s.Amount, DefaultAmount, 1, MaxMediaAmount); err != nil {
		return mediaQuery{}, err
	}
	if q.offset, err = intSetting("offset", s.Offset, 0, 0, MaxOffset); err != nil {
		return mediaQuery{}, err
	}
	if q.cache, err = cacheSetting(s.Cache, defaultCache); err != nil {
		return mediaQuery{}, err
	}
	if s.Since != nil {
		q.since = s.Since.UTC()
	}
	if s.Until != nil {
		q.until = s.Until.UTC()
	}
	if s.Since != nil && s.Until != nil && q.since.After(q.until) {
		return mediaQuery{}, apperr.New(apperr.Invalid,
			"invalid date window: since %s is after until %s; swap them or widen the window",
			q.since.Format(time.RFC3339), q.until.Format(time.RFC3339))
	}
	return q, nil
}

func (s SingleSettings) validate(defaultCache int) (singleQuery, error) {
	id := strings.TrimSpace(s.ID)
	if id == "" {
		return singleQuery{}, apperr.New(apperr.Invalid, "missing media id: give the Instagram media id, such as 17895695668004551")
	}
	if !isDigits(id) {
		return singleQuery{}, apperr.New(apperr.Invalid,
			"invalid media id %q: an Instagram media id has digits only, such as 17895695668004551", s.ID)
	}
	cache, err := cacheSetting(s.Cache, defaultCache)
	if err != nil {
		return singleQuery{}, err
	}
	return singleQuery{id: id, cache: cache}, nil
}

func (s HashtagSettings) validate(defaultCache int) (hashtagQuery, error) {
	q, err := NormalizeHashtag(s.Hashtag)
	if err != nil {
		return hashtagQuery{}, err
	}
	edge, err := hashtagEdge(s.Edge)
	if err != nil {
		return hashtagQuery{}, err
	}
	amount, err := intSetting("amount", s.Amount, DefaultHashtagAmount, 1, MaxHashtagAmount)
	if err != nil {
		return hashtagQuery{}, err
	}
	cache, err := cacheSetting(s.Cache, defaultCache)
	if err != nil {
		return hashtagQuery{}, err
	}
	return hashtagQuery{q: q, edge: edge, amount: amount, cache: cache}, nil
}

func (s UserSettings) validate() (time.Duration, error) {
	return cacheSetting(s.Cache, DefaultUserCache)
}

func mediaType(s string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	switch t {
	case "":
		return TypeAll, nil
	case TypeAll, TypeImage, TypeVideo, TypeAlbum:
		return t, nil
	}
	return "", apperr.New(apperr.Invalid, "invalid media type %q: use ALL, IMAGE, VIDEO or ALBUM", s)
}

func hashtagEdge(s string) (string, error) {
	e := strings.ToUpper(strings.TrimSpace(s))
	switch e {
	case "":
		return EdgeTop, nil
	case EdgeTop, EdgeRecent:
		return e, nil
	}
	return "", apperr.New(apperr.Invalid, "invalid hashtag edge %q: use TOP or RECENT", s)
}

func (q hashtagQuery) instagramEdge() instagram.HashtagEdge {
	if q.edge == EdgeRecent {
		return instagram.EdgeRecent
	}
	return instagram.EdgeTop
}

// intSetting returns *v, or def when v is nil, checked against [lo, hi].
func intSetting(name string, v *int, def, lo, hi int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, apperr.New(apperr.Invalid, "invalid %s %d: use a value from %d to %d", name, *v, lo, hi)
	}
	return *v, nil
}

// cacheSetting returns the freshness a request demands, in whole seconds.
func cacheSetting(v *int, defaultSeconds int) (time.Duration, error) {
	seconds, err := intSetting("cache", v, defaultSeconds, 0, MaxCacheSeconds)
	if err != nil {
		return 0, err
	}
	return time.Duration(seconds) * time.Second, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// formatWindowTime writes a date window bound for a cache key; zero means no bound.
func formatWindowTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}
