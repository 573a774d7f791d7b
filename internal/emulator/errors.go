package emulator

import (
	"bytes"
	"fmt"
	"net/http"
)

// graphError is an error in Meta's Graph envelope.
type graphError struct {
	Status  int // HTTP status; 0 means 400
	Message string
	Code    int
	Subcode *int // nil omits error_subcode; Meta also sends an explicit 0
	// Token marks token errors, which are OAuthException on both hosts and HTTP 401 when the
	// token came in an Authorization header.
	Token bool
}

// errorBody is the wire shape {"error":{...}}.
type errorBody struct {
	Error errorFields `json:"error"`
}

type errorFields struct {
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   *int   `json:"error_subcode,omitempty"`
	FBTraceID string `json:"fbtrace_id"`
}

// errorType returns the type member: graph.instagram.com sends IGApiException for most errors
// and OAuthException for token errors, graph.facebook.com OAuthException throughout.
func (g *graphError) errorType(host Host) string {
	if host == HostInstagram && !g.Token {
		return "IGApiException"
	}
	return "OAuthException"
}

// status returns the HTTP status: 400 for every Graph error, except 401 for a token error whose
// token came in an Authorization header (observed; Meta documents only 400).
func (g *graphError) status(bearer bool) int {
	if g.Status != 0 {
		return g.Status
	}
	if g.Token && bearer {
		return http.StatusUnauthorized
	}
	return http.StatusBadRequest
}

// errNoObject returns Meta's error for a deleted, unknown or inaccessible object.
func errNoObject(id string) *graphError {
	return &graphError{Code: 100, Subcode: ptr(33), Message: fmt.Sprintf(
		"Unsupported get request. Object with ID '%s' does not exist, cannot be loaded due to "+
			"missing permissions, or does not support this operation", id)}
}

// errNoField returns Meta's error for a field that the node type does not have on this host.
func errNoField(field, nodeType string) *graphError {
	return &graphError{Code: 100, Message: fmt.Sprintf(
		"(#100) Tried accessing nonexisting field (%s) on node type (%s)", field, nodeType)}
}

// errParam is a code 100 error about a query parameter.
func errParam(format string, args ...any) *graphError {
	return &graphError{Code: 100, Message: "(#100) " + fmt.Sprintf(format, args...)}
}

// errUnknownPath returns Meta's error for a path that names no node or edge.
func errUnknownPath(rest string) *graphError {
	return &graphError{Code: 2500, Message: "Unknown path components: " + rest}
}

// newTraceID returns an fbtrace_id-like value, unique per response.
func (e *Emulator) newTraceID() string {
	e.mu.Lock()
	e.trace++
	n := e.trace
	e.mu.Unlock()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	b := make([]byte, 23)
	x := n
	for i := range b {
		x += 0x9e3779b97f4a7c15 // splitmix64 step
		z := (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		b[i] = alphabet[(z^(z>>31))%64]
	}
	return string(b)
}

// writeError sends g in Meta's envelope.
func (e *Emulator) writeError(w http.ResponseWriter, host Host, bearer bool, g *graphError) {
	body := errorBody{Error: errorFields{
		Message:   g.Message,
		Type:      g.errorType(host),
		Code:      g.Code,
		Subcode:   g.Subcode,
		FBTraceID: e.newTraceID(),
	}}
	if g.Token {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`OAuth "Facebook Platform" "invalid_token" %q`, g.Message))
	}
	writeJSON(w, g.status(bearer), body)
}

// writeJSON sends v with Meta's content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	if err := encodeJSON(&b, v); err != nil {
		http.Error(w, "encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
