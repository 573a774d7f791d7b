package store

import (
	"time"

	"github.com/igsource/igsource/internal/instagram"
)

// AccountStatus says whether an account's token can be used.
type AccountStatus string

// The account states.
const (
	StatusActive      AccountStatus = "active"
	StatusNeedsReauth AccountStatus = "needs_reauth" // the token was rejected (code 190) or expired
)

// Account is a connected Instagram professional account with its token. For Facebook Login,
// Token is the long-lived Facebook user token and Pages lists the Pages it can read.
type Account struct {
	ID             int64
	Kind           instagram.Kind
	UserID         string // Instagram professional account id (17841…); empty for a Facebook Login account before a Page is chosen
	AppScopedID    string // Instagram Login app-scoped id from the code exchange and /me.id
	Username       string
	Name           string
	Token          string // plain text in memory only; sealed at rest
	TokenIssuedAt  time.Time
	TokenExpiresAt time.Time // zero when Meta gave no expiry
	Status         AccountStatus
	StatusMessage  string
	LastRefreshAt  time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Pages          []Page
}

// Page is a Facebook Page that a Facebook Login account can act on, with its linked
// Instagram professional account, if any.
type Page struct {
	ID     string
	Name   string
	UserID string // instagram_business_account.id; empty when the Page has none
}

// DefaultCacheSeconds is an instance's default cache time when none is set.
const DefaultCacheSeconds = 3600

// Instance is a named, configured source: which account to read, for Facebook Login which
// Page, and its default cache time.
type Instance struct {
	ID           int64
	Name         string
	AccountID    int64
	PageID       string // Facebook Login only
	CacheSeconds int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// MediaFile is a row of the media index: the newest CDN link of a ref and, once downloaded,
// where its bytes are.
type MediaFile struct {
	Ref          string // media.Ref.String()
	AccountID    int64
	MediaID      string
	Variant      string
	CDNURL       string
	Video        bool
	Resolvable   bool
	Path         string // relative to the media folder; empty until downloaded
	Size         int64
	ContentType  string
	SHA256       string
	DownloadedAt time.Time
	LastAccessAt time.Time
	Gone         bool // the media was deleted on Instagram
}

// HashtagSearch is a ledger row: an account searched a hashtag first at SearchedAt. Meta
// counts 30 unique hashtags per account per rolling 7 days, and a repeated search neither
// counts again nor resets the timer.
type HashtagSearch struct {
	AccountID  int64
	Name       string // case-folded tag without '#'
	HashtagID  string
	SearchedAt time.Time
}

// CacheEntry is a query's last good result, kept so that restarts and upstream failures still
// have data to serve.
type CacheEntry struct {
	Key        string
	InstanceID int64
	Value      []byte
	FetchedAt  time.Time
	ExpiresAt  time.Time
}
