package restapi

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/source"
)

// The query parameters of each route. A request with any other parameter, or with one of
// them repeated, is rejected, so that a misspelt name such as amonut=5 fails instead of
// silently taking the default. An empty value counts as not set, so that a form's blank field
// takes the default.
var (
	noParams      = []string{}
	mediaParams   = []string{"type", "amount", "offset", "since", "until", "cache", "separator"}
	singleParams  = []string{"cache", "separator"}
	hashtagParams = []string{"edge", "amount", "cache", "separator"}
	userParams    = []string{"cache"}
)

// readQuery parses the request's query string and checks its names against the route's
// accepted parameters.
func readQuery(r *http.Request, accepted []string) (url.Values, error) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid,
			"invalid query string %q: percent-encode the parameter values", r.URL.RawQuery)
	}
	for _, name := range slices.Sorted(maps.Keys(query)) {
		if !slices.Contains(accepted, name) {
			return nil, unknownParam(name, accepted)
		}
		if len(query[name]) > 1 {
			return nil, apperr.New(apperr.Invalid,
				"query parameter %q is repeated %d times: give it once", name, len(query[name]))
		}
	}
	return query, nil
}

func unknownParam(name string, accepted []string) error {
	if len(accepted) == 0 {
		return apperr.New(apperr.Invalid,
			"unknown query parameter %q: this route takes no query parameters", name)
	}
	return apperr.New(apperr.Invalid, "unknown query parameter %q: this route accepts %s",
		name, strings.Join(accepted, ", "))
}

// intParam returns the whole number in parameter name, or nil when it is not set.
func intParam(query url.Values, name string) (*int, error) {
	s := query.Get(name)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid,
			"invalid %s %q: use a whole number such as 20", name, s)
	}
	return &n, nil
}

// timeParam returns the RFC 3339 date-time in parameter name, or nil when it is not set. The
// source layer's parser decides what is valid, as it does for GraphQL.
func timeParam(query url.Values, name string) (*time.Time, error) {
	s := query.Get(name)
	if s == "" {
		return nil, nil
	}
	t, err := source.ParseTime(s)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid,
			"invalid %s %q: use an RFC 3339 date-time such as 2024-05-01T00:00:00Z", name, s)
	}
	return &t, nil
}

// separatorParam returns the separator that joins the hashtags field, ", " by default. The
// parameter is read with Has rather than Get, so that separator= joins with nothing.
func separatorParam(query url.Values) string {
	if !query.Has("separator") {
		return source.DefaultHashtagSeparator
	}
	return query.Get("separator")
}

// mediaSettings reads the parameters of the media list route.
func mediaSettings(query url.Values) (source.MediaSettings, error) {
	s := source.MediaSettings{Type: query.Get("type")}
	var err error
	if s.Amount, err = intParam(query, "amount"); err != nil {
		return s, err
	}
	if s.Offset, err = intParam(query, "offset"); err != nil {
		return s, err
	}
	if s.Cache, err = intParam(query, "cache"); err != nil {
		return s, err
	}
	if s.Since, err = timeParam(query, "since"); err != nil {
		return s, err
	}
	if s.Until, err = timeParam(query, "until"); err != nil {
		return s, err
	}
	return s, nil
}

// hashtagSettings reads the parameters of the hashtag media route.
func hashtagSettings(tag string, query url.Values) (source.HashtagSettings, error) {
	s := source.HashtagSettings{Hashtag: tag, Edge: query.Get("edge")}
	var err error
	if s.Amount, err = intParam(query, "amount"); err != nil {
		return s, err
	}
	if s.Cache, err = intParam(query, "cache"); err != nil {
		return s, err
	}
	return s, nil
}
