package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/emulator"
)

// FuzzFieldsParameter checks that any fields parameter gets a JSON response, 200 or a Graph
// error, and never a panic.
func FuzzFieldsParameter(f *testing.F) {
	for _, seed := range []string{
		"id,caption", "children{id,media_type}", "children.limit(2){id}", "media.limit(3){id,children{id}}",
		"{", "}", "a.limit(", "a.limit(x)", "id,,", "children{children{id}}", ".", "a{b}{c}",
	} {
		f.Add(seed)
	}
	e := emulator.New(emulator.Options{ImageSide: 8})
	token := e.DemoTokens(time.Hour).Instagram
	handler := e.Handler()
	f.Fuzz(func(t *testing.T, fields string) {
		for _, path := range []string{"/graph.instagram.com/me", "/graph.instagram.com/me/media"} {
			q := url.Values{"fields": {fields}, "access_token": {token}}
			req := httptest.NewRequest(http.MethodGet, path+"?"+q.Encode(), nil)
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
				t.Fatalf("fields %q on %s: status %d", fields, path, rec.Code)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("fields %q on %s: body is not JSON: %s", fields, path, rec.Body.Bytes())
			}
		}
	})
}
