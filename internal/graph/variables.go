package graph

import (
	"context"
	"encoding/json"
	"math/big"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/igsource/igsource/internal/apperr"
)

// intVariables rejects an Int variable whose JSON number is no 64-bit integer, such as 1e300
// or 1.5, with a message that names the variable and its value. gqlparser v2.5.64 rejects
// such a value too, but as "cannot use value 0 as Int", with the value it failed to convert.
type intVariables struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = intVariables{}

// ExtensionName names the extension in gqlgen's extension list.
func (intVariables) ExtensionName() string { return "IntVariables" }

// Validate accepts every schema: the check needs nothing from it.
func (intVariables) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters checks the top-level variables before gqlgen coerces them. It
// parses the query only when a variable holds a number that does not fit an int64, so
// requests without one pay nothing.
func (intVariables) MutateOperationParameters(_ context.Context, params *graphql.RawParams) *gqlerror.Error {
	suspects := map[string]json.Number{}
	for name, value := range params.Variables {
		if n, ok := value.(json.Number); ok {
			if _, err := n.Int64(); err != nil {
				suspects[name] = n
			}
		}
	}
	if len(suspects) == 0 {
		return nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: params.Query})
	if err != nil {
		return nil // gqlgen reports the syntax error
	}
	op := doc.Operations.ForName(params.OperationName)
	if op == nil {
		return nil
	}
	for _, def := range op.VariableDefinitions {
		n, ok := suspects[def.Variable]
		if !ok || def.Type.Elem != nil || def.Type.NamedType != "Int" {
			continue
		}
		return intVariableError(def.Variable, n)
	}
	return nil
}

// intVariableError returns the INVALID_INPUT error of Int variable name with value n.
func intVariableError(name string, n json.Number) *gqlerror.Error {
	reason := "is not a whole number"
	if f, _, err := big.ParseFloat(n.String(), 10, 64, big.ToNearestEven); err == nil && f.IsInt() {
		reason = "is out of range"
	}
	appErr := apperr.New(apperr.Invalid,
		"invalid value %s of variable $%s: it %s for Int, so send a whole number such as 20",
		n, name, reason)
	err := &gqlerror.Error{Message: appErr.Message, Err: appErr}
	// The code makes gqlgen respond with 422, as for its own variable errors.
	errcode.Set(err, errcode.ValidationFailed)
	return err
}
