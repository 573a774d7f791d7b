package instagram

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// getUserError calls User against one canned response and returns the *Error it produced.
func getUserError(t *testing.T, rt route) *Error {
	t.Helper()
	c, _ := newTestClient(t, map[string]route{"GET /graph.facebook.com/v25.0/17841400000000001": rt})
	_, err := c.User(t.Context(), facebookCred, "17841400000000001", nil)
	if err == nil {
		t.Fatal("User succeeded, expected an error")
	}
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("error %v is %T, expected *Error", err, err)
	}
	return e
}

func TestErrorFixtures(t *testing.T) {
	tests := []struct {
		file    string
		status  int
		kind    ErrorKind
		code    int
		subcode int
	}{
		{"errors/token_expired.json", 400, TokenInvalid, 190, 463},
		{"errors/token_wrong_host.json", 400, TokenInvalid, 190, 0},
		{"errors/object_missing_instagram.json", 400, NotFound, 100, 33},
		{"errors/object_missing_facebook.json", 400, NotFound, 100, 33},
		{"errors/permission.json", 400, Permission, 10, 0},
		{"errors/unknown_field.json", 400, InvalidRequest, 100, 0},
		{"errors/pre_conversion.json", 400, InvalidRequest, 100, 2108006},
		{"errors/app_throttled.json", 400, RateLimited, 4, 0},
		{"errors/user_throttled.json", 400, RateLimited, 17, 2446079},
		{"errors/page_throttled.json", 400, RateLimited, 32, 0},
		{"errors/buc_throttled.json", 400, RateLimited, 80001, 0},
		{"errors/publishing.json", 400, Unknown, 36000, 2207004},
		{"errors/unsupported_request.json", 400, InvalidRequest, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			e := getUserError(t, route{file: tt.file, status: tt.status})
			if e.Kind != tt.kind {
				t.Errorf("Kind = %q, want %q", e.Kind, tt.kind)
			}
			if e.Code != tt.code {
				t.Errorf("Code = %d, want %d", e.Code, tt.code)
			}
			if e.Subcode != tt.subcode {
				t.Errorf("Subcode = %d, want %d", e.Subcode, tt.subcode)
			}
			if e.HTTPStatus != tt.status {
				t.Errorf("HTTPStatus = %d, want %d", e.HTTPStatus, tt.status)
			}
			if e.FBTraceID != "TRACE_PLACEHOLDER" {
				t.Errorf("FBTraceID = %q, want TRACE_PLACEHOLDER", e.FBTraceID)
			}
			if e.Message == "" {
				t.Error("Message is empty")
			}
		})
	}
}

