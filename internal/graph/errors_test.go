package graph_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/graph"
)

func TestErrorCodes(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		wantCode    string
		wantMessage string
	}{
		{"invalid input", apperr.New(apperr.Invalid, "invalid amount 0: use 1 to 1000"),
			"INVALID_INPUT", "invalid amount 0: use 1 to 1000"},
		{"not found", apperr.New(apperr.NotFound, "media 1 not found"), "NOT_FOUND", "media 1 not found"},
		{"needs reauth", apperr.New(apperr.NeedsReauth, "reconnect account studio"),
			"NEEDS_REAUTH", "reconnect account studio"},
		{"rate limited", apperr.New(apperr.RateLimited, "retry after 12:00"), "RATE_LIMITED", "retry after 12:00"},
		{"hashtag budget", apperr.New(apperr.HashtagBudget, "30 hashtags in use"),
			"HASHTAG_BUDGET", "30 hashtags in use"},
		{"upstream", apperr.New(apperr.Upstream, "Instagram failed"), "UPSTREAM", "Instagram failed"},
		{"wrapped apperr", fmt.Errorf("query media: %w", apperr.New(apperr.Upstream, "Instagram failed")),
			"UPSTREAM", "Instagram failed"},
		{"internal apperr", apperr.New(apperr.Internal, "database file /var/lib/x locked"),
			"INTERNAL", "Internal error. The server log has the details."},
		{"plain error", errors.New("sql: connection refused at 10.0.0.1"),
			"INTERNAL", "Internal error. The server log has the details."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake()
			fake.err = tt.err
			srv := newServer(t, fake, graph.Options{})

			resp := srv.query(t, `{ instance(name: "Instagram") { media { id } } }`, nil)

			if len(resp.Errors) != 1 {
				t.Fatalf("got %d errors, want 1: %+v", len(resp.Errors), resp.Errors)
			}
			got := resp.Errors[0]
			if diff := cmp.Diff(tt.wantCode, got.Extensions["code"]); diff != "" {
				t.Errorf("extensions.code mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMessage, got.Message); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]any{"instance", "media"}, got.Path); diff != "" {
				t.Errorf("path mismatch (-want +got):\n%s", diff)
			}
			logged := strings.Contains(srv.log.String(), "GraphQL query failed")
			if wantLogged := tt.wantCode == "INTERNAL"; logged != wantLogged {
				t.Errorf("error logged = %v, want %v; log:\n%s", logged, wantLogged, srv.log)
			}
		})
	}
}

func TestInstanceNotFound(t *testing.T) {
	srv := newServer(t, newFake(), graph.Options{})

	resp := srv.query(t, `{ instance(name: "Missing") { name } }`, nil)

	if diff := cmp.Diff(`{"instance":null}`, string(resp.Data)); diff != "" {
		t.Errorf("data mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"NOT_FOUND"}, errorCodes(resp.Errors)); diff != "" {
		t.Errorf("codes mismatch (-want +got):\n%s", diff)
	}
}

func TestMalformedDateTime(t *testing.T) {
	tests := []struct {
		name        string
		query       string
		variables   map[string]any
		wantMessage string
	}{
		{
			name:        "literal text",
			query:       `{ instance(name: "Instagram") { media(since: "yesterday") { id } } }`,
			wantMessage: `invalid since "yesterday"`,
		},
		{
			name:        "variable without zone",
			query:       `query($until: DateTime) { instance(name: "Instagram") { media(until: $until) { id } } }`,
			variables:   map[string]any{"until": "2024-05-01 10:00"},
			wantMessage: `invalid until "2024-05-01 10:00"`,
		},
		{
			name:        "literal number",
			query:       `{ instance(name: "Instagram") { media(since: 42) { id } } }`,
			wantMessage: "invalid date-time 42",
		},
		{
			name:        "variable object",
			query:       `query($since: DateTime) { instance(name: "Instagram") { media(since: $since) { id } } }`,
			variables:   map[string]any{"since": map[string]any{"year": 2024}},
			wantMessage: "invalid date-time map[year:2024]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake()
			srv := newServer(t, fake, graph.Options{})

			resp := srv.query(t, tt.query, tt.variables)

			if diff := cmp.Diff([]string{"INVALID_INPUT"}, errorCodes(resp.Errors)); diff != "" {
				t.Fatalf("codes mismatch (-want +got):\n%s", diff)
			}
			if msg := resp.Errors[0].Message; !strings.HasPrefix(msg, tt.wantMessage) {
				t.Errorf("message = %q, want prefix %q", msg, tt.wantMessage)
			}
			if len(fake.mediaCalls) != 0 {
				t.Errorf("source called %d times, want 0", len(fake.mediaCalls))
			}
		})
	}
}

