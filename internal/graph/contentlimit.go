package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/igsource/igsource/internal/apperr"
)

// DefaultMaxContentFields is the content field limit when Options sets none, and the default
// of the --max-content-fields setting. A page rarely needs more than a media list, a profile
// and a few single media. Each field can cost upstream calls, so without a bound one request
// of hundreds of aliases makes hundreds of calls to Meta.
const DefaultMaxContentFields = 10

// contentFields are the fields of Instance whose resolvers read from Instagram when their
// result is not cached.
var contentFields = map[string]bool{
	"media":           true,
	"mediaSingle":     true,
	"hashtaggedMedia": true,
	"user":            true,
}

// contentLimit rejects an operation with more than limit content fields before any resolver
// runs. Fields are counted as gqlgen runs them: each alias counts, fragments are expanded,
// fields that @skip or @include leave out do not count, and identical fields under one
// response key count once. A content field under instances counts once per instance.
type contentLimit struct {
	limit   int
	queries Queries
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &contentLimit{}

// ExtensionName names the extension in gqlgen's extension list.
func (c *contentLimit) ExtensionName() string { return "ContentFieldLimit" }

// Validate accepts every schema: the limit needs nothing from it.
func (c *contentLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext counts the operation's content fields and rejects it with an
// INVALID_INPUT error when they exceed the limit.
func (c *contentLimit) MutateOperationContext(ctx context.Context,
	opCtx *graphql.OperationContext) *gqlerror.Error {
	perInstance, perEachInstance := countContentFields(opCtx)
	count := perInstance
	if perEachInstance > 0 {
		list, err := c.queries.Instances(ctx)
		if err != nil {
			return &gqlerror.Error{Message: err.Error(), Err: err}
		}
		count += perEachInstance * len(list)
	}
	if count <= c.limit {
		return nil
	}
	err := apperr.New(apperr.Invalid,
		"query has %d content fields, which exceeds the limit of %d. Each media, mediaSingle, "+
			"hashtaggedMedia and user field can call Instagram, so each alias counts, and a "+
			"field under instances counts once per instance: send fewer of them per request, "+
			"or raise the server's --max-content-fields (IGSOURCE_MAX_CONTENT_FIELDS)", count, c.limit)
	return requestLimitError(err)
}

// countContentFields returns the number of content fields under instance fields and the
// number under instances fields, which run once for each instance.
func countContentFields(opCtx *graphql.OperationContext) (single, each int) {
	for _, root := range graphql.CollectFields(opCtx, opCtx.Operation.SelectionSet, []string{"Query"}) {
		n := 0
		for _, field := range graphql.CollectFields(opCtx, root.Selections, []string{"Instance"}) {
			if contentFields[field.Name] {
				n++
			}
		}
		switch root.Name {
		case "instance":
			single += n
		case "instances":
			each += n
		}
	}
	return single, each
}
