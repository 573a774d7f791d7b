package source

import (
	"context"
	"errors"
	"strings"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

// MediaSingle returns one media of an instance's account by its Instagram media id. A media
// the account cannot read is a NOT_FOUND error, which is cached in memory like a result, so that
// repeating a request for an unknown id within its cache time costs no upstream call.
func (s *Service) MediaSingle(ctx context.Context, instanceName string, settings SingleSettings) (*SingleResult, error) {
	inst, err := s.Instance(ctx, instanceName)
	if err != nil {
		return nil, err
	}
	q, err := settings.validate(inst.CacheSeconds)
	if err != nil {
		return nil, err
	}
	r := request[*Media]{query: "single", instance: inst, key: s.cacheKey(q.key(inst.ID)), maxAge: q.cache}
	if err := s.cachedNotFound(ctx, r); err != nil {
		return nil, err
	}
	r.fetch = func(ctx context.Context) (*Media, error) {
		fetchedAt := s.clock.Now().UTC()
		item, err := s.fetchSingle(ctx, inst, q.id)
		if apperr.CodeOf(err) == apperr.NotFound {
			s.notFound.put(r.key, cacheEntry{value: err, fetchedAt: fetchedAt})
		}
		return item, err
	}
	item, meta, err := load(ctx, s, r)
	if err != nil {
		return nil, err
	}
	return &SingleResult{Media: item, Meta: meta}, nil
}

// cachedNotFound returns the cached NOT_FOUND error of r when it is fresh enough for
// r.maxAge. A good result that is also fresh enough wins, so the error is then nil.
func (s *Service) cachedNotFound(ctx context.Context, r request[*Media]) error {
	e, ok := s.notFound.get(r.key)
	if !ok || !e.freshFor(r.maxAge, s.clock.Now()) {
		return nil
	}
	if _, _, fresh := lookupFresh(ctx, s, r); fresh {
		return nil
	}
	s.metrics.cacheHit(r.query)
	return e.value.(error)
}

func (s *Service) fetchSingle(ctx context.Context, inst *store.Instance, id string) (*Media, error) {
	t, err := s.target(ctx, inst)
	if err != nil {
		return nil, err
	}
	s.metrics.upstreamCall("single")
	m, err := s.client.GetMedia(ctx, t.cred, id, nil)
	if instagram.IsNotFound(err) || isNotMedia(err) {
		return nil, apperr.Wrap(err, apperr.NotFound,
			"media %s not found: instance %q's account has no media with this id, or it was deleted", id, inst.Name)
	}
	if err != nil {
		return nil, err
	}
	items, err := s.finishMedia(ctx, t, []instagram.Media{*m}, false)
	if err != nil {
		return nil, err
	}
	return &items[0], nil
}

// isNotMedia reports whether Meta rejected a media read because the id names another kind of
// node, such as a user: code 100 with "Tried accessing nonexisting field (caption) on node
// type (IGUser)". Reading the id again gives the same error, so it means the media does not
// exist.
func isNotMedia(err error) bool {
	igErr, ok := errors.AsType[*instagram.Error](err)
	return ok && igErr.Code == 100 && strings.Contains(strings.ToLower(igErr.Message), "nonexisting field")
}
