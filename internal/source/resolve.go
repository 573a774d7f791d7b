package source

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
	"github.com/igsource/igsource/internal/store"
)

// ResolveURL re-reads the media, album child or profile of ref from Instagram and returns its
// current CDN link, for the media store to download when the registered link has expired.
// A media deleted on Instagram, or whose file Meta now withholds, returns an error for which
// instagram.IsNotFound is true.
func (s *Service) ResolveURL(ctx context.Context, ref media.Ref) (string, error) {
	acct, err := s.store.Account(ctx, ref.AccountID)
	if errors.Is(err, store.ErrNotFound) {
		return "", apperr.Wrap(err, apperr.NotFound, "account %d of media file %s not found", ref.AccountID, ref)
	}
	if err != nil {
		return "", fmt.Errorf("resolve media file %s: read account: %w", ref, err)
	}
	if acct.Status == store.StatusNeedsReauth {
		return "", apperr.Wrap(errNeedsReauth, apperr.NeedsReauth,
			"account %d of media file %s needs reconnecting before its files can be read again", acct.ID, ref)
	}
	if until, blocked := s.throttle.blockedUntil(acct.ID, s.clock.Now()); blocked {
		return "", apperr.New(apperr.RateLimited,
			"Instagram is rate limiting account %d of media file %s: try again after %s", acct.ID, ref, until.UTC().Format(time.RFC3339))
	}
	cred := instagram.Credentials{Kind: acct.Kind, Token: acct.Token, UserID: acct.UserID}
	s.metrics.upstreamCall("resolve")
	link, err := s.currentLink(ctx, cred, ref)
	switch {
	case instagram.IsTokenInvalid(err):
		s.markNeedsReauth(ctx, acct.ID, err)
	case instagram.IsRateLimited(err):
		s.throttle.record(acct.ID, err, s.clock.Now(), s.logger)
	case err == nil:
		s.throttle.succeeded(acct.ID, s.clock.Now())
	}
	if err != nil {
		return "", fmt.Errorf("resolve media file %s: %w", ref, err)
	}
	if link == "" {
		return "", fmt.Errorf("resolve media file %s: %w", ref, &instagram.Error{
			Kind:    instagram.NotFound,
			Op:      "GET /" + ref.MediaID,
			Message: "Meta sent no link for this file; it is withheld or no longer exists",
		})
	}
	return link, nil
}

// currentLink reads the CDN link of ref's variant; "" when Meta sends none.
func (s *Service) currentLink(ctx context.Context, cred instagram.Credentials, ref media.Ref) (string, error) {
	if ref.Variant == media.VariantPicture {
		var u *instagram.User
		var err error
		if cred.Kind == instagram.KindFacebook {
			u, err = s.client.User(ctx, cred, ref.MediaID, nil)
		} else {
			u, err = s.client.Me(ctx, cred, nil)
		}
		if err != nil {
			return "", err
		}
		return u.ProfilePictureURL, nil
	}
	m, err := s.client.GetMedia(ctx, cred, ref.MediaID, nil)
	if err != nil {
		return "", err
	}
	if m.MediaType == instagram.MediaTypeAlbum && m.Children != nil && len(m.Children.Data) > 0 &&
		m.Children.Data[0].MediaType != "" {
		// An album's own ref is registered only when it showed no children, and its file is
		// the first child's. A child sent as a bare id has no link, so the album's own
		// media_url is used instead.
		m = &m.Children.Data[0]
	}
	if ref.Variant == media.VariantThumb {
		return m.ThumbnailURL, nil
	}
	return m.MediaURL, nil
}