func TestRequestErrorsAreInvalidInput(t *testing.T) {
	tests := []struct {
		name        string
		query       string
		wantMessage string
	}{
		{"unknown field", `{ instances { colour } }`, `Cannot query field "colour" on type "Instance".`},
		{"unknown enum value", `{ instance(name: "Instagram") { media(type: GIF) { id } } }`,
			`Value "GIF" does not exist in "MediaType" enum.`},
		{"syntax error", `{ instances { name }`, "Expected Name, found <EOF>"},
		{"missing argument", `{ instance { name } }`,
			`Field "instance" argument "name" of type "String!" is required, but it was not provided.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, newFake(), graph.Options{})

			resp := srv.query(t, tt.query, nil)

			if diff := cmp.Diff([]string{"INVALID_INPUT"}, errorCodes(resp.Errors)); diff != "" {
				t.Fatalf("codes mismatch (-want +got):\n%s", diff)
			}
			if msg := resp.Errors[0].Message; !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("message = %q, want it to contain %q", msg, tt.wantMessage)
			}
		})
	}
}

func TestPanicRecovered(t *testing.T) {
	fake := newFake()
	fake.panicWith = "index out of range"
	srv := newServer(t, fake, graph.Options{})

	resp := srv.query(t, `{ instance(name: "Instagram") { user { id } } }`, nil)

	if diff := cmp.Diff([]string{"INTERNAL"}, errorCodes(resp.Errors)); diff != "" {
		t.Fatalf("codes mismatch (-want +got):\n%s", diff)
	}
	if msg := resp.Errors[0].Message; strings.Contains(msg, "index out of range") {
		t.Errorf("message %q shows the panic value", msg)
	}
	if log := srv.log.String(); !strings.Contains(log, "GraphQL resolver panicked") {
		t.Errorf("log has no panic entry:\n%s", log)
	}
	if n := strings.Count(srv.log.String(), "level=ERROR"); n != 1 {
		t.Errorf("logged %d errors, want 1:\n%s", n, srv.log)
	}
}

func TestComplexityLimit(t *testing.T) {
	tests := []struct {
		name      string
		limit     int
		query     string
		wantCodes []string
	}{
		{"default limit allows a full page", 0, fullPage, nil},
		{"default limit rejects two full pages", 0, twoFullPages, []string{"INVALID_INPUT"}},
		{"default limit rejects many full pages", 0, manyPages(20), []string{"INVALID_INPUT"}},
		{"amount counts", 100, `{ instance(name: "Instagram") { media(amount: 100) { id } } }`,
			[]string{"INVALID_INPUT"}},
		{"small query under a small limit", 100, `{ instance(name: "Instagram") { media(amount: 10) { id } } }`,
			nil},
		{"out-of-range amount reaches validation", 0,
			`{ instance(name: "Instagram") { media(amount: 1000000) { id } } }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake()
			srv := newServer(t, fake, graph.Options{ComplexityLimit: tt.limit})

			resp := srv.query(t, tt.query, nil)

			if diff := cmp.Diff(tt.wantCodes, errorCodes(resp.Errors)); diff != "" {
				t.Fatalf("codes mismatch (-want +got):\n%s", diff)
			}
			if tt.wantCodes == nil {
				return
			}
			if msg := resp.Errors[0].Message; !strings.Contains(msg, "exceeds the limit") {
				t.Errorf("message = %q, want it to name the limit", msg)
			}
			if len(fake.mediaCalls) != 0 {
				t.Errorf("source called %d times, want 0", len(fake.mediaCalls))
			}
		})
	}
}

