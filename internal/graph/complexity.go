package graph

import (
	"context"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/graph/generated"
	"github.com/igsource/igsource/internal/graph/model"
)

// The amount bounds of the media lists. They mirror the source layer's validation, which
// rejects amounts outside them with a clearer message than the complexity limit would give.
const (
	defaultAmount    = 20
	maxMediaAmount   = 1000
	maxHashtagAmount = 200
)

// setComplexity makes each media list cost its per-item selection times the number of items
// requested, so that the complexity limit bounds the work a query causes rather than the
// length of its text.
//
// NOTE: instances counts its selection once, not once per configured instance, so a media
// list under instances costs less than the work it causes when there are several instances.
func setComplexity(c *generated.ComplexityRoot) {
	c.Instance.Media = func(child int, _ *model.MediaType, amount, _ *int,
		_, _ *model.DateTime, _ *int) int {
		return 1 + child*listSize(amount, maxMediaAmount)
	}
	c.Instance.HashtaggedMedia = func(child int, _ string, _ *model.HashtagEdge,
		amount, _ *int) int {
		return 1 + child*listSize(amount, maxHashtagAmount)
	}
}

// listSize returns the number of items a list field with this amount can return, clamped to
// [1, limit] so that an out-of-range amount reaches the source layer's validation.
func listSize(amount *int, limit int) int {
	if amount == nil {
		return defaultAmount
	}
	return min(max(*amount, 1), limit)
}

// complexityLimit rejects an operation whose complexity exceeds limit before any resolver
// runs. It replaces gqlgen's extension.FixedComplexityLimit, whose error names neither the
// setting that raises the limit nor an apperr code.
type complexityLimit struct {
	limit  int
	schema graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &complexityLimit{}

// ExtensionName names the extension in gqlgen's extension list.
func (c *complexityLimit) ExtensionName() string { return "ComplexityLimit" }

// Validate stores the schema whose complexity functions compute each operation's cost.
func (c *complexityLimit) Validate(schema graphql.ExecutableSchema) error {
	c.schema = schema
	return nil
}

// MutateOperationContext computes the operation's complexity and rejects it with an
// INVALID_INPUT error when it exceeds the limit.
func (c *complexityLimit) MutateOperationContext(ctx context.Context,
	opCtx *graphql.OperationContext) *gqlerror.Error {
	cost := complexity.Calculate(ctx, c.schema, opCtx.Operation, opCtx.Variables)
	if cost <= c.limit {
		return nil
	}
	err := apperr.New(apperr.Invalid,
		"query complexity %d exceeds the limit of %d: a media list costs its selected fields "+
			"times its amount, so request fewer media or fields, or raise the server's "+
			"--complexity-limit (IGSOURCE_COMPLEXITY_LIMIT)", cost, c.limit)
	return requestLimitError(err)
}
