//go:generate go tool gqlgen generate

// Package graph serves the GraphQL API: the resolvers of the schema in schema/*.graphqls, an
// error presenter that maps apperr codes to extensions.code, and a response extension that
// reports whether each result came from the cache.
package graph

import (
	"context"

	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

// Queries is the part of the source layer that the resolvers call. *source.Service
// implements it.
type Queries interface {
	Media(ctx context.Context, instance string, settings source.MediaSettings) (*source.MediaResult, error)
	MediaSingle(ctx context.Context, instance string, settings source.SingleSettings) (*source.SingleResult, error)
	HashtaggedMedia(ctx context.Context, instance string, settings source.HashtagSettings) (*source.MediaResult, error)
	User(ctx context.Context, instance string, settings source.UserSettings) (*source.UserResult, error)
	Instance(ctx context.Context, name string) (*store.Instance, error)
	Instances(ctx context.Context) ([]store.Instance, error)
}

// Resolver is the root resolver; the generated code reaches every field resolver through it.
type Resolver struct {
	queries Queries
}
