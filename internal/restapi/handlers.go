package restapi

import (
	"net/http"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/source"
)

func (h *Handler) listInstances(w http.ResponseWriter, r *http.Request) {
	if _, err := readQuery(r, noParams); err != nil {
		h.fail(w, r, err)
		return
	}
	instances, err := h.queries.Instances(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]instanceJSON, len(instances))
	for i := range instances {
		out[i] = newInstanceJSON(&instances[i])
	}
	writeJSON(w, http.StatusOK, envelope{Data: out})
}

func (h *Handler) getInstance(w http.ResponseWriter, r *http.Request) {
	if _, err := readQuery(r, noParams); err != nil {
		h.fail(w, r, err)
		return
	}
	instance, err := h.queries.Instance(r.Context(), r.PathValue("name"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, envelope{Data: newInstanceJSON(instance)})
}

func (h *Handler) listMedia(w http.ResponseWriter, r *http.Request) {
	query, err := readQuery(r, mediaParams)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	settings, err := mediaSettings(query)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	result, err := h.queries.Media(r.Context(), r.PathValue("name"), settings)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeMediaList(w, r, result, separatorParam(query))
}

func (h *Handler) getMedia(w http.ResponseWriter, r *http.Request) {
	query, err := readQuery(r, singleParams)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cache, err := intParam(query, "cache")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	settings := source.SingleSettings{ID: r.PathValue("id"), Cache: cache}
	result, err := h.queries.MediaSingle(r.Context(), r.PathValue("name"), settings)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if result.Media == nil {
		h.fail(w, r, apperr.New(apperr.NotFound, "media %q not found in instance %q",
			settings.ID, r.PathValue("name")))
		return
	}
	h.writeSingle(w, r, result, separatorParam(query))
}

func (h *Handler) listHashtagMedia(w http.ResponseWriter, r *http.Request) {
	query, err := readQuery(r, hashtagParams)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	settings, err := hashtagSettings(r.PathValue("tag"), query)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	result, err := h.queries.HashtaggedMedia(r.Context(), r.PathValue("name"), settings)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.writeMediaList(w, r, result, separatorParam(query))
}

func (h *Handler) getUser(w http.ResponseWriter, r *http.Request) {
	query, err := readQuery(r, userParams)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cache, err := intParam(query, "cache")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	result, err := h.queries.User(r.Context(), r.PathValue("name"), source.UserSettings{Cache: cache})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, envelope{Data: result.User, Meta: NewMeta(result.Meta)})
}

// unknownRoute rejects every request under Prefix that no route matches, with the API's JSON
// error body rather than ServeMux's plain text.
func (h *Handler) unknownRoute(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		WriteErrorResponse(w, http.StatusMethodNotAllowed, string(apperr.Invalid),
			"method "+r.Method+" not allowed: the API is read-only, use GET")
		return
	}
	h.fail(w, r, apperr.New(apperr.NotFound,
		"no API route %s: routes start with %sinstances", r.URL.Path, Prefix))
}

// fail writes err as the response, logging it first when its details are hidden.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.CodeOf(err) == apperr.Internal {
		h.logger.ErrorContext(r.Context(), "API request failed",
			"method", r.Method, "path", r.URL.Path, "error", err)
	}
	WriteError(w, err)
}
