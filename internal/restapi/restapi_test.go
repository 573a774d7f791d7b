package restapi_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/source"
)

func TestResponseShapes(t *testing.T) {
	tests := []struct {
		name    string
		target  string
		fixture string
	}{
		{"media list", "/api/v1/instances/Instagram/media?separator=|", "media_list.json"},
		{"hashtag media", "/api/v1/instances/Instagram/hashtags/summer/media?separator=|", "media_list.json"},
		{"user", "/api/v1/instances/Instagram/user", "user.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newAPI(newFake()).do(t, http.MethodGet, tt.target)

			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q, want application/json; charset=utf-8", got)
			}
			want := decode(t, readFixture(t, tt.fixture))
			if diff := cmp.Diff(want, decode(t, rec.Body.Bytes())); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCaptionNotHTMLEscaped(t *testing.T) {
	rec := newAPI(newFake()).do(t, http.MethodGet, "/api/v1/instances/Instagram/media/17895695668004550")

	if body := rec.Body.String(); !strings.Contains(body, `"caption":"Café <b>&</b> #Summer #été"`) {
		t.Errorf("body does not contain the caption verbatim: %s", body)
	}
	if body := rec.Body.String(); !strings.Contains(body, `"hashtags":"Summer, été"`) {
		t.Errorf("body does not join hashtags with the default separator: %s", body)
	}
}

func TestInstanceRoutes(t *testing.T) {
	tests := []struct {
		name       string
		target     string
		wantStatus int
		wantBody   string
	}{
		{"list", "/api/v1/instances", http.StatusOK,
			`{"data":[{"id":"7","name":"Instagram","defaultCache":600},{"id":"8","name":"Instagram 2","defaultCache":3600}]}`},
		{"one with a space", "/api/v1/instances/Instagram%202", http.StatusOK,
			`{"data":{"id":"8","name":"Instagram 2","defaultCache":3600}}`},
		{"missing", "/api/v1/instances/Nope", http.StatusNotFound,
			`{"error":{"code":"NOT_FOUND","message":"instance \"Nope\" not found: create it first"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newAPI(newFake()).do(t, http.MethodGet, tt.target)

			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantBody+"\n", rec.Body.String()); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSettingsFromParameters(t *testing.T) {
	tests := []struct {
		name   string
		target string
		want   any
	}{
		{"media defaults", "/api/v1/instances/Instagram/media", source.MediaSettings{}},
		{"media all parameters",
			"/api/v1/instances/Instagram/media?type=video&amount=5&offset=10&cache=0" +
				"&since=2024-05-01T00:00:00Z&until=2024-06-01T02:00:00%2B02:00",
			source.MediaSettings{
				Type: "video", Amount: ptr(5), Offset: ptr(10), Cache: ptr(0),
				Since: ptr(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)),
				Until: ptr(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)),
			}},
		{"media empty values are defaults", "/api/v1/instances/Instagram/media?amount=&since=",
			source.MediaSettings{}},
		{"single", "/api/v1/instances/Instagram/media/17895695668004550?cache=30",
			source.SingleSettings{ID: "17895695668004550", Cache: ptr(30)}},
		{"hashtag", "/api/v1/instances/Instagram/hashtags/%23%C3%A9t%C3%A9/media?edge=RECENT&amount=50&cache=60",
			source.HashtagSettings{Hashtag: "#été", Edge: "RECENT", Amount: ptr(50), Cache: ptr(60)}},
		{"hashtag defaults", "/api/v1/instances/Instagram/hashtags/summer/media",
			source.HashtagSettings{Hashtag: "summer"}},
		{"user", "/api/v1/instances/Instagram/user?cache=120", source.UserSettings{Cache: ptr(120)}},
		{"user default", "/api/v1/instances/Instagram/user", source.UserSettings{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake()
			rec := newAPI(fake).do(t, http.MethodGet, tt.target)

			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", rec.Code, rec.Body)
			}
			if diff := cmp.Diff([]any{tt.want}, fake.calls); diff != "" {
				t.Errorf("settings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMalformedParameters(t *testing.T) {
	tests := []struct {
		name        string
		target      string
		wantMessage string
	}{
		{"amount text", "/api/v1/instances/Instagram/media?amount=ten", `invalid amount "ten"`},
		{"amount fraction", "/api/v1/instances/Instagram/media?amount=1.5", `invalid amount "1.5"`},
		{"amount overflow", "/api/v1/instances/Instagram/media?amount=99999999999999999999",
			`invalid amount "99999999999999999999"`},
		{"offset", "/api/v1/instances/Instagram/media?offset=-x", `invalid offset "-x"`},
		{"media cache", "/api/v1/instances/Instagram/media?cache=1h", `invalid cache "1h"`},
		{"since", "/api/v1/instances/Instagram/media?since=yesterday", `invalid since "yesterday"`},
		{"until without zone", "/api/v1/instances/Instagram/media?until=2024-05-01T10:00",
			`invalid until "2024-05-01T10:00"`},
		{"single cache", "/api/v1/instances/Instagram/media/1?cache=%20", `invalid cache " "`},
		{"hashtag amount", "/api/v1/instances/Instagram/hashtags/summer/media?amount=all", `invalid amount "all"`},
		{"user cache", "/api/v1/instances/Instagram/user?cache=no", `invalid cache "no"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake()
			rec := newAPI(fake).do(t, http.MethodGet, tt.target)

			if rec.Code != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", rec.Code)
			}
			body, _ := decode(t, rec.Body.Bytes()).(map[string]any)
			errObj, _ := body["error"].(map[string]any)
			if diff := cmp.Diff("INVALID_INPUT", errObj["code"]); diff != "" {
				t.Errorf("code mismatch (-want +got):\n%s", diff)
			}
			if msg, _ := errObj["message"].(string); !strings.HasPrefix(msg, tt.wantMessage) {
				t.Errorf("message = %q, want prefix %q", msg, tt.wantMessage)
			}
			if len(fake.calls) != 0 {
				t.Errorf("source called with %v, want no call", fake.calls)
			}
		})
	}
}

