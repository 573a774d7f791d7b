package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/config"
	"github.com/igsource/igsource/internal/restapi"
	"github.com/igsource/igsource/internal/source"
)

// queryCmd runs the four content queries of an instance. The result is printed as the REST
// API returns it, {"data": ..., "meta": ...}, with the same field names.
type queryCmd struct {
	Media   queryMediaCmd   `cmd:"" help:"List the instance account's media, newest first."`
	Single  querySingleCmd  `cmd:"" help:"Read one media by its Instagram media id."`
	Hashtag queryHashtagCmd `cmd:"" help:"List public media with a hashtag (Facebook Login instances only)."`
	User    queryUserCmd    `cmd:"" help:"Read the profile of the instance's account."`

	Instance string `required:"" help:"Name of the instance to query." placeholder:"NAME"`
	Cache    *int   `help:"Seconds a cached result may be old; 0 reads Instagram (default: the instance's cache time, 0 for user)." placeholder:"SECONDS"`

	config.Config `embed:"" group:"settings" set:"data_default=./igsource-data"`
}

type queryMediaCmd struct {
	Type      string `help:"ALL, IMAGE, VIDEO or ALBUM; reels count as VIDEO." default:"ALL"`
	Amount    *int   `help:"Maximum number of media, 1 to 1000 (default 20)."`
	Offset    *int   `help:"Number of matching media skipped first (default 0)."`
	Since     string `help:"Only media created at or after this RFC 3339 time." placeholder:"TIME"`
	Until     string `help:"Only media created at or before this RFC 3339 time." placeholder:"TIME"`
	Separator string `help:"Separator of the joined hashtags field." default:", "`
}

func (c *queryMediaCmd) Run(ctx context.Context, s *streams, q *queryCmd) error {
	settings := source.MediaSettings{Type: c.Type, Amount: c.Amount, Offset: c.Offset, Cache: q.Cache}
	var err error
	if settings.Since, err = optionalTime(c.Since); err != nil {
		return err
	}
	if settings.Until, err = optionalTime(c.Until); err != nil {
		return err
	}
	return q.run(ctx, s, func(b *backend) (any, error) {
		result, err := b.source.Media(ctx, q.Instance, settings)
		if err != nil {
			return nil, err
		}
		return response{Data: mediaViews(result.Media, c.Separator), Meta: restapi.NewMeta(result.Meta)}, nil
	})
}

type querySingleCmd struct {
	ID        string `required:"" help:"Instagram media id." placeholder:"ID"`
	Separator string `help:"Separator of the joined hashtags field." default:", "`
}

func (c *querySingleCmd) Run(ctx context.Context, s *streams, q *queryCmd) error {
	return q.run(ctx, s, func(b *backend) (any, error) {
		result, err := b.source.MediaSingle(ctx, q.Instance, source.SingleSettings{ID: c.ID, Cache: q.Cache})
		if err != nil {
			return nil, err
		}
		var view *mediaView
		if result.Media != nil {
			v := newMediaView(*result.Media, c.Separator)
			view = &v
		}
		return response{Data: view, Meta: restapi.NewMeta(result.Meta)}, nil
	})
}

type queryHashtagCmd struct {
	Hashtag   string `required:"" help:"Hashtag, with or without the leading #." placeholder:"TAG"`
	Edge      string `help:"TOP (most popular) or RECENT (last 24 hours)." default:"TOP"`
	Amount    *int   `help:"Maximum number of media, 1 to 200 (default 20)."`
	Separator string `help:"Separator of the joined hashtags field." default:", "`
}

func (c *queryHashtagCmd) Run(ctx context.Context, s *streams, q *queryCmd) error {
	settings := source.HashtagSettings{Hashtag: c.Hashtag, Edge: c.Edge, Amount: c.Amount, Cache: q.Cache}
	return q.run(ctx, s, func(b *backend) (any, error) {
		result, err := b.source.HashtaggedMedia(ctx, q.Instance, settings)
		if err != nil {
			return nil, err
		}
		return response{Data: mediaViews(result.Media, c.Separator), Meta: restapi.NewMeta(result.Meta)}, nil
	})
}

type queryUserCmd struct{}

func (c *queryUserCmd) Run(ctx context.Context, s *streams, q *queryCmd) error {
	return q.run(ctx, s, func(b *backend) (any, error) {
		result, err := b.source.User(ctx, q.Instance, source.UserSettings{Cache: q.Cache})
		if err != nil {
			return nil, err
		}
		return response{Data: result.User, Meta: restapi.NewMeta(result.Meta)}, nil
	})
}

// run opens the backend, runs query and prints its result as JSON.
func (q *queryCmd) run(ctx context.Context, s *streams, query func(*backend) (any, error)) error {
	b, err := openBackend(ctx, &q.Config, commandLogger(&q.Config, s), nil)
	if err != nil {
		return err
	}
	defer b.Close()
	result, err := query(b)
	if err != nil {
		return queryError(err)
	}
	return writeJSON(s.stdout, result)
}

// response is the JSON body of a query result. Its meta member is the REST API's, so
// fetchedAt has the same RFC 3339 form to the second in UTC.
type response struct {
	Data any           `json:"data"`
	Meta *restapi.Meta `json:"meta"`
}

// mediaView is a media with the joined hashtags field that GraphQL computes from its
// separator argument.
type mediaView struct {
	source.Media
	Hashtags string      `json:"hashtags"`
	Children []mediaView `json:"children"`
}

func newMediaView(m source.Media, separator string) mediaView {
	return mediaView{Media: m, Hashtags: m.Hashtags(separator), Children: mediaViews(m.Children, separator)}
}

func mediaViews(media []source.Media, separator string) []mediaView {
	views := make([]mediaView, len(media))
	for i, m := range media {
		views[i] = newMediaView(m, separator)
	}
	return views
}

func optionalTime(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := source.ParseTime(s)
	if err != nil {
		return nil, &usageError{err}
	}
	return &t, nil
}

// queryError adds the error code of the content APIs to a query's error. Invalid input and
// unknown names exit with the usage status and print the apperr message alone, because it
// names the value and the fix, and its cause, such as the store's "not found", repeats it.
func queryError(err error) error {
	code := apperr.CodeOf(err)
	if code == apperr.Invalid || code == apperr.NotFound {
		text := fmt.Sprintf("query failed with %s: %s", code, apperr.MessageOf(err))
		return &usageError{&messageError{text: text, err: err}}
	}
	return fmt.Errorf("query failed with %s: %w", code, err)
}

// messageError is an error that prints text in place of err's chain, which errors.Is and
// errors.As still reach.
type messageError struct {
	text string
	err  error
}

func (e *messageError) Error() string { return e.text }
func (e *messageError) Unwrap() error { return e.err }
