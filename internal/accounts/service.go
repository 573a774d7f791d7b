// Package accounts connects Instagram professional accounts through Meta's two OAuth flows
// (Instagram Login and Facebook Login), keeps their tokens alive and serves the admin routes
// that start a connection, receive Meta's redirect and show each account's status.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// Meta's production authorization pages.
const (
	DefaultInstagramAuthorizeURL = "https://www.instagram.com/oauth/authorize"
	DefaultFacebookDialogURL     = "https://www.facebook.com/v25.0/dialog/oauth"
)

// DefaultStateMaxAge is how long a started connection waits for Meta's redirect. Meta's codes
// live one hour; a login that takes longer than this starts again.
const DefaultStateMaxAge = 30 * time.Minute

// Read-only scopes that each login kind requests.
var (
	instagramScopes = "instagram_business_basic"
	facebookScopes  = "instagram_basic,pages_show_list,pages_read_engagement"
)

// Options configure a Service. Zero values take the defaults above and those of
// RefresherOptions.
type Options struct {
	InstagramAppID        string // Instagram app id ("API setup with Instagram login")
	FacebookAppID         string // Meta app id for Facebook Login
	RedirectURI           string // the OAuth redirect URI registered in both apps, byte for byte
	InstagramAuthorizeURL string // www.instagram.com/oauth/authorize, or the emulator's
	FacebookDialogURL     string // www.facebook.com/{version}/dialog/oauth, or the emulator's
	StateMaxAge           time.Duration

	Store      Store
	Meta       Meta
	Clock      clock.Clock
	Logger     *slog.Logger
	Registerer prometheus.Registerer // for the refresher's metrics; nil registers none

	RefreshMargin          time.Duration
	RefreshInterval        time.Duration
	RefreshHoldBackPercent int
}

// Service connects accounts and refreshes their tokens.
type Service struct {
	opts      Options
	store     Store
	meta      Meta
	clock     clock.Clock
	log       *slog.Logger
	refresher *Refresher
}

// New returns a Service, or an error naming the invalid option.
func New(opts Options) (*Service, error) {
	if opts.Store == nil || opts.Meta == nil {
		return nil, errors.New("new accounts service: Store and Meta are required")
	}
	if opts.RedirectURI != "" {
		if u, err := url.Parse(opts.RedirectURI); err != nil || !u.IsAbs() || u.Host == "" {
			return nil, fmt.Errorf("new accounts service: invalid redirect URI %q: expected an absolute "+
				"URL such as https://example.com/admin/oauth/callback", opts.RedirectURI)
		}
	}
	if opts.InstagramAuthorizeURL == "" {
		opts.InstagramAuthorizeURL = DefaultInstagramAuthorizeURL
	}
	if opts.FacebookDialogURL == "" {
		opts.FacebookDialogURL = DefaultFacebookDialogURL
	}
	if opts.StateMaxAge <= 0 {
		opts.StateMaxAge = DefaultStateMaxAge
	}
	if opts.Clock == nil {
		opts.Clock = clock.System
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r, err := NewRefresher(RefresherOptions{
		Store: opts.Store, Meta: opts.Meta, Clock: opts.Clock, Logger: opts.Logger,
		Registerer: opts.Registerer, Margin: opts.RefreshMargin, Interval: opts.RefreshInterval,
		HoldBackPercent: opts.RefreshHoldBackPercent,
	})
	if err != nil {
		return nil, fmt.Errorf("new accounts service: %w", err)
	}
	return &Service{opts: opts, store: opts.Store, meta: opts.Meta, clock: opts.Clock,
		log: opts.Logger, refresher: r}, nil
}

// Refresher returns the token refresher; run it with go svc.Refresher().Run(ctx).
func (s *Service) Refresher() *Refresher { return s.refresher }

// Refresh refreshes one account's Instagram Login token now. Errors are *apperr.Error values.
func (s *Service) Refresh(ctx context.Context, accountID int64) (*store.Account, error) {
	return s.refresher.RefreshAccount(ctx, accountID)
}

// Accounts lists the connected accounts with their tokens; callers never show the tokens.
func (s *Service) Accounts(ctx context.Context) ([]store.Account, error) {
	list, err := s.store.ListAccounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return list, nil
}

// ParseKind parses a login kind as the CLI and admin routes spell it.
func ParseKind(s string) (instagram.Kind, error) {
	switch k := instagram.Kind(s); k {
	case instagram.KindInstagram, instagram.KindFacebook:
		return k, nil
	}
	return "", apperr.New(apperr.Invalid, "unknown login kind %q: use instagram (Instagram Login) "+
		"or facebook (Facebook Login)", s)
}

// kindName is the login kind as Meta's pages name it.
func kindName(k instagram.Kind) string {
	if k == instagram.KindFacebook {
		return "Facebook"
	}
	return "Instagram"
}
