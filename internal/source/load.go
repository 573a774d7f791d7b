package source

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// request describes one cached, coalesced query.
type request[T any] struct {
	query    string // media, single, hashtag or user; for logs and metrics
	instance *store.Instance
	key      string
	maxAge   time.Duration // the freshness the request demands; 0 always reads from Instagram
	fetch    func(ctx context.Context) (T, error)
}

// outcome is the result of one call sequence, shared by every request that waited on it.
type outcome[T any] struct {
	value T
	meta  Meta
}

// load serves r from the cache when an entry is fresh enough, and otherwise joins or starts
// the one call sequence for r.key. The sequence runs detached from the caller's context, so
// one caller giving up does not fail the others waiting on it.
func load[T any](ctx context.Context, s *Service, r request[T]) (T, Meta, error) {
	v, meta, err := loadEntry(ctx, s, r)
	meta.Key, meta.MaxAge = r.key, r.maxAge
	return v, meta, err
}

func loadEntry[T any](ctx context.Context, s *Service, r request[T]) (T, Meta, error) {
	var zero T
	if v, meta, ok := lookupFresh(ctx, s, r); ok {
		s.metrics.cacheHit(r.query)
		return v, meta, nil
	}
	shared := context.WithoutCancel(ctx)
	ch := s.flights.DoChan(r.key, func() (any, error) {
		return refresh(shared, s, r)
	})
	// Counted after joining the call sequence, so a count of n means n requests wait on it.
	s.metrics.cacheMiss(r.query)
	select {
	case <-ctx.Done():
		return zero, Meta{}, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return zero, Meta{}, res.Err
		}
		out := res.Val.(outcome[T])
		return out.value, out.meta, nil
	}
}

// refresh reads r from Instagram and saves it, or serves the last good result when the read
// fails or Meta rate limits the account. A request that arrived while an earlier sequence was finishing finds that
// sequence's result fresh and makes no call.
func refresh[T any](ctx context.Context, s *Service, r request[T]) (outcome[T], error) {
	if v, meta, ok := lookupFresh(ctx, s, r); ok {
		return outcome[T]{value: v, meta: meta}, nil
	}
	fetchedAt := s.clock.Now().UTC()
	accountID := r.instance.AccountID
	if until, blocked := s.throttle.blockedUntil(accountID, fetchedAt); blocked {
		return heldBack(ctx, s, r, until)
	}
	v, err := r.fetch(ctx)
	if err == nil {
		s.throttle.succeeded(accountID, s.clock.Now())
		s.save(ctx, r.instance.ID, r.key, v, fetchedAt, r.maxAge)
		return outcome[T]{value: v, meta: Meta{FetchedAt: fetchedAt}}, nil
	}
	if instagram.IsRateLimited(err) {
		until := s.throttle.record(accountID, err, s.clock.Now(), s.logger)
		err = rateLimitedError(err, r.instance, until)
	}
	return fallback(ctx, s, r, err)
}

// heldBack serves r while Meta rate limits its account: the last good result marked stale,
// or a RATE_LIMITED error naming when to retry. It makes no call and logs nothing, because
// the throttle logged the block when it began.
func heldBack[T any](ctx context.Context, s *Service, r request[T], until time.Time) (outcome[T], error) {
	s.metrics.upstreamError(r.query, apperr.RateLimited)
	v, fetchedAt, ok := lookupAny[T](ctx, s, r.key)
	if !ok {
		return outcome[T]{}, rateLimitedError(nil, r.instance, until)
	}
	s.metrics.staleServe(r.query)
	return outcome[T]{value: v, meta: Meta{Cached: true, Stale: true, FetchedAt: fetchedAt}}, nil
}

// rateLimitedError returns the RATE_LIMITED error of an instance whose account is blocked
// until the given instant. cause is nil when no call was made.
func rateLimitedError(cause error, inst *store.Instance, until time.Time) error {
	if cause == nil {
		cause = errors.New("calls held back while Instagram rate limits the account")
	}
	return apperr.Wrap(cause, apperr.RateLimited,
		"Instagram is rate limiting instance %q's account: try again after %s", inst.Name, until.UTC().Format(time.RFC3339))
}

// lookupFresh returns the cached value of r when it is fresh enough for r.maxAge.
func lookupFresh[T any](ctx context.Context, s *Service, r request[T]) (T, Meta, bool) {
	var zero T
	if r.maxAge <= 0 {
		return zero, Meta{}, false
	}
	v, fetchedAt, ok := lookupAny[T](ctx, s, r.key)
	if !ok || !(cacheEntry{fetchedAt: fetchedAt}).freshFor(r.maxAge, s.clock.Now()) {
		return zero, Meta{}, false
	}
	return v, Meta{Cached: true, FetchedAt: fetchedAt}, true
}

