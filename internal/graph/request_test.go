package graph_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/graph"
)

func TestMalformedBody(t *testing.T) {
	depthBomb := `{"query":"{ instances { name } }","variables":` + strings.Repeat("[", 100_000) + `}`
	tests := []struct {
		name        string
		body        string
		wantMessage string
	}{
		{"query a number", `{"query": 5}`,
			`the request body is not valid JSON: field "query" is a JSON number, but must be a string`},
		{"variables an array", `{"query": "{ instances { name } }", "variables": [1]}`,
			`the request body is not valid JSON: field "variables" is a JSON array, but must be an object`},
		{"batch array", `[{"query": "{ instances { name } }"}]`,
			"the request body is not valid JSON: it is a JSON array, but must be one object: " +
				"batched queries are not supported"},
		{"string body", `"{ instances { name } }"`,
			"the request body is not valid JSON: it is a JSON string, but must be an object"},
		{"syntax error", `{"query" "x"}`,
			"the request body is not valid JSON: invalid character '\"' after object key at byte 10"},
		{"depth bomb", depthBomb,
			"the request body is not valid JSON: invalid character '[' exceeded max depth at byte 10046"},
		{"empty body", ``,
			`the request body is not valid JSON: it is empty: send an object such as {"query": "{ instances { name } }"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, newFake(), graph.Options{})
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()

			srv.handler.ServeHTTP(rec, req)

			if rec.Code != http.StatusBadRequest {
				t.Errorf("status = %d, want %d", rec.Code, http.StatusBadRequest)
			}
			var resp response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("decode response: %v", err)
			}
			if diff := cmp.Diff([]string{"INVALID_INPUT"}, errorCodes(resp.Errors)); diff != "" {
				t.Fatalf("codes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMessage, resp.Errors[0].Message); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
			if n := rec.Body.Len(); n > 1000 {
				t.Errorf("response is %d bytes, want a short message without the body", n)
			}
		})
	}
}

func TestMalformedURLParams(t *testing.T) {
	tests := []struct {
		name        string
		params      url.Values
		wantMessage string
	}{
		{"variables not JSON", url.Values{"variables": {"{a:1}"}},
			"the variables parameter is not valid JSON: invalid character 'a' looking for beginning of object key string at byte 2"},
		{"variables an array", url.Values{"variables": {"[1]"}},
			"the variables parameter is not valid JSON: it is a JSON array, but must be one object: " +
				"batched queries are not supported"},
		{"extensions a number", url.Values{"extensions": {"5"}},
			"the extensions parameter is not valid JSON: it is a JSON number, but must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, newFake(), graph.Options{})
			tt.params.Set("query", "{ instances { name } }")
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/graphql?"+tt.params.Encode(), nil)
			rec := httptest.NewRecorder()

			srv.handler.ServeHTTP(rec, req)

			if rec.Code != http.StatusBadRequest {
				t.Errorf("status = %d, want %d", rec.Code, http.StatusBadRequest)
			}
			var resp response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("decode response: %v", err)
			}
			if diff := cmp.Diff([]string{"INVALID_INPUT"}, errorCodes(resp.Errors)); diff != "" {
				t.Fatalf("codes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMessage, resp.Errors[0].Message); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIntVariableOutOfRange(t *testing.T) {
	const query = `query($a: Int) { instance(name: "Instagram") { media(amount: $a) { id } } }`
	tests := []struct {
		name        string
		body        string
		wantMessage string
	}{
		{"1e300", `{"query": "` + strings.ReplaceAll(query, `"`, `\"`) + `", "variables": {"a": 1e300}}`,
			"invalid value 1e300 of variable $a: it is out of range for Int, so send a whole number such as 20"},
		{"beyond int64", `{"query": "` + strings.ReplaceAll(query, `"`, `\"`) + `", "variables": {"a": 99999999999999999999}}`,
			"invalid value 99999999999999999999 of variable $a: it is out of range for Int, so send a whole number such as 20"},
		{"fraction", `{"query": "` + strings.ReplaceAll(query, `"`, `\"`) + `", "variables": {"a": 1.5}}`,
			"invalid value 1.5 of variable $a: it is not a whole number for Int, so send a whole number such as 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake()
			srv := newServer(t, fake, graph.Options{})
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()

			srv.handler.ServeHTTP(rec, req)

			if rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("status = %d, want %d", rec.Code, http.StatusUnprocessableEntity)
			}
			var resp response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("decode response: %v", err)
			}
			if diff := cmp.Diff([]string{"INVALID_INPUT"}, errorCodes(resp.Errors)); diff != "" {
				t.Fatalf("codes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMessage, resp.Errors[0].Message); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
			if n := len(fake.mediaCalls); n != 0 {
				t.Errorf("source called %d times, want 0", n)
			}
		})
	}
}

func TestIntVariableOutOfRangeGET(t *testing.T) {
	srv := newServer(t, newFake(), graph.Options{})
	params := url.Values{
		"query":     {`query($a: Int) { instance(name: "Instagram") { media(amount: $a) { id } } }`},
		"variables": {`{"a": 1e300}`},
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/graphql?"+params.Encode(), nil)
	rec := httptest.NewRecorder()

	srv.handler.ServeHTTP(rec, req)

	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	if len(resp.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", resp.Errors)
	}
	want := "invalid value 1e300 of variable $a: it is out of range for Int, so send a whole number such as 20"
	if diff := cmp.Diff(want, resp.Errors[0].Message); diff != "" {
		t.Errorf("message mismatch (-want +got):\n%s", diff)
	}
}

func TestUndeclaredLargeVariableIgnored(t *testing.T) {
	srv := newServer(t, newFake(), graph.Options{})
	body := `{"query": "{ instances { name } }", "variables": {"a": 1e300}}`
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()

	srv.handler.ServeHTTP(rec, req)

	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	if len(resp.Errors) != 0 {
		t.Errorf("errors = %+v, want none", resp.Errors)
	}
}
