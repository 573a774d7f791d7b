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
// the account cannot read is a NOT_FOUND error.
func (s *Service) MediaSingle(ctx context.Context, instanceName string, settings SingleSettings) (*SingleResult, error) {
	inst, err := s.Instance(ctx, instanceName)
	if err != nil {
		return nil, err
	}
	q, err := settings.validate(inst.CacheSeconds)
	if err != nil {
		return nil, err
	}
	item, meta, err := load(ctx, s, request[*Media]{
		query: "single", instance: inst, key: s.cacheKey(q.key(inst.ID)), maxAge: q.cache,
		fetch: func(ctx context.Context) (*Media, error) { return s.fetchSingle(ctx, inst, q.id) },
	})
	if err != nil {
		return nil, err
	}
	return &SingleResult{Media: item, Meta: meta}, nil
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
