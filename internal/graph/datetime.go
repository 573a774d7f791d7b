package graph

import (
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/graph/model"
	"github.com/igsource/igsource/internal/source"
)

// parseDateTime parses the since or until argument with the source layer's parser, naming
// the argument in the error. A nil value is an unset argument.
func parseDateTime(argument string, value *model.DateTime) (*time.Time, error) {
	if value == nil {
		return nil, nil
	}
	t, err := source.ParseTime(string(*value))
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid,
			"invalid %s %q: use an RFC 3339 date-time such as 2024-05-01T00:00:00Z", argument, *value)
	}
	return &t, nil
}
