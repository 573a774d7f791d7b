package instagram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AppCredentials are a Meta app's id and secret. Instagram Login uses the Instagram app id and
// secret shown under "API setup with Instagram login", which differ from the Meta app's.
type AppCredentials struct {
	ID     string
	Secret string
}

// String hides the secret.
func (a AppCredentials) String() string { return "AppCredentials{ID: " + a.ID + ", Secret: REDACTED}" }

// GoString hides the secret from %#v.
func (a AppCredentials) GoString() string { return a.String() }

// TokenResponse is the result of a code exchange, a long-lived exchange or a refresh.
type TokenResponse struct {
	AccessToken string
	TokenType   string        // "bearer"; empty when Meta omits it
	ExpiresIn   time.Duration // 0 when Meta omits expires_in, as some long-lived exchanges do
	UserID      ID            // app-scoped id from the Instagram Login code exchange, else empty
	Permissions []string      // granted permissions from the Instagram Login code exchange
}

// String hides the token.
func (t TokenResponse) String() string {
	return fmt.Sprintf("TokenResponse{AccessToken: REDACTED, TokenType: %s, ExpiresIn: %s, UserID: %s, Permissions: %v}",
		t.TokenType, t.ExpiresIn, t.UserID, t.Permissions)
}

// GoString hides the token from %#v.
func (t TokenResponse) GoString() string { return t.String() }

// LogValue hides the token from slog.
func (t TokenResponse) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token_type", t.TokenType), slog.Duration("expires_in", t.ExpiresIn),
		slog.String("user_id", string(t.UserID)), slog.Any("permissions", t.Permissions))
}

// ExchangeCode exchanges an Instagram Login authorization code for a short-lived token
// (valid 1 hour) with POST api.instagram.com/oauth/access_token. A code is single-use and
// valid 1 hour. The trailing "#_" that Meta appends to the redirect is removed.
func (c *Client) ExchangeCode(ctx context.Context, app AppCredentials, redirectURI, code string) (*TokenResponse, error) {
	code = strings.TrimSuffix(code, "#_")
	if err := checkExchange(app, redirectURI, code); err != nil {
		return nil, fmt.Errorf("exchange Instagram code: %w", err)
	}
	form := url.Values{
		"client_id":     {app.ID},
		"client_secret": {app.Secret},
		"grant_type":    {"authorization_code"},
		"redirect_uri":  {redirectURI},
		"code":          {code},
	}
	u := endpoint(c.oauthBase, "", "/oauth/access_token", nil)
	return c.requestToken(ctx, http.MethodPost, u, form, KindInstagram)
}

// ExchangeLongLived exchanges an unexpired short-lived Instagram Login token for a long-lived
// one (60 days) with grant_type=ig_exchange_token. appSecret is the Instagram app secret.
func (c *Client) ExchangeLongLived(ctx context.Context, appSecret, shortToken string) (*TokenResponse, error) {
	if appSecret == "" || shortToken == "" {
		return nil, errors.New("exchange long-lived Instagram token: missing app secret or token")
	}
	query := url.Values{
		"grant_type":    {"ig_exchange_token"},
		"client_secret": {appSecret},
		"access_token":  {shortToken},
	}
	u := endpoint(c.instagramBase, "", "/access_token", query)
	return c.requestToken(ctx, http.MethodGet, u, nil, KindInstagram)
}

// RefreshToken extends a long-lived Instagram Login token by 60 days from now with
// grant_type=ig_refresh_token. Meta refreshes only tokens at least 24 hours old and not yet
// expired. The returned token may differ from the old one, so callers store it.
func (c *Client) RefreshToken(ctx context.Context, token string) (*TokenResponse, error) {
	if token == "" {
		return nil, errors.New("refresh Instagram token: missing token")
	}
	query := url.Values{"grant_type": {"ig_refresh_token"}, "access_token": {token}}
	u := endpoint(c.instagramBase, "", "/refresh_access_token", query)
	return c.requestToken(ctx, http.MethodGet, u, nil, KindInstagram)
}