func TestComplexityLimitMessage(t *testing.T) {
	srv := newServer(t, newFake(), graph.Options{ComplexityLimit: 100})
	for name, resp := range map[string]response{
		"POST": srv.query(t, `{ instance(name: "Instagram") { media(amount: 100) { id } } }`, nil),
		"GET":  srv.get(t, `{ instance(name: "Instagram") { media(amount: 100) { id } } }`),
	} {
		t.Run(name, func(t *testing.T) {
			if len(resp.Errors) != 1 {
				t.Fatalf("errors = %+v, want one", resp.Errors)
			}
			got := resp.Errors[0]
			want := "query complexity 102 exceeds the limit of 100: a media list costs its " +
				"selected fields times its amount, so request fewer media or fields, or raise " +
				"the server's --complexity-limit (IGSOURCE_COMPLEXITY_LIMIT)"
			if diff := cmp.Diff(want, got.Message); diff != "" {
				t.Errorf("message mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff("INVALID_INPUT", got.Extensions["code"]); diff != "" {
				t.Errorf("code mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// fullPage and twoFullPages query the maximum number of media with every field, once and twice.
const (
	fullPage = `{ instance(name: "Instagram") {
		media(amount: 1000) { ...fields children { ...fields } }
	} }` + mediaFields
	twoFullPages = `{ instance(name: "Instagram") {
		first: media(amount: 1000) { ...fields children { ...fields } }
		second: media(amount: 1000, offset: 1000) { ...fields children { ...fields } }
	} }` + mediaFields
	mediaFields = `
	fragment fields on Media {
		id type productType url thumbnailUrl caption permalink timestamp username hashtags
		hashtagList { id name } commentsCount likeCount
	}`
)

// manyPages returns a query with n aliased media lists of 1000 items each.
func manyPages(n int) string {
	var b strings.Builder
	b.WriteString(`{ instance(name: "Instagram") {`)
	for i := range n {
		fmt.Fprintf(&b, " p%d: media(amount: 1000, offset: %d) { id url caption }", i, i*1000)
	}
	b.WriteString(" } }")
	return b.String()
}

func TestIntrospection(t *testing.T) {
	const schemaQuery = `{ __schema { queryType { name } } }`
	const typeQuery = `{ __type(name: "Media") { name } }`
	tests := []struct {
		name      string
		enabled   bool
		query     string
		wantCodes []string
	}{
		{"schema enabled", true, schemaQuery, nil},
		{"type enabled", true, typeQuery, nil},
		{"schema disabled", false, schemaQuery, []string{"INVALID_INPUT"}},
		{"type disabled", false, typeQuery, []string{"INVALID_INPUT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, newFake(), graph.Options{Introspection: tt.enabled})

			resp := srv.query(t, tt.query, nil)

			if diff := cmp.Diff(tt.wantCodes, errorCodes(resp.Errors)); diff != "" {
				t.Errorf("codes mismatch (-want +got):\n%s", diff)
			}
			if len(resp.Errors) > 0 && !strings.HasPrefix(resp.Errors[0].Message, "introspection is disabled") {
				t.Errorf("message = %q, want it to say introspection is disabled", resp.Errors[0].Message)
			}
			if log := srv.log.String(); log != "" {
				t.Errorf("unexpected log:\n%s", log)
			}
		})
	}
}

func TestEndpointRejects(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		contentType string
		body        string
		upgrade     string
		wantStatus  int
		wantMessage string
	}{
		{"PUT", http.MethodPut, "application/json", `{}`, "", http.StatusMethodNotAllowed,
			"method PUT not allowed"},
		{"form body", http.MethodPost, "application/x-www-form-urlencoded", "query=x", "",
			http.StatusUnsupportedMediaType, `unsupported Content-Type "application/x-www-form-urlencoded"`},
		{"no content type", http.MethodPost, "", `{"query":"{ instances { name } }"}`, "",
			http.StatusUnsupportedMediaType, `unsupported Content-Type ""`},
		{"websocket", http.MethodGet, "", "", "websocket", http.StatusBadRequest,
			"protocol upgrades are not supported"},
		{"body too large", http.MethodPost, "application/json",
			`{"query":"{ instances { name } }","variables":{"x":"` + strings.Repeat("a", 2<<20) + `"}}`, "",
			http.StatusRequestEntityTooLarge, "the request body is larger than the limit of 1048576 bytes (1 MiB)"},
		{"malformed JSON", http.MethodPost, "application/json", `{"query":`, "",
			http.StatusBadRequest, "the request body is not valid JSON: it ends before the JSON value does"},
		{"too many tokens", http.MethodPost, "application/json",
			`{"query":"{ instances { ` + strings.Repeat("name ", 20_000) + `} }"}`, "",
			http.StatusUnprocessableEntity, "token limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, newFake(), graph.Options{})
			req := httptest.NewRequestWithContext(t.Context(), tt.method, "/graphql", strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.upgrade != "" {
				req.Header.Set("Upgrade", tt.upgrade)
			}
			rec := httptest.NewRecorder()

			srv.handler.ServeHTTP(rec, req)

			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			var resp response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatalf("decode response %q: %v", rec.Body, err)
			}
			if diff := cmp.Diff([]string{"INVALID_INPUT"}, errorCodes(resp.Errors)); diff != "" {
				t.Fatalf("codes mismatch (-want +got):\n%s", diff)
			}
			if msg := resp.Errors[0].Message; !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("message = %q, want it to contain %q", msg, tt.wantMessage)
			}
		})
	}
}

func TestRequestLimitStatus(t *testing.T) {
	const syntaxError = `{ instance(name: "Instagram") { media { id } }`
	tests := []struct {
		name  string
		opts  graph.Options
		query string
	}{
		{"content field limit", graph.Options{}, aliasedSingles(11)},
		{"complexity limit", graph.Options{ComplexityLimit: 100},
			`{ instance(name: "Instagram") { media(amount: 100) { id } } }`},
	}
	accepts := []string{"", "application/graphql-response+json"}
	for _, tt := range tests {
		for _, accept := range accepts {
			t.Run(tt.name+" accept "+accept, func(t *testing.T) {
				fake := newFake()
				srv := newServer(t, fake, tt.opts)

				want, _ := postStatus(t, srv, syntaxError, accept)
				got, body := postStatus(t, srv, tt.query, accept)

				if got != want {
					t.Errorf("status = %d, want %d as for a syntax error", got, want)
				}
				if accept == "" && got != http.StatusUnprocessableEntity {
					t.Errorf("status = %d, want %d", got, http.StatusUnprocessableEntity)
				}
				if diff := cmp.Diff([]string{"INVALID_INPUT"}, errorCodes(body.Errors)); diff != "" {
					t.Errorf("codes mismatch (-want +got):\n%s", diff)
				}
				if len(fake.mediaCalls)+len(fake.singleCalls) != 0 {
					t.Errorf("source called %d times, want 0", len(fake.mediaCalls)+len(fake.singleCalls))
				}
			})
		}
	}
}

// postStatus posts query with the Accept header, unless it is empty, and returns the status
// and the decoded response.
func postStatus(t *testing.T, srv *server, query, accept string) (int, response) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query})
	if err != nil {
		t.Fatalf("encode request: %v", err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	srv.handler.ServeHTTP(rec, req)

	var resp response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode response %q: %v", rec.Body.String(), err)
	}
	return rec.Code, resp
}