func TestTokenInvalidWhateverSubcode(t *testing.T) {
	// Code 190 makes the token unusable whatever the subcode; the date in the message is text.
	const message = "Error validating access token: Session has expired on Monday, 01-Dec-25 11:00:00 PST. The current time is Tuesday, 02-Dec-25 09:00:00 PST."
	tests := []struct {
		name string
		body string
	}{
		{"subcode 0", `{"error":{"message":"` + message + `","type":"OAuthException","code":190,"error_subcode":0}}`},
		{"subcode 460", `{"error":{"message":"Error validating access token: The session has been invalidated because the user changed their password.","type":"OAuthException","code":190,"error_subcode":460}}`},
		{"subcode 463", `{"error":{"message":"` + message + `","type":"OAuthException","code":190,"error_subcode":463}}`},
		{"no subcode", `{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190}}`},
		{"instagram exception type", `{"error":{"message":"` + message + `","type":"IGApiException","code":190,"error_subcode":463}}`},
		{"code 102", `{"error":{"message":"API Session","type":"OAuthException","code":102}}`},
		{"code 2500 without token", `{"error":{"message":"An active access token must be used to query information about the current user.","type":"OAuthException","code":2500}}`},
		{"HTTP 500 status", `{"error":{"message":"` + message + `","type":"OAuthException","code":190,"error_subcode":463}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := http.StatusBadRequest
			if strings.HasPrefix(tt.name, "HTTP 500") {
				status = http.StatusInternalServerError
			}
			e := getUserError(t, route{body: tt.body, status: status})
			if e.Kind != TokenInvalid {
				t.Errorf("Kind = %q, want %q", e.Kind, TokenInvalid)
			}
			if !IsTokenInvalid(e) {
				t.Error("IsTokenInvalid = false, want true")
			}
			if e.RetryAfter != 0 {
				t.Errorf("RetryAfter = %v, want 0 because retrying cannot help", e.RetryAfter)
			}
		})
	}
}

func TestRateLimitedClassification(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"code 4 on HTTP 400", 400, `{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4}}`},
		{"code 17 on HTTP 400", 400, `{"error":{"message":"(#17) User request limit reached","type":"OAuthException","code":17}}`},
		{"code 32 on HTTP 400", 400, `{"error":{"message":"(#32) Page request limit reached","type":"OAuthException","code":32}}`},
		{"code 613 on HTTP 400", 400, `{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","type":"OAuthException","code":613}}`},
		{"code 80002 on HTTP 400", 400, `{"error":{"message":"(#80002) There have been too many calls to this Instagram account.","type":"OAuthException","code":80002}}`},
		{"code 341 on HTTP 400", 400, `{"error":{"message":"(#341) Application limit reached","type":"OAuthException","code":341}}`},
		{"HTTP 429 without body", 429, ``},
		{"HTTP 429 with text body", 429, `Too Many Requests`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := getUserError(t, route{body: tt.body, status: tt.status})
			if e.Kind != RateLimited {
				t.Errorf("Kind = %q, want %q", e.Kind, RateLimited)
			}
			if !IsRateLimited(e) {
				t.Error("IsRateLimited = false, want true")
			}
			if e.RetryAfter != DefaultRateLimitBackoff {
				t.Errorf("RetryAfter = %v, want the default %v", e.RetryAfter, DefaultRateLimitBackoff)
			}
		})
	}
}

func TestClassifyByCodeNotStatus(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   ErrorKind
	}{
		{"parameter error on HTTP 429", 429, `{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}`, InvalidRequest},
		{"not found on HTTP 500", 500, `{"error":{"message":"Unsupported get request.","type":"IGApiException","code":100,"error_subcode":33}}`, NotFound},
		{"permission on HTTP 403", 403, `{"error":{"message":"(#200) Permissions error","type":"OAuthException","code":200}}`, Permission},
		{"permission code 299", 400, `{"error":{"message":"(#299) Permission","type":"OAuthException","code":299}}`, Permission},
		{"capability code 3", 400, `{"error":{"message":"(#3) Capability","type":"OAuthException","code":3}}`, Permission},
		{"unknown path code 2500", 500, `{"error":{"message":"Unknown path components: /v25.0","type":"OAuthException","code":2500}}`, InvalidRequest},
		{"code 1", 400, `{"error":{"message":"An unknown error has occurred.","type":"OAuthException","code":1}}`, Transient},
		{"code 2", 400, `{"error":{"message":"Service temporarily unavailable","type":"OAuthException","code":2}}`, Transient},
		{"is_transient unknown code", 400, `{"error":{"message":"Try again","type":"OAuthException","code":9999,"is_transient":true}}`, Transient},
		{"HTTP 503 without code", 503, `<html>unavailable</html>`, Transient},
		{"HTTP 404 without code", 404, `not found`, Unknown},
		{"code 190 on HTTP 401 with other type", 401, `{"error":{"message":"x","type":"GraphMethodException","code":190}}`, TokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := getUserError(t, route{body: tt.body, status: tt.status})
			if e.Kind != tt.want {
				t.Errorf("Kind = %q, want %q", e.Kind, tt.want)
			}
		})
	}
}

func TestErrorTextHidesSecrets(t *testing.T) {
	e := getUserError(t, route{file: "errors/token_expired.json", status: 400})
	text := e.Error()
	for _, secret := range []string{facebookCred.Token, "access_token"} {
		if strings.Contains(text, secret) {
			t.Errorf("Error() = %q contains %q", text, secret)
		}
	}
	if !strings.Contains(text, "GET /graph.facebook.com/v25.0/17841400000000001") {
		t.Errorf("Error() = %q does not name the request path", text)
	}
	if !strings.Contains(text, "code 190 subcode 463") {
		t.Errorf("Error() = %q does not name the code and subcode", text)
	}
}

