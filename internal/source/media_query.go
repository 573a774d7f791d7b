package source

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// maxMediaPageSize is the page size igsource requests from /media. Meta does not document the
// maximum, so this is the 100 that clients use in practice and that the emulator enforces.
const maxMediaPageSize = 100

// Media returns the media of an instance's account, newest first, filtered and paged by
// settings.
func (s *Service) Media(ctx context.Context, instanceName string, settings MediaSettings) (*MediaResult, error) {
	inst, err := s.Instance(ctx, instanceName)
	if err != nil {
		return nil, err
	}
	q, err := settings.validate(inst.CacheSeconds)
	if err != nil {
		return nil, err
	}
	items, meta, err := load(ctx, s, request[[]Media]{
		query: "media", instance: inst, key: s.cacheKey(q.key(inst.ID)), maxAge: q.cache,
		fetch: func(ctx context.Context) ([]Media, error) { return s.fetchMedia(ctx, inst, q) },
	})
	if err != nil {
		return nil, err
	}
	return &MediaResult{Media: items, Meta: meta}, nil
}

// pageSize returns the /media limit for q: one page of exactly offset+amount when no filter
// can drop items, and the maximum otherwise.
func (q mediaQuery) pageSize() int {
	if q.typ == TypeAll && q.since.IsZero() && q.until.IsZero() && q.offset+q.amount <= maxMediaPageSize {
		return q.offset + q.amount
	}
	return maxMediaPageSize
}

func (s *Service) fetchMedia(ctx context.Context, inst *store.Instance, q mediaQuery) ([]Media, error) {
	t, err := s.target(ctx, inst)
	if err != nil {
		return nil, err
	}
	opts := instagram.ListMediaOptions{Limit: q.pageSize(), Since: q.since}
	if !q.until.IsZero() {
		// The client sends until as whole Unix seconds and treats it as exclusive, so one more
		// second keeps media created at the until instant. The window is enforced here again.
		opts.Until = q.until.Add(time.Second)
	}
	s.metrics.upstreamCall("media")
	page, err := s.client.ListMedia(ctx, t.cred, opts)
	if err != nil {
		return nil, fmt.Errorf("list media of instance %q: %w", inst.Name, err)
	}
	sel := &mediaSelector{q: q, logger: s.logger.With("instance_id", inst.ID)}
	for !sel.add(page.Data) && page.HasNext() {
		s.metrics.upstreamCall("media")
		if page, err = s.client.NextMediaPage(ctx, t.cred, page); err != nil {
			return nil, fmt.Errorf("list media of instance %q: %w", inst.Name, err)
		}
	}
	if page.PageLimitReached() {
		s.logger.Warn("Stopped paging media at the client's page limit", "instance_id", inst.ID,
			"pages", page.Number(), "found", len(sel.items))
	}
	return s.finishMedia(ctx, t, sel.items, false)
}

// finishMedia fetches album children that Meta sent as bare ids, maps the items and
// registers their files with one Register call. Children still without a type afterwards are
// left out by the mapper.
func (s *Service) finishMedia(ctx context.Context, t *target, items []instagram.Media, hashtag bool) ([]Media, error) {
	if !hashtag && anyChildrenIncomplete(items) {
		if err := s.completeChildren(ctx, t, items); err != nil {
			return nil, err
		}
	}
	m := s.newMapper(t.instance.AccountID, hashtag)
	out := make([]Media, 0, len(items))
	for i := range items {
		out = append(out, m.media(&items[i]))
	}
	if err := s.register(ctx, m); err != nil {
		return nil, err
	}
	return out, nil
}

// completeChildren reads the missing album children of items. A failed read leaves them
// incomplete, so the albums keep only the children Meta sent with a type. A rejected token or
// throttling fails the whole fetch instead, because every later call would fail the same way.
func (s *Service) completeChildren(ctx context.Context, t *target, items []instagram.Media) error {
	s.metrics.upstreamCall("children")
	err := s.client.CompleteChildren(ctx, t.cred, items, nil)
	if err == nil {
		return nil
	}
	if instagram.IsTokenInvalid(err) || instagram.IsRateLimited(err) {
		return fmt.Errorf("complete album children for instance %q: %w", t.instance.Name, err)
	}
	s.logger.Warn("Reading album children failed, so albums keep only the children Meta sent with a type",
		"instance_id", t.instance.ID, "instance", t.instance.Name, "error", err)
	return nil
}

func anyChildrenIncomplete(items []instagram.Media) bool {
	for i := range items {
		if items[i].ChildrenIncomplete() {
			return true
		}
	}
	return false
}

func (s *Service) newMapper(accountID int64, hashtag bool) *mapper {
	return &mapper{accountID: accountID, registry: s.registry, logger: s.logger, hashtag: hashtag}
}

// register records every CDN link a result collected.
func (s *Service) register(ctx context.Context, m *mapper) error {
	if len(m.regs) == 0 {
		return nil
	}
	err := s.registry.Register(ctx, m.regs)
	if err != nil && apperr.CodeOf(err) == apperr.Invalid {
		// The media store saved the valid links and skipped the others. The result is still
		// served, and only the skipped files return 404, so one bad link never fails the query.
		s.logger.Warn("Media links skipped", "account_id", m.accountID, "error", err)
		return nil
	}
	if err != nil {
		return apperr.Wrap(err, apperr.Internal, "register %d media files of account %d", len(m.regs), m.accountID)
	}
	return nil
}

// mediaSelector applies a media query to pages read newest first: the date window, then the
// type filter, then offset and amount.
type mediaSelector struct {
	q       mediaQuery
	logger  *slog.Logger
	matched int // items that passed the window and type filter, skipped ones included
	items   []instagram.Media
	seen    map[instagram.ID]bool
}

// add takes the items of one page and reports whether paging can stop: enough items are
// collected, or an item is older than since, so every later item is too.
func (s *mediaSelector) add(page []instagram.Media) bool {
	windowed := !s.q.since.IsZero() || !s.q.until.IsZero()
	if s.seen == nil {
		s.seen = map[instagram.ID]bool{}
	}
	for i := range page {
		it := &page[i]
		// A post published while paging shifts the cursor window, so an item of one page can
		// come again at the top of the next.
		if s.seen[it.ID] {
			continue
		}
		s.seen[it.ID] = true
		if windowed {
			if !it.Timestamp.Valid {
				s.logger.Debug("Media without a valid timestamp left out of the date window",
					"media_id", string(it.ID), "timestamp", it.Timestamp.Raw)
				continue
			}
			if !s.q.since.IsZero() && it.Timestamp.Time.Before(s.q.since) {
				return true
			}
			if !s.q.until.IsZero() && it.Timestamp.Time.After(s.q.until) {
				continue
			}
		}
		if s.q.typ != TypeAll && mediaTypeOf(it.MediaType) != s.q.typ {
			continue
		}
		s.matched++
		if s.matched <= s.q.offset {
			continue
		}
		s.items = append(s.items, *it)
		if len(s.items) >= s.q.amount {
			return true
		}
	}
	return false
}
