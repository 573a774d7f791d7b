package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/igsource/igsource/internal/store"
)

// Errors that a Meta implementation wraps, so that the refresher and the connect flow can act
// on a failure without knowing the client's error type.
var (
	// ErrTokenInvalid marks a token that Meta rejected with code 190 (any subcode), or an
	// equivalent: the user must connect the account again.
	ErrTokenInvalid = errors.New("access token rejected by Meta")
	// ErrTransient marks a failure that may pass on its own (network errors, HTTP 5xx, codes 1
	// and 2), worth a bounded retry.
	ErrTransient = errors.New("temporary failure at Meta")
)

// Token is an access token returned by one of Meta's token endpoints.
type Token struct {
	AccessToken string
	ExpiresIn   time.Duration // zero when Meta sent no expires_in
	UserID      string        // the code exchange's app-scoped user id; empty elsewhere
}

// Profile is the part of a /me or IG User node that an account keeps.
type Profile struct {
	ID       string // node id: app-scoped on graph.instagram.com, the Facebook user on graph.facebook.com
	UserID   string // Instagram professional account id (17841…); graph.instagram.com only
	Username string
	Name     string
}

// Meta is the part of Meta's APIs that connecting and refreshing accounts calls. The app id,
// app secret and redirect URI are the implementation's configuration. Failures wrap
// ErrTokenInvalid or ErrTransient where they apply.
type Meta interface {
	// ExchangeInstagramCode trades an Instagram Login authorization code for a short-lived
	// token (one hour).
	ExchangeInstagramCode(ctx context.Context, code string) (Token, error)
	// ExchangeInstagramLongLived trades a short-lived Instagram Login token for a long-lived one.
	ExchangeInstagramLongLived(ctx context.Context, shortToken string) (Token, error)
	// RefreshInstagramToken extends a long-lived Instagram Login token that is at least 24
	// hours old and not expired.
	RefreshInstagramToken(ctx context.Context, token string) (Token, error)
	// InstagramMe reads /me on graph.instagram.com.
	InstagramMe(ctx context.Context, token string) (Profile, error)

	// ExchangeFacebookCode trades a Facebook Login authorization code for a user token.
	ExchangeFacebookCode(ctx context.Context, code string) (Token, error)
	// ExchangeFacebookLongLived trades a Facebook user token for a long-lived one (about 60 days).
	ExchangeFacebookLongLived(ctx context.Context, token string) (Token, error)
	// FacebookMe reads /me on graph.facebook.com: the Facebook user.
	FacebookMe(ctx context.Context, token string) (Profile, error)
	// FacebookPages reads /me/accounts: the Pages and their linked Instagram account ids.
	FacebookPages(ctx context.Context, token string) ([]store.Page, error)
	// FacebookInstagramUser reads an Instagram professional account on graph.facebook.com.
	FacebookInstagramUser(ctx context.Context, token, userID string) (Profile, error)
}

// UsageReporter is implemented by a Meta that keeps the rate-limit usage Meta reported last.
// The refresher holds back refreshes that can wait while usage is high.
type UsageReporter interface {
	// UsagePercent returns the highest usage percentage of a recent report for the Instagram
	// Login account userID or for the app, and 0 when no recent report exists.
	UsagePercent(userID string) int
}

// Store is the part of the storage layer that accounts use.
type Store interface {
	SaveAccount(ctx context.Context, a *store.Account) error
	Account(ctx context.Context, id int64) (*store.Account, error)
	ListAccounts(ctx context.Context) ([]store.Account, error)
	UpdateAccountToken(ctx context.Context, id int64, token string, issuedAt, expiresAt time.Time) error
	SetAccountStatus(ctx context.Context, id int64, status store.AccountStatus, message string) error
	CreateOAuthState(ctx context.Context, state, kind, session string, at time.Time) error
	ConsumeOAuthState(ctx context.Context, state, session string, now time.Time, maxAge time.Duration) (string, error)
}

var _ Store = (*store.Store)(nil)