// ExchangeFacebookCode exchanges a Facebook Login authorization code for a user token with
// GET graph.facebook.com/{version}/oauth/access_token.
func (c *Client) ExchangeFacebookCode(ctx context.Context, app AppCredentials, redirectURI, code string) (*TokenResponse, error) {
	if err := checkExchange(app, redirectURI, code); err != nil {
		return nil, fmt.Errorf("exchange Facebook code: %w", err)
	}
	query := url.Values{
		"client_id":     {app.ID},
		"client_secret": {app.Secret},
		"redirect_uri":  {redirectURI},
		"code":          {code},
	}
	u := endpoint(c.facebookBase, c.version, "/oauth/access_token", query)
	return c.requestToken(ctx, http.MethodGet, u, nil, KindFacebook)
}

// ExchangeFacebookLongLived exchanges an unexpired Facebook user token for a long-lived one
// (about 60 days) with grant_type=fb_exchange_token. Facebook Login has no refresh grant: when
// the long-lived token expires, the user logs in again.
func (c *Client) ExchangeFacebookLongLived(ctx context.Context, app AppCredentials, token string) (*TokenResponse, error) {
	if app.ID == "" || app.Secret == "" || token == "" {
		return nil, errors.New("exchange long-lived Facebook token: missing app id, app secret or token")
	}
	query := url.Values{
		"grant_type":        {"fb_exchange_token"},
		"client_id":         {app.ID},
		"client_secret":     {app.Secret},
		"fb_exchange_token": {token},
	}
	u := endpoint(c.facebookBase, c.version, "/oauth/access_token", query)
	return c.requestToken(ctx, http.MethodGet, u, nil, KindFacebook)
}

func checkExchange(app AppCredentials, redirectURI, code string) error {
	switch {
	case app.ID == "" || app.Secret == "":
		return errors.New("missing app id or app secret: set them in the configuration")
	case redirectURI == "":
		return errors.New("missing redirect URI")
	case code == "":
		return errors.New("missing authorization code")
	}
	return nil
}

func (c *Client) requestToken(ctx context.Context, method string, u *url.URL, form url.Values, kind Kind) (*TokenResponse, error) {
	var raw tokenEnvelope
	if err := c.do(ctx, method, u, form, usageKey{kind: kind}, &raw); err != nil {
		return nil, err
	}
	t := raw.token()
	if t.AccessToken == "" {
		return nil, fmt.Errorf("%s %s: response has no access_token", method, u.Path)
	}
	expires, err := t.expiresIn()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, u.Path, err)
	}
	return &TokenResponse{
		AccessToken: t.AccessToken,
		TokenType:   t.TokenType,
		ExpiresIn:   expires,
		UserID:      t.UserID,
		Permissions: []string(t.Permissions),
	}, nil
}

// tokenJSON is a token response as Meta sends it.
type tokenJSON struct {
	AccessToken string         `json:"access_token"`
	TokenType   string         `json:"token_type"`
	ExpiresIn   json.Number    `json:"expires_in"`
	UserID      ID             `json:"user_id"`
	Permissions permissionList `json:"permissions"`
}

func (t tokenJSON) expiresIn() (time.Duration, error) {
	if t.ExpiresIn == "" {
		return 0, nil
	}
	seconds, err := strconv.ParseInt(t.ExpiresIn.String(), 10, 64)
	if err != nil || seconds < 0 {
		return 0, fmt.Errorf("invalid expires_in %q: expected whole seconds", t.ExpiresIn)
	}
	return time.Duration(seconds) * time.Second, nil
}

// tokenEnvelope accepts the flat response that Meta sends and the {"data":[...]} wrapper that
// Meta's Instagram Login documentation shows for the code exchange.
type tokenEnvelope struct {
	tokenJSON
	Data []tokenJSON `json:"data"`
}

func (e tokenEnvelope) token() tokenJSON {
	if e.AccessToken == "" && len(e.Data) > 0 {
		return e.Data[0]
	}
	return e.tokenJSON
}

// permissionList decodes granted permissions from a JSON array, as Meta sends them, or from
// the comma-separated string of Meta's documentation.
type permissionList []string

func (p *permissionList) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*p = list
		return nil
	}
	var joined string
	if err := json.Unmarshal(b, &joined); err != nil {
		return fmt.Errorf("decode permissions %s: expected an array or a comma-separated string", b)
	}
	*p = nil
	for name := range strings.SplitSeq(joined, ",") {
		if name = strings.TrimSpace(name); name != "" {
			*p = append(*p, name)
		}
	}
	return nil
}