func TestRetryAfterFromUsageHeader(t *testing.T) {
	header := map[string]string{
		"X-Business-Use-Case-Usage": `{"17841400000000001":[{"type":"instagram","call_count":100,"total_cputime":30,"total_time":40,"estimated_time_to_regain_access":7}]}`,
	}
	body := `{"error":{"message":"(#80002) There have been too many calls to this Instagram account.","type":"OAuthException","code":80002}}`
	e := getUserError(t, route{body: body, status: 400, header: header})
	if e.RetryAfter != 7*time.Minute {
		t.Errorf("RetryAfter = %v, want 7m from estimated_time_to_regain_access", e.RetryAfter)
	}
}

func TestRetryAfterFromHeader(t *testing.T) {
	e := getUserError(t, route{status: 429, header: map[string]string{"Retry-After": "120"}})
	if e.RetryAfter != 2*time.Minute {
		t.Errorf("RetryAfter = %v, want 2m from Retry-After", e.RetryAfter)
	}
}

func TestErrorBodyBounded(t *testing.T) {
	long := `{"error":{"message":"` + strings.Repeat("x", 2*maxErrorBody) + `","code":190}}`
	e := getUserError(t, route{body: long, status: 400})
	if len(e.Message) > maxErrorBody {
		t.Errorf("Message has %d bytes, want at most %d", len(e.Message), maxErrorBody)
	}
	if e.Kind != Unknown {
		t.Errorf("Kind = %q, want %q for a cut-off body of HTTP 400", e.Kind, Unknown)
	}
	if e.Message != messageNotJSON {
		t.Errorf("Message = %q, want %q", e.Message, messageNotJSON)
	}
}

func TestNetworkErrorTransient(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := listener.Addr().String()
	listener.Close()

	c, err := New(Config{FacebookBaseURL: "http://" + addr + "/graph.facebook.com"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.User(t.Context(), facebookCred, "17841400000000001", nil)
	if !IsTransient(err) {
		t.Fatalf("IsTransient(%v) = false, want true", err)
	}
	if strings.Contains(err.Error(), facebookCred.Token) {
		t.Errorf("error %q contains the token", err)
	}
}

func TestDroppedConnectionTransient(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"id":"1784`))
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer server.Close()
	c, err := New(Config{FacebookBaseURL: server.URL, HTTPClient: server.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.User(t.Context(), facebookCred, "17841400000000001", nil)
	if !IsTransient(err) {
		t.Fatalf("IsTransient(%v) = false, want true", err)
	}
	if strings.Contains(err.Error(), facebookCred.Token) {
		t.Errorf("error %q contains the token", err)
	}
}

func TestCancelledContextNotTransient(t *testing.T) {
	c, _ := newTestClient(t, map[string]route{"GET /graph.facebook.com/v25.0/17841400000000001": {file: "user_facebook.json"}})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.User(ctx, facebookCred, "17841400000000001", nil)
	if IsTransient(err) {
		t.Errorf("IsTransient(%v) = true, want false for a cancelled context", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
}

func TestErrorKindHelpers(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want [4]bool // token invalid, rate limited, not found, transient
	}{
		{"token", &Error{Kind: TokenInvalid}, [4]bool{true, false, false, false}},
		{"rate", &Error{Kind: RateLimited}, [4]bool{false, true, false, false}},
		{"not found", &Error{Kind: NotFound}, [4]bool{false, false, true, false}},
		{"transient wrapped", errors.Join(errors.New("refresh"), &Error{Kind: Transient}), [4]bool{false, false, false, true}},
		{"hashtag not found", ErrHashtagNotFound, [4]bool{false, false, true, false}},
		{"plain", errors.New("plain"), [4]bool{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := [4]bool{IsTokenInvalid(tt.err), IsRateLimited(tt.err), IsNotFound(tt.err), IsTransient(tt.err)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("helpers mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
