// Package model holds the GraphQL types that have no counterpart in the source layer: the
// DateTime scalar and the generated enums.
package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/igsource/igsource/internal/apperr"
)

// DateTime is an RFC 3339 date-time as the client wrote it. The scalar only checks that the
// value is a string. The resolvers parse it with the source layer's parser, as the REST API
// does, so both reject a malformed date with the same message.
type DateTime string

// UnmarshalGQL accepts a GraphQL string and rejects any other value with an INVALID_INPUT
// error naming it.
func (d *DateTime) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return apperr.New(apperr.Invalid,
			"invalid date-time %v: expected an RFC 3339 string such as \"2024-05-01T00:00:00Z\"", v)
	}
	*d = DateTime(s)
	return nil
}

// MarshalGQL writes the date-time as a GraphQL string.
func (d DateTime) MarshalGQL(w io.Writer) {
	fmt.Fprint(w, strconv.Quote(string(d)))
}