func TestRejectedParameters(t *testing.T) {
	tests := []struct {
		name        string
		target      string
		wantMessage string
	}{
		{"media typo", "/api/v1/instances/Instagram/media?amonut=5",
			`unknown query parameter "amonut": this route accepts type, amount, offset, since, until, cache, separator`},
		{"single edge", "/api/v1/instances/Instagram/media/1?edge=TOP",
			`unknown query parameter "edge": this route accepts cache, separator`},
		{"hashtag offset", "/api/v1/instances/Instagram/hashtags/summer/media?offset=20",
			`unknown query parameter "offset": this route accepts edge, amount, cache, separator`},
		{"user amount", "/api/v1/instances/Instagram/user?amount=5",
			`unknown query parameter "amount": this route accepts cache`},
		{"instances", "/api/v1/instances?cache=0",
			`unknown query parameter "cache": this route takes no query parameters`},
		{"instance", "/api/v1/instances/Instagram?name=x",
			`unknown query parameter "name": this route takes no query parameters`},
		{"parameter names are case-sensitive", "/api/v1/instances/Instagram/media?Amount=5",
			`unknown query parameter "Amount": this route accepts type, amount, offset, since, until, cache, separator`},
		{"repeated amount", "/api/v1/instances/Instagram/media?amount=1&amount=2",
			`query parameter "amount" is repeated 2 times: give it once`},
		{"repeated empty separator", "/api/v1/instances/Instagram/media/1?separator=&separator=",
			`query parameter "separator" is repeated 2 times: give it once`},
		{"repeated user cache", "/api/v1/instances/Instagram/user?cache=1&cache=1",
			`query parameter "cache" is repeated 2 times: give it once`},
		{"malformed escape", "/api/v1/instances/Instagram/media?amount=%zz",
			`invalid query string "amount=%zz": percent-encode the parameter values`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newFake()
			rec := newAPI(fake).do(t, http.MethodGet, tt.target)

			if rec.Code != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", rec.Code)
			}
			want := map[string]any{"error": map[string]any{"code": "INVALID_INPUT", "message": tt.wantMessage}}
			if diff := cmp.Diff(want, decode(t, rec.Body.Bytes())); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
			if len(fake.calls) != 0 {
				t.Errorf("source called with %v, want no call", fake.calls)
			}
		})
	}
}

