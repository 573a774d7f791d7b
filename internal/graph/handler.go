package graph

import (
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/igsource/igsource/internal/graph/generated"
)

// DefaultComplexityLimit is the complexity limit when Options sets none, and the default of
// the --complexity-limit setting. Media lists cost their selection times their amount, so one
// media query of the maximum 1000 items with every field, album children included, costs
// 31002 and passes, while two such queries in one request do not.
const DefaultComplexityLimit = 50_000

// queryCacheSize is the number of parsed and validated query documents kept, so that the
// repeated queries of a website's pages skip parsing.
const queryCacheSize = 1000

// Options configures the GraphQL handler.
type Options struct {
	Logger *slog.Logger // receives internal errors and recovered panics; nil discards them

	// ComplexityLimit rejects an operation whose complexity exceeds it before anything runs.
	// Zero or less means DefaultComplexityLimit.
	ComplexityLimit int

	// MaxContentFields rejects an operation with more media, mediaSingle, hashtaggedMedia and
	// user fields than this before anything runs. Zero or less means DefaultMaxContentFields.
	MaxContentFields int

	// Introspection allows __schema and __type queries, which GraphQL tools use to read the
	// schema.
	Introspection bool
}

// NewHandler returns the GraphQL endpoint, which accepts queries by POST with a JSON body and
// by GET with the query in the URL.
func NewHandler(queries Queries, opts Options) http.Handler {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	limit := opts.ComplexityLimit
	if limit <= 0 {
		limit = DefaultComplexityLimit
	}

	maxContent := opts.MaxContentFields
	if maxContent <= 0 {
		maxContent = DefaultMaxContentFields
	}

	cfg := generated.Config{Resolvers: &Resolver{queries: queries}}
	setComplexity(&cfg.Complexity)

	srv := handler.New(generated.NewExecutableSchema(cfg))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](queryCacheSize))
	srv.SetParserTokenLimit(maxQueryTokens)
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(intVariables{})
	srv.Use(&complexityLimit{limit: limit})
	srv.Use(&contentLimit{limit: maxContent, queries: queries})
	srv.AroundResponses(reportResults)
	srv.SetErrorPresenter(presentError(logger))
	srv.SetRecoverFunc(recoverPanic(logger))
	return endpoint{next: srv, memo: newResponseMemo(queries)}
}
