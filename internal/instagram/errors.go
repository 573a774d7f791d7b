package instagram

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrorKind is the class of an error that decides the caller's next step, derived from Meta's
// code and error_subcode. Meta's type member differs by host (IGApiException on graph.instagram.com,
// OAuthException on graph.facebook.com) and its HTTP statuses are inconsistent, so neither
// decides the kind.
type ErrorKind string

// The error kinds.
const (
	// TokenInvalid means the token cannot be used: expired, revoked, password changed, or sent
	// to the wrong host. The account must be reconnected.
	TokenInvalid ErrorKind = "token_invalid"
	// RateLimited means an app, user, Page or Business Use Case limit was reached. Calling
	// again while throttled extends the block, so wait for RetryAfter.
	RateLimited ErrorKind = "rate_limited"
	// Permission means the token lacks a permission or the app lacks a feature.
	Permission ErrorKind = "permission"
	// NotFound means the object does not exist or the token cannot see it (code 100,
	// subcode 33); Meta does not distinguish the two.
	NotFound ErrorKind = "not_found"
	// InvalidRequest means Meta rejected a parameter, field or path of the request.
	InvalidRequest ErrorKind = "invalid_request"
	// Transient means the call may succeed if repeated after a backoff.
	Transient ErrorKind = "transient"
	// Unknown is any other error.
	Unknown ErrorKind = "unknown"
)

// Default waits for RetryAfter when Meta sends no estimate. Meta documents no retry interval
// for throttled calls. These values are estimates that keep callers from calling again at once.
const (
	DefaultRateLimitBackoff = 5 * time.Minute
	DefaultTransientBackoff = 30 * time.Second
)

