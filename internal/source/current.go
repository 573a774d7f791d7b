package source

import (
	"context"
	"strings"
)

// Current reports whether a result that a request of instance received with meta would be
// served again, unchanged and from the cache, to the same request now. That holds while the
// instance and the media store's public URL are unchanged, the result was cached and not
// stale, and the in-memory entry is the same one and still fresh for meta.MaxAge. Current
// makes no Instagram call, and it reads the store only for the instance, as Instance does.
// A true result counts as a cache hit, because the caller then serves the
// result without asking for it again.
func (s *Service) Current(ctx context.Context, instance string, meta Meta) bool {
	if !meta.Cached || meta.Stale || meta.Key == "" || meta.MaxAge <= 0 {
		return false
	}
	inst, err := s.Instance(ctx, instance)
	if err != nil {
		return false
	}
	// The key ends with the public URL, which the media URLs in the result contain.
	prefix := instancePrefix(inst.ID)
	if !strings.HasPrefix(meta.Key, prefix) || !strings.HasSuffix(meta.Key, s.cacheKey("")) {
		return false
	}
	e, ok := s.cache.get(meta.Key)
	if !ok || !e.fetchedAt.Equal(meta.FetchedAt) || !e.freshFor(meta.MaxAge, s.clock.Now()) {
		return false
	}
	query, _, _ := strings.Cut(strings.TrimPrefix(meta.Key, prefix), "/")
	s.metrics.cacheHit(query)
	return true
}
