package graph

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/igsource/igsource/internal/apperr"
)

// errPanicLogged marks the error that replaces a recovered panic, which recoverPanic has
// already logged with its stack.
var errPanicLogged = errors.New("resolver panicked")

// presentError returns the error presenter. Every error leaves with an apperr code in
// extensions.code: an *apperr.Error keeps its code and message (the complexity limit's error
// is one), gqlgen's own parse and validation errors become INVALID_INPUT with their message,
// and anything else is logged and shown as INTERNAL with a generic message.
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		located := graphql.DefaultErrorPresenter(ctx, err)
		presented := &gqlerror.Error{
			Message:   located.Message,
			Path:      located.Path,
			Locations: located.Locations,
		}

		code := apperr.CodeOf(err)
		switch {
		case code != apperr.Internal:
			presented.Message = apperr.MessageOf(err)
		case isRequestError(located):
			code = apperr.Invalid
		case isIntrospection(located.Path):
			// gqlgen fails __schema and __type only when introspection is off.
			code = apperr.Invalid
			presented.Message = "introspection is disabled on this server: " +
				"enable it in the server's configuration to run __schema and __type queries"
		default:
			if !errors.Is(err, errPanicLogged) {
				logger.ErrorContext(ctx, "GraphQL query failed",
					"path", located.Path.String(), "error", err)
			}
			presented.Message = apperr.MessageOf(err)
		}
		presented.Extensions = map[string]any{"code": string(code)}
		return presented
	}
}

// requestLimitError returns the error of a request that igsource's own limits reject before
// execution. Its code makes gqlgen respond with the status of its parse and validation
// errors (422, or 400 when the client accepts application/graphql-response+json), and the
// presenter replaces that code with the apperr code INVALID_INPUT.
func requestLimitError(err *apperr.Error) *gqlerror.Error {
	gqlErr := &gqlerror.Error{Message: err.Message, Err: err}
	errcode.Set(gqlErr, errcode.ValidationFailed)
	return gqlErr
}

// isRequestError reports whether err is one of gqlgen's errors about the request itself:
// it could not be read, parsed or validated. Their messages describe the client's query and
// are safe to show.
func isRequestError(err *gqlerror.Error) bool {
	switch err.Extensions["code"] {
	case errcode.ParseFailed, errcode.ValidationFailed:
		return true
	}
	// Errors about the request body carry no code, but also no cause and no field path.
	return err.Unwrap() == nil && len(err.Path) == 0
}

// isIntrospection reports whether path is at the root field __schema or __type.
func isIntrospection(path ast.Path) bool {
	if len(path) == 0 {
		return false
	}
	name, ok := path[0].(ast.PathName)
	return ok && (name == "__schema" || name == "__type")
}

// recoverPanic returns the function that turns a resolver's panic into an INTERNAL error,
// logging the panic value and the stack.
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, value any) error {
		path := ""
		if fc := graphql.GetFieldContext(ctx); fc != nil {
			path = fc.Path().String()
		}
		logger.ErrorContext(ctx, "GraphQL resolver panicked",
			"path", path, "panic", value, "stack", string(debug.Stack()))
		return apperr.Wrap(errPanicLogged, apperr.Internal, "internal error")
	}
}
