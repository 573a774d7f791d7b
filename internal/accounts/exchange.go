package accounts

import (
	"context"
	"errors"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// finishInstagram turns an Instagram Login code into an account with a long-lived token.
func (s *Service) finishInstagram(ctx context.Context, code string) (*store.Account, error) {
	short, err := s.meta.ExchangeInstagramCode(ctx, code)
	if err != nil {
		return nil, codeError(instagram.KindInstagram, err)
	}
	long, err := s.meta.ExchangeInstagramLongLived(ctx, short.AccessToken)
	if err != nil {
		return nil, upstreamError(err, "exchanging the Instagram token for a long-lived one failed")
	}

	issuedAt := s.clock.Now()
	me, err := s.meta.InstagramMe(ctx, long.AccessToken)
	if err != nil {
		return nil, upstreamError(err, "reading the connected Instagram account failed")
	}
	if me.UserID == "" {
		return nil, apperr.New(apperr.Upstream, "Instagram sent no user_id for @%s; connect again, "+
			"and if it persists check that the account is a Business or Creator account", me.Username)
	}

	lifetime := long.ExpiresIn
	if lifetime <= 0 {
		lifetime = fallbackLifetime
	}
	appScopedID := me.ID
	if appScopedID == "" {
		appScopedID = short.UserID
	}
	return &store.Account{
		Kind:           instagram.KindInstagram,
		UserID:         me.UserID,
		AppScopedID:    appScopedID,
		Username:       me.Username,
		Name:           me.Name,
		Token:          long.AccessToken,
		TokenIssuedAt:  issuedAt,
		TokenExpiresAt: issuedAt.Add(lifetime),
		Status:         store.StatusActive,
	}, nil
}

// finishFacebook turns a Facebook Login code into an account with a long-lived user token and
// the Pages it can read. The account reads the Instagram account linked to its first Page
// that has one; instances choose their Page.
func (s *Service) finishFacebook(ctx context.Context, code string) (*store.Account, error) {
	short, err := s.meta.ExchangeFacebookCode(ctx, code)
	if err != nil {
		return nil, codeError(instagram.KindFacebook, err)
	}
	long, err := s.meta.ExchangeFacebookLongLived(ctx, short.AccessToken)
	if err != nil {
		return nil, upstreamError(err, "exchanging the Facebook token for a long-lived one failed")
	}

	issuedAt := s.clock.Now()
	me, err := s.meta.FacebookMe(ctx, long.AccessToken)
	if err != nil {
		return nil, upstreamError(err, "reading the Facebook user failed")
	}
	pages, err := s.meta.FacebookPages(ctx, long.AccessToken)
	if err != nil {
		return nil, upstreamError(err, "reading the Facebook Pages failed")
	}

	linked := firstLinkedPage(pages)
	if linked == nil {
		return nil, apperr.New(apperr.Invalid, "none of the %d Facebook Pages granted to igsource has "+
			"a linked Instagram professional account: link the Instagram account to a Page in the "+
			"Page's settings, then connect again and select that Page", len(pages))
	}
	ig, err := s.meta.FacebookInstagramUser(ctx, long.AccessToken, linked.UserID)
	if err != nil {
		return nil, upstreamError(err, "reading the Instagram account linked to the Page failed")
	}

	a := &store.Account{
		Kind:          instagram.KindFacebook,
		UserID:        linked.UserID,
		AppScopedID:   me.ID,
		Username:      ig.Username,
		Name:          ig.Name,
		Token:         long.AccessToken,
		TokenIssuedAt: issuedAt,
		Status:        store.StatusActive,
		Pages:         pages,
	}
	// Some long-lived exchanges omit expires_in; the expiry then stays unknown (zero).
	if long.ExpiresIn > 0 {
		a.TokenExpiresAt = issuedAt.Add(long.ExpiresIn)
	}
	return a, nil
}

// firstLinkedPage returns the first Page with a linked Instagram account, or nil.
func firstLinkedPage(pages []store.Page) *store.Page {
	for i := range pages {
		if pages[i].UserID != "" {
			return &pages[i]
		}
	}
	return nil
}

// codeError explains a failed code exchange. Meta rejects a code that is unknown, already
// used, older than one hour or sent with a different redirect_uri.
func codeError(kind instagram.Kind, err error) error {
	if errors.Is(err, ErrTransient) {
		return upstreamError(err, "exchanging the authorization code failed")
	}
	msg := metaMessage(err)
	if msg == "" {
		// The call failed before Meta responded, such as for a missing app secret.
		return apperr.New(apperr.Invalid, "exchanging the %s authorization code failed: %v; check the "+
			"app settings, then start the connection again", kindName(kind), err)
	}
	return apperr.Wrap(err, apperr.Invalid, "%s did not accept the authorization code (%s). A code "+
		"works once, for one hour, with the exact redirect URI of the app: start the connection again",
		kindName(kind), msg)
}

func upstreamError(err error, failure string) error {
	return apperr.Wrap(err, apperr.Upstream, "%s (%s); try connecting again in a few minutes", failure,
		firstNonEmpty(metaMessage(err), "no message from Meta"))
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
