package restapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

// envelope is the body of every successful response.
type envelope struct {
	Data any   `json:"data"`
	Meta *Meta `json:"meta,omitempty"` // only for content queries
}

// Meta is the meta member of a content query's response: source.Meta with the time in
// RFC 3339 UTC to the second, as GraphQL reports it. The CLI's query command prints it too.
type Meta struct {
	Cached    bool    `json:"cached"`
	Stale     bool    `json:"stale"`
	FetchedAt *string `json:"fetchedAt"` // null when the source layer gives no time
}

// NewMeta returns m as it appears in responses.
func NewMeta(m source.Meta) *Meta {
	meta := &Meta{Cached: m.Cached, Stale: m.Stale}
	if !m.FetchedAt.IsZero() {
		s := m.FetchedAt.UTC().Format(time.RFC3339)
		meta.FetchedAt = &s
	}
	return meta
}

// instanceJSON has the fields of the GraphQL Instance type.
type instanceJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	DefaultCache int    `json:"defaultCache"`
}

func newInstanceJSON(in *store.Instance) instanceJSON {
	return instanceJSON{ID: strconv.FormatInt(in.ID, 10), Name: in.Name, DefaultCache: in.CacheSeconds}
}

// mediaJSON adds to source.Media the joined hashtags string that GraphQL computes, and
// writes empty lists as [] rather than null, as GraphQL does. Its fields shadow the embedded
// ones of the same JSON name.
type mediaJSON struct {
	*source.Media
	Hashtags    string           `json:"hashtags"`
	HashtagList []source.Hashtag `json:"hashtagList"`
	Children    []mediaJSON      `json:"children"`
}

func newMediaJSON(m *source.Media, separator string) mediaJSON {
	out := mediaJSON{
		Media:       m,
		Hashtags:    m.Hashtags(separator),
		HashtagList: m.HashtagList,
		Children:    make([]mediaJSON, len(m.Children)),
	}
	if out.HashtagList == nil {
		out.HashtagList = []source.Hashtag{}
	}
	for i := range m.Children {
		out.Children[i] = newMediaJSON(&m.Children[i], separator)
	}
	return out
}

func newMediaListJSON(media []source.Media, separator string) []mediaJSON {
	out := make([]mediaJSON, len(media))
	for i := range media {
		out[i] = newMediaJSON(&media[i], separator)
	}
	return out
}

// errorBody is the body of every error response.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// WriteError writes err as a JSON error response with the HTTP status of its apperr code.
// An error that is not an *apperr.Error, or has the INTERNAL code, is shown with a generic
// message, so the caller logs it first.
func WriteError(w http.ResponseWriter, err error) {
	code := apperr.CodeOf(err)
	WriteErrorResponse(w, apperr.HTTPStatus(code), string(code), apperr.MessageOf(err))
}

// WriteErrorResponse writes the JSON error body {"error": {"code", "message"}} with status.
// It serves errors that have no apperr code, such as a missing API key.
func WriteErrorResponse(w http.ResponseWriter, status int, code, message string) {
	var body errorBody
	body.Error.Code = code
	body.Error.Message = message
	writeJSON(w, status, body)
}

// writeJSON encodes v straight into the response. HTML characters stay unescaped because
// captions are returned exactly as posted.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	// An error here means the client went away after the status was sent; nothing remains
	// to tell it.
	_ = enc.Encode(v)
}
