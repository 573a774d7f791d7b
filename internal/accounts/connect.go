package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// StartConnect begins a connection of kind for the admin session: it stores a single-use
// random state bound to the session and returns Meta's authorization URL to send the user to.
func (s *Service) StartConnect(ctx context.Context, kind instagram.Kind, session string) (string, error) {
	if session == "" {
		return "", errors.New("start connect: missing admin session")
	}
	appID, base, scope := s.opts.InstagramAppID, s.opts.InstagramAuthorizeURL, instagramScopes
	if kind == instagram.KindFacebook {
		appID, base, scope = s.opts.FacebookAppID, s.opts.FacebookDialogURL, facebookScopes
	} else if kind != instagram.KindInstagram {
		_, err := ParseKind(string(kind))
		return "", err
	}
	if appID == "" || s.opts.RedirectURI == "" {
		return "", apperr.New(apperr.Invalid, "%s Login is not configured: set the %s app id, app "+
			"secret and the OAuth redirect URI in the configuration", kindName(kind), kindName(kind))
	}

	authorize, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("start connect: invalid authorization URL %q: %w", base, err)
	}
	state := rand.Text()
	if err := s.store.CreateOAuthState(ctx, state, string(kind), session, s.clock.Now()); err != nil {
		return "", fmt.Errorf("start connect: store state: %w", err)
	}

	q := url.Values{
		"client_id":     {appID},
		"redirect_uri":  {s.opts.RedirectURI},
		"response_type": {"code"},
		"scope":         {scope},
		"state":         {state},
	}
	authorize.RawQuery = q.Encode()
	s.log.Info("Account connection started", "kind", string(kind))
	return authorize.String(), nil
}

// ParseCallback returns the query parameters of the address Meta redirected the browser to,
// pasted as a whole URL or as its query string. The "#_" that Meta appends is dropped.
func ParseCallback(raw string) (url.Values, error) {
	raw = strings.TrimSpace(raw)
	query := raw
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		query = raw[i+1:]
	}
	query, _, _ = strings.Cut(query, "#")
	params, err := url.ParseQuery(query)
	if err != nil || (!params.Has("code") && !params.Has("error")) {
		return nil, apperr.New(apperr.Invalid, "the pasted address has no code or error parameter: "+
			"paste the whole address the browser was sent to after the login, starting with https://")
	}
	return params, nil
}

// FinishConnect completes a connection from the parameters of Meta's redirect. It checks the
// state against the admin session and exchanges the code. It upgrades the token to a long-lived
// one before storing it, then reads the account and saves it, so that a reconnect updates the
// account in place. Errors are *apperr.Error values whose message names the next step.
//
// The state is checked before anything else, because anyone can send the admin a link to the
// callback: an error text from a redirect whose state is invalid is never shown.
func (s *Service) FinishConnect(ctx context.Context, session string, params url.Values) (*store.Account, error) {
	kind, err := s.consumeState(ctx, session, params)
	if err != nil {
		return nil, err
	}
	if params.Get("error") != "" {
		return nil, s.denied(kind, params)
	}
	code := strings.TrimSuffix(params.Get("code"), "#_")
	if code == "" {
		return nil, apperr.New(apperr.Invalid, "Meta's redirect has no code parameter; start the connection again")
	}
	var a *store.Account
	if kind == instagram.KindFacebook {
		a, err = s.finishFacebook(ctx, code)
	} else {
		a, err = s.finishInstagram(ctx, code)
	}
	if err != nil {
		s.log.Error("Account connection failed", "kind", string(kind), "error", err)
		return nil, err
	}
	if err := s.store.SaveAccount(ctx, a); err != nil {
		return nil, fmt.Errorf("finish connect: save account %q: %w", a.Username, err)
	}
	s.log.Info("Account connected", "account_id", a.ID, "username", a.Username, "kind", string(kind),
		"expires_at", formatTime(a.TokenExpiresAt))
	return a, nil
}

func (s *Service) consumeState(ctx context.Context, session string, params url.Values) (instagram.Kind, error) {
	state := params.Get("state")
	if state == "" {
		msg := "Meta's redirect has no state parameter, so it cannot be matched to a connection " +
			"started here; start the connection again from the admin page"
		if params.Has("error") {
			msg += " (and choose Allow if you declined access)"
		}
		return "", apperr.New(apperr.Invalid, "%s", msg)
	}
	kind, err := s.store.ConsumeOAuthState(ctx, state, session, s.clock.Now(), s.opts.StateMaxAge)
	if err != nil && !isStateRejection(err) {
		return "", fmt.Errorf("finish connect: consume OAuth state: %w", err)
	}
	if err != nil {
		s.log.Warn("OAuth callback rejected", "error", err)
		return "", apperr.Wrap(err, apperr.Invalid, "%s; start the connection again from the admin page",
			stateProblem(err, s.opts.StateMaxAge))
	}
	return ParseKind(kind)
}

// denied handles error=access_denied and other errors Meta sends back instead of a code, for
// a connection of kind whose state was valid.
func (s *Service) denied(kind instagram.Kind, params url.Values) error {
	s.log.Info("Account connection declined", "error_code", params.Get("error"),
		"error_reason", params.Get("error_reason"))
	reason := firstNonEmpty(params.Get("error_description"), params.Get("error_reason"), "no reason given")
	if params.Get("error") == "access_denied" {
		return apperr.New(apperr.Invalid, "the connection was declined at %s (%s). igsource needs "+
			"read access to the account's profile and media: start the connection again and choose "+
			"Allow", kindName(kind), reason)
	}
	return apperr.New(apperr.Invalid, "%s returned an error instead of a code: %s (%s); check the "+
		"app's settings, then start the connection again", kindName(kind), params.Get("error"), reason)
}

// isStateRejection reports whether err rejects the state itself, as opposed to a failure of
// the store that a new connection would not fix.
func isStateRejection(err error) bool {
	return errors.Is(err, store.ErrOAuthStateUnknown) || errors.Is(err, store.ErrOAuthStateUsed) ||
		errors.Is(err, store.ErrOAuthStateSession) || errors.Is(err, store.ErrOAuthStateExpired)
}

// stateProblem returns the reason a state was rejected, in a site owner's words.
func stateProblem(err error, maxAge time.Duration) string {
	switch {
	case errors.Is(err, store.ErrOAuthStateUsed):
		return "this login result was already used, so it cannot connect an account again"
	case errors.Is(err, store.ErrOAuthStateSession):
		return "the connection was started in another browser session than this one"
	case errors.Is(err, store.ErrOAuthStateExpired):
		return fmt.Sprintf("the connection was started more than %s ago", maxAge)
	default:
		return "the state parameter does not match any connection started here"
	}
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
