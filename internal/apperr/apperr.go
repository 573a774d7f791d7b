// Package apperr defines the one error type whose code and message igsource shows to its users.
// Every layer wraps lower errors in an *Error where the user can act on them. The HTTP and
// GraphQL layers map the code once to a status or an extensions.code.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
)

// Code classifies an error for API clients. The values are part of the public API.
type Code string

// The error codes that igsource returns.
const (
	Invalid       Code = "INVALID_INPUT"
	NotFound      Code = "NOT_FOUND"
	NeedsReauth   Code = "NEEDS_REAUTH"
	RateLimited   Code = "RATE_LIMITED"
	HashtagBudget Code = "HASHTAG_BUDGET"
	Upstream      Code = "UPSTREAM"
	Internal      Code = "INTERNAL"
)

// internalMessage replaces the text of any error that is not an *Error, so that internal
// details never reach an API client.
const internalMessage = "Internal error. The server log has the details."

// Error is an error with a code and a message written for a site owner: it names the value
// involved and what to do next.
type Error struct {
	Code    Code
	Message string
	Err     error // the cause, logged but never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an *Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with a formatted message and err as its cause.
func Wrap(err error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return Internal
}

// MessageOf returns the user-facing message of the first *Error in err's chain, or a generic
// message that hides internal details.
func MessageOf(err error) string {
	if e, ok := errors.AsType[*Error](err); ok && e.Code != Internal {
		return e.Message
	}
	return internalMessage
}

// HTTPStatus maps a code to the HTTP status that the REST API and media routes return.
func HTTPStatus(code Code) int {
	switch code {
	case Invalid:
		return http.StatusBadRequest
	case NotFound:
		return http.StatusNotFound
	case NeedsReauth:
		return http.StatusConflict
	case RateLimited, HashtagBudget:
		return http.StatusTooManyRequests
	case Upstream:
		return http.StatusBadGateway
	default:
		return http.StatusInternalServerError
	}
}
