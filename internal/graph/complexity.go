package graph

import (
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
