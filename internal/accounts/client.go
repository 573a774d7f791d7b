package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// ClientMeta implements Meta and UsageReporter with the Instagram client and the apps'
// credentials.
type ClientMeta struct {
	Client       *instagram.Client
	InstagramApp instagram.AppCredentials
	FacebookApp  instagram.AppCredentials
	RedirectURI  string
	Clock        clock.Clock // judges the age of usage reports; nil means clock.System
}

var (
	_ Meta          = (*ClientMeta)(nil)
	_ UsageReporter = (*ClientMeta)(nil)
)

// usageReportLifetime is the age after which a usage report no longer counts. Meta's platform
// limits roll over one hour, so an older report no longer reflects the current usage.
const usageReportLifetime = time.Hour

// UsagePercent implements UsageReporter from the usage headers the client has seen.
func (m *ClientMeta) UsagePercent(userID string) int {
	clk := m.Clock
	if clk == nil {
		clk = clock.System
	}
	now := clk.Now()
	highest := 0
	for _, id := range []string{userID, ""} {
		u := m.Client.Usage(instagram.Credentials{Kind: instagram.KindInstagram, UserID: id})
		if !u.ObservedAt.IsZero() && now.Sub(u.ObservedAt) < usageReportLifetime {
			highest = max(highest, u.Max())
		}
	}
	return highest
}

// meFields are the /me fields an Instagram Login account keeps: id is app-scoped, user_id is
// the professional account id that webhooks and Facebook Login use.
var meFields = []string{"id", "user_id", "username", "name"}

// ExchangeInstagramCode implements Meta.
func (m *ClientMeta) ExchangeInstagramCode(ctx context.Context, code string) (Token, error) {
	t, err := m.Client.ExchangeCode(ctx, m.InstagramApp, m.RedirectURI, code)
	return token(t, err)
}

// ExchangeInstagramLongLived implements Meta.
func (m *ClientMeta) ExchangeInstagramLongLived(ctx context.Context, shortToken string) (Token, error) {
	t, err := m.Client.ExchangeLongLived(ctx, m.InstagramApp.Secret, shortToken)
	return token(t, err)
}

// RefreshInstagramToken implements Meta.
func (m *ClientMeta) RefreshInstagramToken(ctx context.Context, tok string) (Token, error) {
	t, err := m.Client.RefreshToken(ctx, tok)
	return token(t, err)
}

// InstagramMe implements Meta.
func (m *ClientMeta) InstagramMe(ctx context.Context, tok string) (Profile, error) {
	u, err := m.Client.Me(ctx, instagram.Credentials{Kind: instagram.KindInstagram, Token: tok}, meFields)
	return profile(u, err)
}

// ExchangeFacebookCode implements Meta.
func (m *ClientMeta) ExchangeFacebookCode(ctx context.Context, code string) (Token, error) {
	t, err := m.Client.ExchangeFacebookCode(ctx, m.FacebookApp, m.RedirectURI, code)
	return token(t, err)
}

// ExchangeFacebookLongLived implements Meta.
func (m *ClientMeta) ExchangeFacebookLongLived(ctx context.Context, tok string) (Token, error) {
	t, err := m.Client.ExchangeFacebookLongLived(ctx, m.FacebookApp, tok)
	return token(t, err)
}

// FacebookMe implements Meta.
func (m *ClientMeta) FacebookMe(ctx context.Context, tok string) (Profile, error) {
	u, err := m.Client.Me(ctx, instagram.Credentials{Kind: instagram.KindFacebook, Token: tok}, []string{"id", "name"})
	return profile(u, err)
}

// FacebookPages implements Meta.
func (m *ClientMeta) FacebookPages(ctx context.Context, tok string) ([]store.Page, error) {
	pages, err := m.Client.Pages(ctx, instagram.Credentials{Kind: instagram.KindFacebook, Token: tok})
	if err != nil {
		return nil, classify(err)
	}
	out := make([]store.Page, 0, len(pages))
	for _, p := range pages {
		sp := store.Page{ID: string(p.ID), Name: p.Name}
		if p.InstagramBusinessAccount != nil {
			sp.UserID = string(p.InstagramBusinessAccount.ID)
		}
		out = append(out, sp)
	}
	return out, nil
}

// FacebookInstagramUser implements Meta.
func (m *ClientMeta) FacebookInstagramUser(ctx context.Context, tok, userID string) (Profile, error) {
	cred := instagram.Credentials{Kind: instagram.KindFacebook, Token: tok, UserID: userID}
	u, err := m.Client.User(ctx, cred, userID, []string{"id", "username", "name"})
	return profile(u, err)
}

func token(t *instagram.TokenResponse, err error) (Token, error) {
	if err != nil {
		return Token{}, classify(err)
	}
	return Token{AccessToken: t.AccessToken, ExpiresIn: t.ExpiresIn, UserID: string(t.UserID)}, nil
}

func profile(u *instagram.User, err error) (Profile, error) {
	if err != nil {
		return Profile{}, classify(err)
	}
	return Profile{ID: string(u.ID), UserID: string(u.UserID), Username: u.Username, Name: u.Name}, nil
}

// classify wraps the client's error kinds in the errors that Meta's callers check. Code 190
// with any subcode (0, 460, 463 and others) is TokenInvalid in the client.
func classify(err error) error {
	switch {
	case instagram.IsTokenInvalid(err):
		return fmt.Errorf("%w: %w", ErrTokenInvalid, err)
	case instagram.IsTransient(err):
		return fmt.Errorf("%w: %w", ErrTransient, err)
	}
	return err
}

// metaMessage returns the message Meta sent with a failed call, or "".
func metaMessage(err error) string {
	if e, ok := errors.AsType[*instagram.Error](err); ok {
		return e.Message
	}
	return ""
}
