package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/igsource/igsource/internal/apperr"
)

// MaxBodyBytes is the largest request body the admin API reads. Its bodies are a few small
// settings, so anything bigger is a mistake or an attack.
const MaxBodyBytes = 64 << 10

// CodeConflict is the error code of a request that conflicts with the stored state: a taken
// instance name, or an account that instances still use. It maps to HTTP 409.
const CodeConflict apperr.Code = "CONFLICT"

// errMediaType marks a body sent with a Content-Type other than JSON.
var errMediaType = errors.New("unsupported media type")

// decodeJSON reads one JSON object from r's body into v, rejecting unknown fields, trailing
// data and bodies over MaxBodyBytes. Errors are *apperr.Error values naming the field.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return apperr.Wrap(errMediaType, apperr.Invalid,
			"invalid Content-Type %q: send the body as application/json", r.Header.Get("Content-Type"))
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.New(apperr.Invalid, "invalid JSON body: data after the object: send one JSON object")
	}
	return nil
}

// decodeError turns a json.Decoder error into a message that names the field or the position.
func decodeError(err error) error {
	if e, ok := errors.AsType[*apperr.Error](err); ok {
		return e
	}
	if e, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return apperr.Wrap(e, apperr.Invalid, "request body is larger than %d bytes", MaxBodyBytes)
	}
	if e, ok := errors.AsType[*json.SyntaxError](err); ok {
		return apperr.Wrap(e, apperr.Invalid, "invalid JSON body at byte %d: %s", e.Offset, e.Error())
	}
	if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if e.Field == "" {
			return apperr.Wrap(e, apperr.Invalid, "invalid JSON body: expected an object, got %s", e.Value)
		}
		return apperr.Wrap(e, apperr.Invalid, "invalid field %q: expected %s, got %s",
			e.Field, jsonTypeName(e.Type.Kind().String()), e.Value)
	}
	if errors.Is(err, io.EOF) {
		return apperr.New(apperr.Invalid, "request body is empty: send a JSON object")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return apperr.New(apperr.Invalid, "invalid JSON body: it ends early: send a complete JSON object")
	}
	// encoding/json has no error type for an unknown field, only this message.
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return apperr.Wrap(err, apperr.Invalid, "unknown field %s: the fields are name, account, page and defaultCache", field)
	}
	return apperr.Wrap(err, apperr.Invalid, "invalid JSON body: send a JSON object")
}

func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"):
		return "an integer"
	case kind == "string":
		return "a string"
	}
	return "a " + kind
}

// statusOf maps err to the HTTP status of its response.
func statusOf(err error) int {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return http.StatusRequestEntityTooLarge
	}
	if errors.Is(err, errMediaType) {
		return http.StatusUnsupportedMediaType
	}
	if apperr.CodeOf(err) == CodeConflict {
		return http.StatusConflict
	}
	return apperr.HTTPStatus(apperr.CodeOf(err))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeData writes v as the "data" member of a JSON object.
func writeData(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, map[string]any{"data": v})
}

// writeError writes err as {"error": {"code", "message"}}. The message of an error that is
// not an *apperr.Error is replaced, so internal details stay in the log.
func writeError(w http.ResponseWriter, err error) {
	writeJSON(w, statusOf(err), map[string]any{"error": map[string]string{
		"code": string(apperr.CodeOf(err)), "message": apperr.MessageOf(err)}})
}

// conflict returns a CONFLICT error with a formatted message and err as its cause.
func conflict(err error, format string, args ...any) error {
	return &apperr.Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...), Err: err}
}
