package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"

	"github.com/99designs/gqlgen/graphql"
)

// readBody reads a POST body of at most maxBodyBytes and checks that it decodes the way
// gqlgen's POST transport decodes it. It returns http.StatusOK and the body, or the status
// and message of the rejection: 413 for a body over the limit, 400 for one that is not a
// GraphQL request object. The message never repeats the body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, int, string) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
		return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf(
			"the request body is larger than the limit of %d bytes (1 MiB): send a shorter query "+
				"or fewer variables", maxBodyBytes)
	}
	if err != nil {
		return nil, http.StatusBadRequest, "reading the request body failed: " + err.Error()
	}
	var params graphql.RawParams
	if msg := decodeJSON(body, &params); msg != "" {
		return nil, http.StatusBadRequest, "the request body is not valid JSON: " + msg
	}
	return body, http.StatusOK, ""
}

// checkURLParams checks that the variables and extensions parameters of a GET request are
// JSON objects, which gqlgen's GET transport otherwise rejects with a message that has no
// reason and no error code.
func checkURLParams(r *http.Request) (int, string) {
	query := r.URL.Query()
	for _, name := range []string{"variables", "extensions"} {
		value := query.Get(name)
		if value == "" {
			continue
		}
		var object map[string]any
		if msg := decodeJSON([]byte(value), &object); msg != "" {
			return http.StatusBadRequest, fmt.Sprintf("the %s parameter is not valid JSON: %s", name, msg)
		}
	}
	return http.StatusOK, ""
}

// decodeJSON decodes data into v as gqlgen does, with numbers kept as json.Number, and
// returns a short reason when that fails, or "" when it succeeds. The reason names JSON
// types and fields, never Go types.
func decodeJSON(data []byte, v any) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil {
		return ""
	}
	if typeErr, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		want := jsonKind(typeErr.Type)
		if typeErr.Field == "" && typeErr.Value == "array" && want == "an object" {
			return "it is a JSON array, but must be one object: batched queries are not supported"
		}
		if typeErr.Field == "" {
			return fmt.Sprintf("it is a JSON %s, but must be %s", typeErr.Value, want)
		}
		return fmt.Sprintf("field %q is a JSON %s, but must be %s", typeErr.Field, typeErr.Value, want)
	}
	if syntaxErr, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Sprintf("%s at byte %d", syntaxErr.Error(), syntaxErr.Offset)
	}
	switch {
	case errors.Is(err, io.EOF):
		return `it is empty: send an object such as {"query": "{ instances { name } }"}`
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "it ends before the JSON value does"
	}
	return "it does not decode"
}

// jsonKind names the JSON type that values of t decode from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	}
	return "another JSON type"
}
