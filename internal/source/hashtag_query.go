package source

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// hashtagBudget is the number of unique hashtags Meta lets each account search per rolling
// store.HashtagSearchWindow (7 days). A repeated search neither counts again nor resets the
// timer. See https://developers.facebook.com/docs/instagram-api/guides/hashtag-search
const hashtagBudget = 30

// HashtaggedMedia returns public media tagged with a hashtag through Meta's hashtag search,
// which only Facebook Login accounts have. The media carry no username.
func (s *Service) HashtaggedMedia(ctx context.Context, instanceName string, settings HashtagSettings) (*MediaResult, error) {
	inst, err := s.Instance(ctx, instanceName)
	if err != nil {
		return nil, err
	}
	q, err := settings.validate(inst.CacheSeconds)
	if err != nil {
		return nil, err
	}
	if err := s.checkHashtagAllowed(q.q); err != nil {
		return nil, err
	}
	acct, err := s.account(ctx, inst)
	if err != nil {
		return nil, err
	}
	if acct.Kind != instagram.KindFacebook {
		return nil, apperr.New(apperr.Invalid,
			"hashtag search needs a Facebook Login account: instance %q reads @%s through Instagram Login, for which Meta offers no hashtag search; connect the account with Facebook Login",
			inst.Name, acct.Username)
	}
	items, meta, err := load(ctx, s, request[[]Media]{
		query: "hashtag", instance: inst, key: s.cacheKey(q.key(inst.ID)), maxAge: q.cache,
		fetch: func(ctx context.Context) ([]Media, error) { return s.fetchHashtagMedia(ctx, inst, q) },
	})
	if err != nil {
		return nil, err
	}
	return &MediaResult{Media: items, Meta: meta}, nil
}

func (s *Service) fetchHashtagMedia(ctx context.Context, inst *store.Instance, q hashtagQuery) ([]Media, error) {
	t, err := s.target(ctx, inst)
	if err != nil {
		return nil, err
	}
	id, err := s.hashtagID(ctx, t, q.q)
	if err != nil {
		return nil, err
	}
	s.metrics.upstreamCall("hashtag")
	page, err := s.client.HashtagMedia(ctx, t.cred, instagram.ID(id), q.instagramEdge(),
		min(q.amount, instagram.MaxHashtagPageSize), nil)
	var items []instagram.Media
	for err == nil {
		items = append(items, page.Data...)
		if len(items) >= q.amount || !page.HasNext() {
			break
		}
		s.metrics.upstreamCall("hashtag")
		page, err = s.client.NextMediaPage(ctx, t.cred, page)
	}
	if err != nil {
		return nil, fmt.Errorf("list %s media of hashtag %q for instance %q: %w", q.edge, q.q, inst.Name, err)
	}
	items = items[:min(len(items), q.amount)]
	for i := range items {
		dropBareChildren(&items[i])
	}
	return s.finishMedia(ctx, t, items, true)
}

// dropBareChildren removes album children that came back as bare ids. Other accounts' media
// found through a hashtag cannot be read by id, so such children cannot be completed, and an
// item with neither type nor file would mislead.
func dropBareChildren(m *instagram.Media) {
	if m.Children == nil {
		return
	}
	m.Children.Data = slices.DeleteFunc(slices.Clone(m.Children.Data), func(c instagram.Media) bool {
		return c.MediaType == ""
	})
}

// checkHashtagAllowed rejects a normalised tag that the allowed hashtags leave out.
func (s *Service) checkHashtagAllowed(tag string) error {
	if s.allowedHashtags == nil || s.allowedHashtags[tag] {
		return nil
	}
	allowed := make([]string, 0, len(s.allowedHashtags))
	for name := range s.allowedHashtags {
		allowed = append(allowed, "#"+name)
	}
	slices.Sort(allowed)
	return apperr.New(apperr.Invalid,
		"hashtag #%s is not allowed on this server: query one of %s, or add it to the server's "+
			"--hashtags (IGSOURCE_HASHTAGS) setting", tag, strings.Join(allowed, ", "))
}

