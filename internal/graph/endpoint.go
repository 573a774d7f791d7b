package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"

	"github.com/igsource/igsource/internal/apperr"
)

// maxBodyBytes bounds a POST body, which gqlgen reads whole into memory. Queries are a few
// kilobytes at most, so 1 MiB leaves room for large variables.
const maxBodyBytes = 1 << 20

// maxQueryTokens bounds the tokens that the parser reads from one query, so that a huge query
// fails before it costs parsing time. A query of every field of every type has about 200.
const maxQueryTokens = 10_000

// endpoint rejects, in the GraphQL error format and with an apperr code, the requests that
// gqlgen would reject with a bare "transport not supported" message, or with a message that
// names Go types and repeats the request body.
type endpoint struct {
	next http.Handler
	memo *responseMemo // nil when the Queries cannot check cached results
}

func (e endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Header.Get("Upgrade") != "" {
		WriteError(w, http.StatusBadRequest, string(apperr.Invalid),
			"protocol upgrades are not supported: send queries by POST or GET over HTTP")
		return
	}
	switch r.Method {
	case http.MethodGet:
		if status, msg := checkURLParams(r); status != http.StatusOK {
			WriteError(w, status, string(apperr.Invalid), msg)
			return
		}
	case http.MethodPost:
		mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mediaType != "application/json" {
			WriteError(w, http.StatusUnsupportedMediaType, string(apperr.Invalid),
				"unsupported Content-Type \""+r.Header.Get("Content-Type")+
					"\": send the query as a JSON body with Content-Type: application/json")
			return
		}
		var status int
		var msg string
		body, status, msg = readBody(w, r)
		if status != http.StatusOK {
			WriteError(w, status, string(apperr.Invalid), msg)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	default:
		w.Header().Set("Allow", "GET, POST")
		WriteError(w, http.StatusMethodNotAllowed, string(apperr.Invalid),
			"method "+r.Method+" not allowed: send queries by POST or GET")
		return
	}
	if e.memo != nil {
		e.memo.serve(w, r, memoKey(r, body), e.next)
		return
	}
	e.next.ServeHTTP(w, r)
}

// WriteError writes one error in the GraphQL response format, {"errors": [{"message",
// "extensions": {"code"}}]}, for failures outside query execution, such as a missing API key.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	body := map[string]any{"errors": []any{map[string]any{
		"message":    message,
		"extensions": map[string]any{"code": code},
	}}}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	// A failed write means the client went away, so nothing remains to tell it.
	_ = json.NewEncoder(w).Encode(body)
}
