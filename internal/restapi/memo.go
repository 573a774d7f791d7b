package restapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/source"
)

// Limits of the body memo. A page of 20 media encodes to about 20 KB, so the entry limit
// binds for default pages and the byte limit for pages of hundreds of media.
const (
	maxMemoEntries = 512
	maxMemoBytes   = 16 << 20
)

// memoKey identifies one response body of a cached result. The source layer returns the
// same slice or pointer for as long as a cache entry lives and never modifies it, so the
// address of its first media, its length and its fetch time name the entry. The key keeps
// that memory alive, so the address cannot be reused by another result while the key
// exists. The separator changes the data, and the cached and stale flags the meta member.
type memoKey struct {
	first     *source.Media // the first media of a list, or the single media
	length    int
	fetchedAt int64 // Unix nanoseconds
	separator string
	cached    bool
	stale     bool
}

// bodyMemo contains the response bodies of recent results, so that a warm request writes
// bytes instead of encoding the media again.
type bodyMemo struct {
	mu      sync.Mutex
	entries map[memoKey][]byte
	size    int // bytes of all values
}

func newBodyMemo() *bodyMemo {
	return &bodyMemo{entries: map[memoKey][]byte{}}
}

// body returns the response body for key, building it with build when the memo has none.
func (m *bodyMemo) body(key memoKey, build func() ([]byte, error)) ([]byte, error) {
	m.mu.Lock()
	b, ok := m.entries[key]
	m.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := build()
	if err != nil {
		return nil, err
	}
	m.put(key, b)
	return b, nil
}

func (m *bodyMemo) put(key memoKey, b []byte) {
	if len(b) > maxMemoBytes/4 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.entries[key]; ok {
		m.size -= len(old)
	}
	// Entries of refreshed results are never requested again, so dropping arbitrary ones
	// costs at most one encoding each.
	for k, old := range m.entries {
		if len(m.entries) < maxMemoEntries && m.size+len(b) <= maxMemoBytes {
			break
		}
		delete(m.entries, k)
		m.size -= len(old)
	}
	m.entries[key] = b
	m.size += len(b)
}

// contentBody returns a content query's response body, the same bytes that writeJSON
// writes for an envelope of data and meta.
func contentBody(data any, meta source.Meta) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(envelope{Data: data, Meta: NewMeta(meta)}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeBody writes a JSON response body with Content-Length, in one Write.
func writeBody(w http.ResponseWriter, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	// An error here means the client went away; nothing remains to tell it.
	_, _ = w.Write(body)
}

// writeMediaList writes a media list result, from the memo when the same cache entry was
// written before with the same separator and flags.
func (h *Handler) writeMediaList(w http.ResponseWriter, r *http.Request, result *source.MediaResult, separator string) {
	build := func() ([]byte, error) {
		return contentBody(newMediaListJSON(result.Media, separator), result.Meta)
	}
	if len(result.Media) == 0 {
		h.writeBuilt(w, r, build)
		return
	}
	h.writeMemo(w, r, newMemoKey(&result.Media[0], len(result.Media), result.Meta, separator), build)
}

// writeSingle writes a single media result, from the memo like writeMediaList.
func (h *Handler) writeSingle(w http.ResponseWriter, r *http.Request, result *source.SingleResult, separator string) {
	build := func() ([]byte, error) {
		return contentBody(newMediaJSON(result.Media, separator), result.Meta)
	}
	h.writeMemo(w, r, newMemoKey(result.Media, 1, result.Meta, separator), build)
}

func newMemoKey(first *source.Media, length int, meta source.Meta, separator string) memoKey {
	return memoKey{first: first, length: length, fetchedAt: meta.FetchedAt.UnixNano(),
		separator: separator, cached: meta.Cached, stale: meta.Stale}
}

func (h *Handler) writeMemo(w http.ResponseWriter, r *http.Request, key memoKey, build func() ([]byte, error)) {
	body, err := h.memo.body(key, build)
	if err != nil {
		h.fail(w, r, apperr.Wrap(err, apperr.Internal, "encode the response"))
		return
	}
	writeBody(w, body)
}

func (h *Handler) writeBuilt(w http.ResponseWriter, r *http.Request, build func() ([]byte, error)) {
	body, err := build()
	if err != nil {
		h.fail(w, r, apperr.Wrap(err, apperr.Internal, "encode the response"))
		return
	}
	writeBody(w, body)
}