// lookupAny returns the last good value of key whatever its age: from memory, or from the
// store after a restart.
func lookupAny[T any](ctx context.Context, s *Service, key string) (T, time.Time, bool) {
	var zero T
	if e, ok := s.cache.get(key); ok {
		if v, ok := e.value.(T); ok {
			return v, e.fetchedAt, true
		}
	}
	row, err := s.store.CacheEntry(ctx, key)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.logger.Warn("Reading the query cache failed", "cache_key", key, "error", err)
		}
		return zero, time.Time{}, false
	}
	var v T
	if err := json.Unmarshal(row.Value, &v); err != nil {
		s.logger.Warn("Cached result does not decode; reading from Instagram", "cache_key", key, "error", err)
		return zero, time.Time{}, false
	}
	restoreCreatedAt(any(v))
	s.cache.put(key, cacheEntry{value: v, fetchedAt: row.FetchedAt})
	return v, row.FetchedAt, true
}

// save keeps v in memory and as the last good result in the store.
func (s *Service) save(ctx context.Context, instanceID int64, key string, v any, fetchedAt time.Time, maxAge time.Duration) {
	s.cache.put(key, cacheEntry{value: v, fetchedAt: fetchedAt})
	b, err := json.Marshal(v)
	if err != nil {
		s.logger.Error("Encoding a result for the query cache failed", "cache_key", key, "error", err)
		return
	}
	entry := store.CacheEntry{Key: key, InstanceID: instanceID, Value: b, FetchedAt: fetchedAt, ExpiresAt: fetchedAt.Add(maxAge)}
	if err := s.store.PutCacheEntry(ctx, entry); err != nil {
		s.logger.Warn("Saving a result to the query cache failed", "cache_key", key, "error", err)
	}
}

// fallback handles a failed fetch: it serves the last good result marked stale when there is
// one, and otherwise returns an error with the code of the failure. A token that Meta
// rejects marks the account as needing reconnection either way.
func fallback[T any](ctx context.Context, s *Service, r request[T], cause error) (outcome[T], error) {
	if instagram.IsTokenInvalid(cause) {
		s.markNeedsReauth(ctx, r.instance.AccountID, cause)
	}
	err := upstreamError(cause, r.instance)
	code := apperr.CodeOf(err)
	s.metrics.upstreamError(r.query, code)
	if !servesStale(code) {
		return outcome[T]{}, err
	}
	v, fetchedAt, ok := lookupAny[T](ctx, s, r.key)
	if !ok {
		s.logger.Warn("Query failed with no cached result to serve", "instance_id", r.instance.ID,
			"instance", r.instance.Name, "query", r.query, "error", cause)
		return outcome[T]{}, err
	}
	s.metrics.staleServe(r.query)
	s.logger.Warn("Serving the last good result after a failed refresh", "instance_id", r.instance.ID,
		"instance", r.instance.Name, "query", r.query, "fetched_at", fetchedAt, "error", cause)
	return outcome[T]{value: v, meta: Meta{Cached: true, Stale: true, FetchedAt: fetchedAt}}, nil
}

// servesStale reports whether a failure may be hidden behind the last good result: Instagram
// being down, throttling or rejecting the token, or the store failing. A missing object and
// igsource's own errors, such as invalid input or an exhausted hashtag budget, are returned
// as they are.
func servesStale(code apperr.Code) bool {
	switch code {
	case apperr.NeedsReauth, apperr.RateLimited, apperr.Upstream, apperr.Internal:
		return true
	}
	return false
}

// upstreamError gives a failed fetch its code and a message naming the instance.
func upstreamError(cause error, inst *store.Instance) error {
	if _, ok := errors.AsType[*apperr.Error](cause); ok {
		return cause
	}
	switch {
	case errors.Is(cause, errNeedsReauth) || instagram.IsTokenInvalid(cause):
		return apperr.Wrap(cause, apperr.NeedsReauth,
			"Instagram rejected the token of instance %q's account: reconnect the account", inst.Name)
	case instagram.IsRateLimited(cause):
		return apperr.Wrap(cause, apperr.RateLimited,
			"Instagram is rate limiting instance %q's account: try again in a few minutes", inst.Name)
	case instagram.IsNotFound(cause):
		return apperr.Wrap(cause, apperr.NotFound, "not found on Instagram for instance %q", inst.Name)
	}
	return apperr.Wrap(cause, apperr.Upstream,
		"reading from Instagram failed for instance %q: try again later", inst.Name)
}

// restoreCreatedAt sets the CreatedAt of media decoded from the store, which JSON leaves out.
func restoreCreatedAt(v any) {
	switch v := v.(type) {
	case []Media:
		for i := range v {
			restoreMediaTime(&v[i])
		}
	case *Media:
		if v != nil {
			restoreMediaTime(v)
		}
	}
}

func restoreMediaTime(m *Media) {
	if m.Timestamp != nil {
		if t, err := time.Parse(time.RFC3339, *m.Timestamp); err == nil {
			m.CreatedAt = t
		}
	}
	for i := range m.Children {
		restoreMediaTime(&m.Children[i])
	}
}
