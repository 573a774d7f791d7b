// Package source runs the content queries of igsource's instances. It validates settings and
// serves results from a cache that survives restarts. It coalesces identical requests, reads
// the minimum number of pages from Instagram, maps Meta's objects to igsource's types and
// registers every CDN link with the media store.
package source

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// Store is the storage the source layer reads and writes; *store.Store implements it.
type Store interface {
	Instance(ctx context.Context, id int64) (*store.Instance, error)
	InstanceByName(ctx context.Context, name string) (*store.Instance, error)
	ListInstances(ctx context.Context) ([]store.Instance, error)
	Account(ctx context.Context, id int64) (*store.Account, error)
	SetAccountStatus(ctx context.Context, id int64, status store.AccountStatus, message string) error
	HashtagID(ctx context.Context, name string) (string, error)
	SaveHashtag(ctx context.Context, name, id string) error
	HashtagSearches(ctx context.Context, accountID int64, since time.Time) ([]store.HashtagSearch, error)
	RecordHashtagSearch(ctx context.Context, search store.HashtagSearch) error
	CacheEntry(ctx context.Context, key string) (*store.CacheEntry, error)
	PutCacheEntry(ctx context.Context, entry store.CacheEntry) error
	DeleteInstanceCache(ctx context.Context, instanceID int64) error
}

// Client is the part of the Instagram client the source layer calls; *instagram.Client
// implements it.
type Client interface {
	ListMedia(ctx context.Context, cred instagram.Credentials, opts instagram.ListMediaOptions) (*instagram.MediaPage, error)
	NextMediaPage(ctx context.Context, cred instagram.Credentials, page *instagram.MediaPage) (*instagram.MediaPage, error)
	GetMedia(ctx context.Context, cred instagram.Credentials, id string, fields []string) (*instagram.Media, error)
	CompleteChildren(ctx context.Context, cred instagram.Credentials, items []instagram.Media, fields []string) error
	SearchHashtag(ctx context.Context, cred instagram.Credentials, q string) (instagram.ID, error)
	HashtagMedia(ctx context.Context, cred instagram.Credentials, hashtagID instagram.ID, edge instagram.HashtagEdge,
		limit int, fields []string) (*instagram.MediaPage, error)
	Me(ctx context.Context, cred instagram.Credentials, fields []string) (*instagram.User, error)
	User(ctx context.Context, cred instagram.Credentials, id string, fields []string) (*instagram.User, error)
}

// Deps are the parts a Service is built from. Store, Client and Media are required; Clock
// defaults to the system clock, Logger to a discarding logger and Metrics to none.
type Deps struct {
	Store   Store
	Client  Client
	Media   Registry
	Clock   clock.Clock
	Logger  *slog.Logger
	Metrics *Metrics

	// AllowedHashtags are the only tags hashtag queries may search, in any form that
	// NormalizeHashtag accepts. Empty allows every tag. A list keeps strangers from spending
	// the account's 30 weekly hashtag searches through a public content API.
	AllowedHashtags []string
}

// Service runs the four content queries of every instance. It is safe for concurrent use.
// Results it returns share memory with its cache, so callers must not modify them.
type Service struct {
	store    Store
	client   Client
	registry Registry
	clock    clock.Clock
	logger   *slog.Logger
	metrics  *Metrics

	// allowedHashtags contains the normalised tags that hashtag queries may search; nil
	// allows every tag.
	allowedHashtags map[string]bool

	instances *instanceCache
	cache     *memoryCache
	notFound  *memoryCache // NOT_FOUND errors of single-media reads, kept apart from good results
	flights   singleflight.Group
	throttle  *throttle

	// hashtagMu makes the budget check and the ledger insert of a hashtag search one step, so
	// that concurrent searches of new tags cannot exceed Meta's 30 tags per account.
	hashtagMu sync.Mutex
}

// New returns a Service built from deps.
func New(deps Deps) (*Service, error) {
	switch {
	case deps.Store == nil:
		return nil, errors.New("new source service: missing store")
	case deps.Client == nil:
		return nil, errors.New("new source service: missing Instagram client")
	case deps.Media == nil:
		return nil, errors.New("new source service: missing media registry")
	}
	s := &Service{
		store:     deps.Store,
		client:    deps.Client,
		registry:  deps.Media,
		clock:     deps.Clock,
		logger:    deps.Logger,
		metrics:   deps.Metrics,
		instances: newInstanceCache(),
		cache:     newMemoryCache(),
		notFound:  newMemoryCache(),
		throttle:  newThrottle(),
	}
	allowed, err := normalizeAllowedHashtags(deps.AllowedHashtags)
	if err != nil {
		return nil, err
	}
	s.allowedHashtags = allowed
	if s.clock == nil {
		s.clock = clock.System
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// target is the account a fetch reads with and the credentials of its Instagram professional
// account.
type target struct {
	instance *store.Instance
	account  *store.Account
	cred     instagram.Credentials
}

// errNeedsReauth stops a fetch for an account whose token Meta has rejected, so that no call
// is made with it until the account is reconnected.
var errNeedsReauth = errors.New("the account's token was rejected and the account needs reconnecting")

// target loads the instance's account. Facebook Login instances read the Instagram account
// linked to the instance's Page, with the account's user token on graph.facebook.com.
func (s *Service) target(ctx context.Context, inst *store.Instance) (*target, error) {
	acct, err := s.account(ctx, inst)
	if err != nil {
		return nil, err
	}
	if acct.Status == store.StatusNeedsReauth {
		return nil, errNeedsReauth
	}
	t := &target{instance: inst, account: acct, cred: instagram.Credentials{Kind: acct.Kind, Token: acct.Token, UserID: acct.UserID}}
	if acct.Kind != instagram.KindFacebook {
		return t, nil
	}
	for _, p := range acct.Pages {
		if p.ID != inst.PageID {
			continue
		}
		if p.UserID == "" {
			return nil, apperr.New(apperr.Invalid,
				"the Facebook Page %s of instance %q has no linked Instagram professional account: link one in the Page's settings, or choose another Page",
				inst.PageID, inst.Name)
		}
		t.cred.UserID = p.UserID
		return t, nil
	}
	return nil, apperr.New(apperr.Invalid,
		"instance %q reads Facebook Page %q, which account %d cannot access: reconnect the account or choose one of its Pages",
		inst.Name, inst.PageID, acct.ID)
}

func (s *Service) account(ctx context.Context, inst *store.Instance) (*store.Account, error) {
	acct, err := s.store.Account(ctx, inst.AccountID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.Wrap(err, apperr.NotFound,
			"account %d of instance %q not found: connect an account and choose it for the instance", inst.AccountID, inst.Name)
	}
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "read account %d of instance %q", inst.AccountID, inst.Name)
	}
	return acct, nil
}

// markNeedsReauth records that Meta rejected the account's token, so that the admin page
// shows it and later fetches make no call with it.
func (s *Service) markNeedsReauth(ctx context.Context, accountID int64, cause error) {
	msg := "Instagram rejected the token; reconnect the account"
	var igErr *instagram.Error
	if errors.As(cause, &igErr) && igErr.Message != "" {
		msg = strings.TrimSpace(igErr.Message)
	}
	if err := s.store.SetAccountStatus(ctx, accountID, store.StatusNeedsReauth, msg); err != nil {
		s.logger.Error("Marking account as needing reconnection failed", "account_id", accountID, "error", err)
		return
	}
	s.logger.Warn("Account needs reconnection", "account_id", accountID, "error", cause)
}
