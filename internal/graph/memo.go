package graph

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/igsource/igsource/internal/source"
)

// Limits of the response memo. Each key is a request body of up to maxBodyBytes, so the
// byte limit counts keys as well as response bodies.
const (
	maxMemoEntries = 256
	maxMemoBytes   = 32 << 20
)

// resultChecker reports whether a cached result is still current; *source.Service implements it.
// The response memo is off for a Queries without it.
type resultChecker interface {
	Current(ctx context.Context, instance string, meta source.Meta) bool
}

// resultUse is one content result that a response was built from.
type resultUse struct {
	instance string
	meta     source.Meta
}

// memoEntry is a response body and the results it was built from.
type memoEntry struct {
	body        []byte
	contentType string
	uses        []resultUse
}

// responseMemo contains the bodies of responses whose every content result came fresh from
// the cache, by request. gqlgen runs a resolver and marshals a value for every field of
// every media, which costs about 50 times the CPU of writing the bytes. A warm request
// therefore checks with the source layer that each result is still current and writes the
// bytes instead.
type responseMemo struct {
	checker resultChecker
	mu      sync.Mutex
	entries map[string]*memoEntry
	size    int // bytes of all keys and bodies
}

func newResponseMemo(queries Queries) *responseMemo {
	checker, ok := queries.(resultChecker)
	if !ok {
		return nil
	}
	return &responseMemo{checker: checker, entries: map[string]*memoEntry{}}
}

// memoKey returns the memo key of a request: the method, the Accept header, which selects
// the response's Content-Type, and the body of a POST or the query string of a GET.
func memoKey(r *http.Request, body []byte) string {
	if r.Method == http.MethodGet {
		return "GET\x00" + r.Header.Get("Accept") + "\x00" + r.URL.RawQuery
	}
	return "POST\x00" + r.Header.Get("Accept") + "\x00" + string(body)
}

// serve writes the memo's body for key while every result it was built from is still current,
// and otherwise runs next and keeps its response when it qualifies.
func (m *responseMemo) serve(w http.ResponseWriter, r *http.Request, key string, next http.Handler) {
	if e := m.get(key); e != nil && m.current(r.Context(), e) {
		h := w.Header()
		h.Set("Content-Type", e.contentType)
		h.Set("Content-Length", strconv.Itoa(len(e.body)))
		w.WriteHeader(http.StatusOK)
		// A failed write means the client went away, so nothing remains to tell it.
		_, _ = w.Write(e.body)
		return
	}
	log := &resultLog{}
	capture := &captureWriter{ResponseWriter: w}
	next.ServeHTTP(capture, r.WithContext(context.WithValue(r.Context(), resultLogKey{}, log)))
	uses, ok := log.memoizable()
	if !ok || capture.status != http.StatusOK {
		return
	}
	m.put(key, &memoEntry{body: bytes.Clone(capture.body.Bytes()), contentType: w.Header().Get("Content-Type"), uses: uses})
}

func (m *responseMemo) current(ctx context.Context, e *memoEntry) bool {
	for _, use := range e.uses {
		if !m.checker.Current(ctx, use.instance, use.meta) {
			return false
		}
	}
	return true
}

func (m *responseMemo) get(key string) *memoEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.entries[key]
}

func (m *responseMemo) put(key string, e *memoEntry) {
	n := len(key) + len(e.body)
	if n > maxMemoBytes/8 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.entries[key]; ok {
		m.size -= len(key) + len(old.body)
		delete(m.entries, key)
	}
	// Arbitrary entries go first: an entry whose results were refreshed is never served
	// again, and dropping a live one costs one execution.
	for k, old := range m.entries {
		if len(m.entries) < maxMemoEntries && m.size+n <= maxMemoBytes {
			break
		}
		delete(m.entries, k)
		m.size -= len(k) + len(old.body)
	}
	m.entries[key] = e
	m.size += n
}

// captureWriter passes a response through and keeps a copy of its status and body.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}