// normalizeAllowedHashtags returns the set of normalised tags of list, or nil when list has
// none. Blank entries are skipped, so that a trailing comma is harmless.
func normalizeAllowedHashtags(list []string) (map[string]bool, error) {
	var allowed map[string]bool
	for _, raw := range list {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		tag, err := NormalizeHashtag(raw)
		if err != nil {
			return nil, fmt.Errorf("new source service: allowed hashtags: %s", apperr.MessageOf(err))
		}
		if allowed == nil {
			allowed = map[string]bool{}
		}
		allowed[tag] = true
	}
	return allowed, nil
}

// hashtagID returns the id of tag q for the account. It searches Meta only when the account
// has not searched q within the budget window and no id is known. A new tag beyond the
// account's budget is rejected locally with HASHTAG_BUDGET.
func (s *Service) hashtagID(ctx context.Context, t *target, q string) (string, error) {
	s.hashtagMu.Lock()
	defer s.hashtagMu.Unlock()
	now := s.clock.Now()
	searches, err := s.store.HashtagSearches(ctx, t.account.ID, now.Add(-store.HashtagSearchWindow))
	if err != nil {
		return "", apperr.Wrap(err, apperr.Internal, "read the hashtag searches of account %d", t.account.ID)
	}
	inUse := map[string]bool{}
	for _, h := range searches {
		if h.Name == q && h.HashtagID != "" {
			return h.HashtagID, nil
		}
		inUse[h.Name] = true
	}
	if len(inUse) >= hashtagBudget {
		return "", budgetError(t.account, searches)
	}
	id, err := s.knownHashtagID(ctx, t, q)
	if err != nil {
		return "", err
	}
	search := store.HashtagSearch{AccountID: t.account.ID, Name: q, HashtagID: id, SearchedAt: now}
	if err := s.store.RecordHashtagSearch(ctx, search); err != nil {
		return "", apperr.Wrap(err, apperr.Internal, "record the search of hashtag %q by account %d", q, t.account.ID)
	}
	return id, nil
}

// knownHashtagID returns the global id of q, searching Meta only when no account has
// searched it before: hashtag ids are global and never change.
func (s *Service) knownHashtagID(ctx context.Context, t *target, q string) (string, error) {
	id, err := s.store.HashtagID(ctx, q)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", apperr.Wrap(err, apperr.Internal, "read the id of hashtag %q", q)
	}
	s.metrics.upstreamCall("hashtag_search")
	found, err := s.client.SearchHashtag(ctx, t.cred, q)
	if instagram.IsNotFound(err) {
		return "", apperr.Wrap(err, apperr.NotFound, "hashtag #%s not found on Instagram: check its spelling", q)
	}
	if err != nil {
		return "", fmt.Errorf("search hashtag %q: %w", q, err)
	}
	if err := s.store.SaveHashtag(ctx, q, string(found)); err != nil {
		s.logger.Warn("Saving a hashtag id failed", "hashtag", q, "error", err)
	}
	return string(found), nil
}

// budgetError names the tags that use the account's budget and when the oldest frees.
func budgetError(acct *store.Account, searches []store.HashtagSearch) error {
	var names []string
	oldest := searches[0].SearchedAt
	for _, h := range searches {
		if !slices.Contains(names, "#"+h.Name) {
			names = append(names, "#"+h.Name)
		}
		if h.SearchedAt.Before(oldest) {
			oldest = h.SearchedAt
		}
	}
	frees := oldest.Add(store.HashtagSearchWindow).UTC().Format(time.RFC3339)
	return apperr.New(apperr.HashtagBudget,
		"hashtag budget used up: %s searched %d hashtags in the last 7 days, which is Meta's limit. "+
			"The next slot frees at %s. Until then, query one of these tags: %s",
		accountName(acct), len(names), frees, strings.Join(names, ", "))
}

// accountName names an account for messages by its Instagram username and its igsource id,
// or by the id alone when the username is unknown.
func accountName(acct *store.Account) string {
	if acct.Username == "" {
		return fmt.Sprintf("account %d", acct.ID)
	}
	return fmt.Sprintf("@%s (account %d)", acct.Username, acct.ID)
}
