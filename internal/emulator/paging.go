package emulator

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Page sizes of the /media edge: Meta's observed default, and the maximum clients use.
const (
	defaultLimit  = 25
	maxMediaLimit = 100
)

// cursorKey is the position a media cursor encodes: the sort key of an item.
type cursorKey struct {
	created time.Time
	id      string
}

// encodeCursor returns an opaque cursor for m. Meta's cursors are opaque base64 too.
func encodeCursor(m *mediaItem) string {
	raw := fmt.Sprintf("%d:%s", m.Created.Unix(), m.ID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(s string) (cursorKey, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursorKey{}, false
	}
	secs, id, ok := strings.Cut(string(raw), ":")
	n, err := strconv.ParseInt(secs, 10, 64)
	if !ok || err != nil || id == "" {
		return cursorKey{}, false
	}
	return cursorKey{created: time.Unix(n, 0), id: id}, true
}

// newerThan reports whether m sorts before the key in newest-first order.
func (k cursorKey) newerThan(m *mediaItem) bool {
	if c := m.Created.Compare(k.created); c != 0 {
		return c > 0
	}
	return m.ID > k.id
}

// parseLimit reads the limit parameter: def when absent, at most maxLimit.
func parseLimit(q url.Values, def, maxLimit int) (int, *graphError) {
	s := q.Get("limit")
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, errParam("Param limit must be a non-negative integer, not %q", s)
	}
	if n == 0 {
		return def, nil
	}
	return min(n, maxLimit), nil
}

// parseUnix reads a since or until parameter in Unix seconds.
func parseUnix(q url.Values, name string) (time.Time, bool, *graphError) {
	s := q.Get(name)
	if s == "" {
		return time.Time{}, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false, errParam("Param %s must be a Unix time in seconds, not %q", name, s)
	}
	return time.Unix(n, 0), true, nil
}

// pageWindow selects the page of list that the after or before cursor points to.
func pageWindow(list []*mediaItem, q url.Values, limit int) (start, end int, gerr *graphError) {
	if c := q.Get("after"); c != "" {
		key, ok := decodeCursor(c)
		if !ok {
			return 0, 0, errParam("Cursor %q is not valid; request the first page again", c)
		}
		start = len(list)
		for i, m := range list {
			if !key.newerThan(m) && m.ID != key.id {
				start = i
				break
			}
		}
		return start, min(start+limit, len(list)), nil
	}
	if c := q.Get("before"); c != "" {
		key, ok := decodeCursor(c)
		if !ok {
			return 0, 0, errParam("Cursor %q is not valid; request the first page again", c)
		}
		end = 0
		for i, m := range list {
			if key.newerThan(m) {
				end = i + 1
			}
		}
		return max(0, end-limit), end, nil
	}
	return 0, min(limit, len(list)), nil
}

// pagingLink rebuilds the request URL for another page, as Meta does: access_token first, the
// original parameters in their order with values percent-encoded (fields braces and commas
// become %7B %7D %2C), then limit and the cursor.
func (e *Emulator) pagingLink(req *graphRequest, limit int, extra ...string) string {
	var b strings.Builder
	b.WriteString(e.baseURL + req.host.prefix())
	if req.version != "" {
		b.WriteString("/" + req.version)
	}
	b.WriteString("/" + strings.Join(req.segments, "/"))
	b.WriteString("?access_token=" + url.QueryEscape(req.token))
	skip := map[string]bool{"access_token": true, "limit": true}
	for i := 0; i+1 < len(extra); i += 2 {
		skip[extra[i]] = true
	}
	skip["after"], skip["before"] = true, true
	for pair := range strings.SplitSeq(req.r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if key == "" || skip[key] || err1 != nil || err2 != nil {
			continue
		}
		b.WriteString("&" + url.QueryEscape(key) + "=" + url.QueryEscape(value))
	}
	b.WriteString("&limit=" + strconv.Itoa(limit))
	for i := 0; i+1 < len(extra); i += 2 {
		b.WriteString("&" + extra[i] + "=" + url.QueryEscape(extra[i+1]))
	}
	return b.String()
}

func base64URL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// edgeLink returns the next link of an edge expanded inside a node, such as the media of a
// user: access_token, fields, limit and after, percent-encoded as in pagingLink.
func (e *Emulator) edgeLink(req *graphRequest, path, fields string, limit int, after string) string {
	var b strings.Builder
	b.WriteString(e.baseURL + req.host.prefix())
	if req.version != "" {
		b.WriteString("/" + req.version)
	}
	b.WriteString("/" + path + "?access_token=" + url.QueryEscape(req.token))
	if fields != "" {
		b.WriteString("&fields=" + url.QueryEscape(fields))
	}
	b.WriteString("&limit=" + strconv.Itoa(limit) + "&after=" + url.QueryEscape(after))
	return b.String()
}