// messageNotJSON is the Message of an error response whose body is not Meta's JSON. The body
// itself is not kept, because a proxy's error page may echo the request URL and its token.
const messageNotJSON = "error response is not Meta's JSON error"

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// Error is an error returned by a Meta API, or a failed round trip to it. Its Error text never
// contains a token, an app secret or a paging URL.
type Error struct {
	Op         string // the request method and path without query, e.g. "GET /v25.0/me/media"
	HTTPStatus int    // 0 when no response arrived
	Code       int    // Meta's error.code; for the OAuth endpoint's legacy shape, its code member
	Subcode    int    // Meta's error.error_subcode, 0 when absent
	Type       string // Meta's error.type (OAuthException, IGApiException) or error_type
	Message    string
	FBTraceID  string // Meta's support id for the failed call
	Transient  bool   // Meta's error.is_transient
	Kind       ErrorKind
	RetryAfter time.Duration // how long to wait before calling again; 0 when retrying will not help
	Err        error         // the network or read error when no usable response arrived
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	switch {
	case e.Code != 0:
		fmt.Fprintf(&b, "meta error code %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, " subcode %d", e.Subcode)
		}
	case e.HTTPStatus != 0:
		fmt.Fprintf(&b, "HTTP %d", e.HTTPStatus)
	default:
		b.WriteString("request failed")
	}
	fmt.Fprintf(&b, " (%s)", e.Kind)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.FBTraceID != "" {
		fmt.Fprintf(&b, " (fbtrace_id %s)", e.FBTraceID)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// IsTokenInvalid reports whether err means the token is unusable and the account must be
// reconnected.
func IsTokenInvalid(err error) bool { return kindOf(err) == TokenInvalid }

// IsRateLimited reports whether err is a throttling error.
func IsRateLimited(err error) bool { return kindOf(err) == RateLimited }

// IsNotFound reports whether err means the requested object does not exist or is not
// visible to the token, including a hashtag search without a match.
func IsNotFound(err error) bool {
	return kindOf(err) == NotFound || errors.Is(err, ErrHashtagNotFound)
}

// IsTransient reports whether err may go away when the call is repeated after a backoff.
func IsTransient(err error) bool { return kindOf(err) == Transient }

func kindOf(err error) ErrorKind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return ""
}

// graphErrorBody is the Graph API envelope {"error":{...}} and, in the same object, the legacy
// shape {"error_type","code","error_message"} of api.instagram.com/oauth/access_token.
type graphErrorBody struct {
	Error *struct {
		Message     string      `json:"message"`
		Type        string      `json:"type"`
		Code        json.Number `json:"code"`
		Subcode     json.Number `json:"error_subcode"`
		IsTransient bool        `json:"is_transient"`
		UserMessage string      `json:"error_user_msg"`
		FBTraceID   string      `json:"fbtrace_id"`
	} `json:"error"`
	ErrorType    string      `json:"error_type"`
	Code         json.Number `json:"code"`
	ErrorMessage string      `json:"error_message"`
}

// newResponseError builds the *Error of a non-2xx response from its bounded body. The usage
// headers of the same response supply RetryAfter when Meta estimates it.
func newResponseError(op string, status int, header http.Header, body []byte, usage Usage) *Error {
	e := &Error{Op: op, HTTPStatus: status}
	var parsed graphErrorBody
	if json.Unmarshal(body, &parsed) == nil {
		switch {
		case parsed.Error != nil:
			g := parsed.Error
			e.Code = atoiNumber(g.Code)
			e.Subcode = atoiNumber(g.Subcode)
			e.Type = g.Type
			e.Message = g.Message
			if e.Message == "" {
				e.Message = g.UserMessage
			}
			e.FBTraceID = g.FBTraceID
			e.Transient = g.IsTransient
		case parsed.ErrorType != "" || parsed.ErrorMessage != "":
			e.Code = atoiNumber(parsed.Code)
			e.Type = parsed.ErrorType
			e.Message = parsed.ErrorMessage
			e.Kind = classifyLegacy(e.Code, status)
		}
	}
	if e.Kind == "" {
		e.Kind = classify(e.Code, e.Subcode, e.Message, e.Transient, status)
	}
	switch {
	case e.Message != "":
	case len(body) == 0:
		e.Message = http.StatusText(status)
	case e.Code == 0:
		e.Message = messageNotJSON
	}
	e.RetryAfter = retryAfter(e.Kind, header, usage)
	return e
}

func atoiNumber(n json.Number) int {
	i, err := strconv.Atoi(n.String())
	if err != nil {
		return 0
	}
	return i
}

// classify maps a Graph error to its kind. The HTTP status counts only when the body carries
// no code, because Meta sends throttling and token errors as HTTP 400 and sometimes other
// statuses for the same code.
func classify(code, subcode int, message string, transient bool, status int) ErrorKind {
	switch {
	case code == 190 || code == 102:
		return TokenInvalid
	case code == 2500:
		// Code 2500 is both "Unknown path components" and "An active access token must be
		// used to query information about the current user", so only the message separates them.
		if strings.Contains(strings.ToLower(message), "active access token") {
			return TokenInvalid
		}
		return InvalidRequest
	case isRateLimitCode(code):
		return RateLimited
	case code == 3 || code == 10 || (code >= 200 && code <= 299):
		return Permission
	case code == 100 && subcode == 33:
		return NotFound
	case code == 100:
		return InvalidRequest
	case code == 1 || code == 2 || transient:
		return Transient
	case code != 0:
		return Unknown
	}
	switch {
	case status == http.StatusTooManyRequests:
		return RateLimited
	case status >= 500:
		return Transient
	}
	return Unknown
}

// isRateLimitCode reports Meta's throttling codes: 4 (app), 17 (user), 32 (Pages), 613
// (custom), 341 (application limit) and the Business Use Case codes 80001 (Page), 80002
// (Instagram) and 80006 (Messenger).
func isRateLimitCode(code int) bool {
	switch code {
	case 4, 17, 32, 341, 613, 80001, 80002, 80006:
		return true
	}
	return false
}

// classifyLegacy maps the OAuth endpoint's legacy error, whose code is an HTTP status such as
// 400 for a code that was not found or already used.
func classifyLegacy(code, status int) ErrorKind {
	if code == 0 {
		code = status
	}
	switch {
	case code == http.StatusTooManyRequests:
		return RateLimited
	case code >= 500:
		return Transient
	case code >= 400:
		return InvalidRequest
	}
	return Unknown
}

// retryAfter prefers Meta's own estimate: estimated_time_to_regain_access in the Business Use
// Case usage header (minutes), then a Retry-After header (seconds), then a default backoff.
func retryAfter(kind ErrorKind, header http.Header, usage Usage) time.Duration {
	if kind != RateLimited && kind != Transient {
		return 0
	}
	if wait := usage.RegainAccessIn(); wait > 0 {
		return wait
	}
	if s, err := strconv.Atoi(strings.TrimSpace(header.Get("Retry-After"))); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if kind == RateLimited {
		return DefaultRateLimitBackoff
	}
	return DefaultTransientBackoff
}
