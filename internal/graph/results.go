package graph

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/igsource/igsource/internal/source"
)

// extensionKey is the key of igsource's entry in a response's extensions.
const extensionKey = "igsource"

// resultMeta is the cache state of one field's result, reported in
// extensions.igsource.results so that a client can tell fresh data from a stale copy.
type resultMeta struct {
	Path      string  `json:"path"`      // the field's response path, such as "instance.media"
	Cached    bool    `json:"cached"`    // served from the cache without an upstream call
	Stale     bool    `json:"stale"`     // the refresh failed and this is the last good result
	FetchedAt *string `json:"fetchedAt"` // when the data was read from Instagram, RFC 3339 UTC
}

// resultLog collects the resultMeta of one response, and for the response memo the results
// themselves. Field resolvers run concurrently, hence the mutex.
type resultLog struct {
	mu      sync.Mutex
	results []resultMeta
	uses    []resultUse

	// instances names each instance that a query field resolved. Current checks an instance
	// only through its content results, so an instance without one keeps the response out
	// of the memo.
	instances []string

	// volatile is set when the response holds data that no cached result covers, such as
	// the instances list, or an error.
	volatile bool
}

// memoizable returns the results of the response when the response memo may keep it: it
// has at least one content result, each one cached and not stale, a content result of every
// instance it resolved, and nothing volatile.
func (l *resultLog) memoizable() ([]resultUse, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.volatile || len(l.uses) == 0 {
		return nil, false
	}
	for _, use := range l.uses {
		if !use.meta.Cached || use.meta.Stale || use.meta.Key == "" {
			return nil, false
		}
	}
	for _, name := range l.instances {
		if !slices.ContainsFunc(l.uses, func(use resultUse) bool { return use.instance == name }) {
			return nil, false
		}
	}
	return l.uses, true
}

// recordInstance notes that a query field of ctx resolved the named instance.
func recordInstance(ctx context.Context, name string) {
	if log, ok := ctx.Value(resultLogKey{}).(*resultLog); ok {
		log.mu.Lock()
		log.instances = append(log.instances, name)
		log.mu.Unlock()
	}
}

// markVolatile keeps the response of ctx out of the response memo.
func markVolatile(ctx context.Context) {
	if log, ok := ctx.Value(resultLogKey{}).(*resultLog); ok {
		log.mu.Lock()
		log.volatile = true
		log.mu.Unlock()
	}
}

type resultLogKey struct{}

// reportResults is a response middleware: it gives the resolvers a resultLog and adds what
// they recorded to the response's extensions.
// The response memo puts a resultLog in the request's context, to read it afterwards.
func reportResults(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	log, ok := ctx.Value(resultLogKey{}).(*resultLog)
	if !ok {
		log = &resultLog{}
		ctx = context.WithValue(ctx, resultLogKey{}, log)
	}
	resp := next(ctx)
	if resp == nil {
		return nil
	}

	log.mu.Lock()
	results := log.results
	if len(resp.Errors) > 0 {
		log.volatile = true
	}
	log.mu.Unlock()
	if len(results) == 0 {
		return resp
	}

	slices.SortFunc(results, func(a, b resultMeta) int { return strings.Compare(a.Path, b.Path) })
	if resp.Extensions == nil {
		resp.Extensions = make(map[string]any, 1)
	}
	resp.Extensions[extensionKey] = map[string]any{"results": results}
	return resp
}

// recordResult notes the cache state of the result of the field that ctx belongs to, a
// content field of the named instance.
func recordResult(ctx context.Context, instance string, meta source.Meta) {
	log, ok := ctx.Value(resultLogKey{}).(*resultLog)
	if !ok {
		return
	}
	entry := resultMeta{
		Path:      graphql.GetFieldContext(ctx).Path().String(),
		Cached:    meta.Cached,
		Stale:     meta.Stale,
		FetchedAt: formatTime(meta.FetchedAt),
	}

	log.mu.Lock()
	defer log.mu.Unlock()
	log.results = append(log.results, entry)
	log.uses = append(log.uses, resultUse{instance: instance, meta: meta})
}

// formatTime returns t in RFC 3339 UTC with whole seconds, or nil for the zero time.
func formatTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}