func TestErrorStatuses(t *testing.T) {
	const generic = "Internal error. The server log has the details."
	tests := []struct {
		err         error
		wantStatus  int
		wantMessage string
	}{
		{apperr.New(apperr.Invalid, "invalid amount 0"), http.StatusBadRequest, "invalid amount 0"},
		{apperr.New(apperr.NotFound, "media 1 not found"), http.StatusNotFound, "media 1 not found"},
		{apperr.New(apperr.NeedsReauth, "reconnect studio"), http.StatusConflict, "reconnect studio"},
		{apperr.New(apperr.RateLimited, "retry at 12:00"), http.StatusTooManyRequests, "retry at 12:00"},
		{apperr.New(apperr.HashtagBudget, "30 tags in use"), http.StatusTooManyRequests, "30 tags in use"},
		{apperr.New(apperr.Upstream, "Instagram failed"), http.StatusBadGateway, "Instagram failed"},
		{apperr.New(apperr.Internal, "disk full at /var"), http.StatusInternalServerError, generic},
		{errors.New("sql: database is locked"), http.StatusInternalServerError, generic},
	}
	for _, tt := range tests {
		code := string(apperr.CodeOf(tt.err))
		t.Run(code+" "+tt.err.Error(), func(t *testing.T) {
			fake := newFake()
			fake.err = tt.err
			a := newAPI(fake)

			rec := a.do(t, http.MethodGet, "/api/v1/instances/Instagram/media")

			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			want := map[string]any{"error": map[string]any{"code": code, "message": tt.wantMessage}}
			if diff := cmp.Diff(want, decode(t, rec.Body.Bytes())); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
			logged := strings.Contains(a.log.String(), "API request failed")
			if wantLogged := code == "INTERNAL"; logged != wantLogged {
				t.Errorf("logged = %v, want %v; log:\n%s", logged, wantLogged, a.log)
			}
		})
	}
}

func TestUnknownRoutes(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		target     string
		wantStatus int
		wantCode   string
		wantAllow  string
	}{
		{"unknown path", http.MethodGet, "/api/v1/posts", http.StatusNotFound, "NOT_FOUND", ""},
		{"too deep", http.MethodGet, "/api/v1/instances/Instagram/media/1/extra", http.StatusNotFound, "NOT_FOUND", ""},
		{"POST", http.MethodPost, "/api/v1/instances", http.StatusMethodNotAllowed, "INVALID_INPUT", "GET, HEAD"},
		{"DELETE", http.MethodDelete, "/api/v1/instances/Instagram", http.StatusMethodNotAllowed, "INVALID_INPUT", "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newAPI(newFake()).do(t, tt.method, tt.target)

			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			body, _ := decode(t, rec.Body.Bytes()).(map[string]any)
			errObj, _ := body["error"].(map[string]any)
			if diff := cmp.Diff(tt.wantCode, errObj["code"]); diff != "" {
				t.Errorf("code mismatch (-want +got):\n%s", diff)
			}
			if got := rec.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
		})
	}
}

func TestHEADMatchesGET(t *testing.T) {
	fake := newFake()
	rec := newAPI(fake).do(t, http.MethodHead, "/api/v1/instances/Instagram/media")

	if rec.Code != http.StatusOK {
		t.Errorf("status = %d, want 200", rec.Code)
	}
	if len(fake.calls) != 1 {
		t.Errorf("source called %d times, want 1", len(fake.calls))
	}
}
