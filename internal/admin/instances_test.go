package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
)

func TestRoutesRequireAuth(t *testing.T) {
	e := newEnv(t)
	routes := []request{
		{method: http.MethodGet, path: "/admin/api/instances"},
		{method: http.MethodPost, path: "/admin/api/instances", body: `{"account":"x"}`},
		{method: http.MethodPatch, path: "/admin/api/instances/creator", body: `{"defaultCache":5}`},
		{method: http.MethodDelete, path: "/admin/api/instances/creator"},
		{method: http.MethodDelete, path: "/admin/api/accounts/1?force=true"},
		{method: http.MethodPost, path: "/admin/api/cache/purge"},
	}
	for _, req := range routes {
		t.Run(req.method+" "+req.path, func(t *testing.T) {
			req.noAuth = true
			if got := e.do(t, req).status; got != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", got)
			}
		})
	}
	if _, err := e.store.InstanceByName(t.Context(), "creator"); err != nil {
		t.Errorf("instance after unauthenticated requests: %v", err)
	}
}

func TestListInstances(t *testing.T) {
	e := newEnv(t)
	second := &store.Instance{Name: "business", AccountID: e.business.ID, PageID: e.linked.ID, CacheSeconds: 60}
	if err := e.store.CreateInstance(t.Context(), second); err != nil {
		t.Fatal(err)
	}

	resp := e.do(t, request{path: "/admin/api/instances"})
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	var got []instanceJSON
	resp.data(t, &got)
	want := []instanceJSON{
		{ID: e.instance.ID, Name: "creator", AccountID: e.creator.ID, Account: e.creator.Username, DefaultCache: 3600},
		{ID: second.ID, Name: "business", AccountID: e.business.ID, Account: e.business.Username, PageID: e.linked.ID, DefaultCache: 60},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instances (-want +got):\n%s", diff)
	}
}

func TestCreateInstance(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		body string
		want instanceJSON // ID is not compared
	}{
		{name: "default name", body: fmt.Sprintf(`{"account":%d}`, e.creator.ID),
			want: instanceJSON{Name: "Instagram", AccountID: e.creator.ID, Account: e.creator.Username, DefaultCache: 3600}},
		{name: "second default name", body: `{"account":"@` + e.creator.Username + `"}`,
			want: instanceJSON{Name: "Instagram 2", AccountID: e.creator.ID, Account: e.creator.Username, DefaultCache: 3600}},
		{name: "named with cache", body: `{"name":"  feed  ","account":"` + e.creator.Username + `","defaultCache":120}`,
			want: instanceJSON{Name: "feed", AccountID: e.creator.ID, Account: e.creator.Username, DefaultCache: 120}},
		{name: "zero cache is the default", body: `{"name":"zero","account":"` + e.creator.Username + `","defaultCache":0}`,
			want: instanceJSON{Name: "zero", AccountID: e.creator.ID, Account: e.creator.Username, DefaultCache: 3600}},
		{name: "facebook default page", body: fmt.Sprintf(`{"name":"shop","account":%d}`, e.business.ID),
			want: instanceJSON{Name: "shop", AccountID: e.business.ID, Account: e.business.Username, PageID: e.linked.ID, DefaultCache: 3600}},
		{name: "facebook given page", body: fmt.Sprintf(`{"name":"shop page","account":%d,"page":%q}`, e.business.ID, e.linked.ID),
			want: instanceJSON{Name: "shop page", AccountID: e.business.ID, Account: e.business.Username, PageID: e.linked.ID, DefaultCache: 3600}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(t, request{method: http.MethodPost, path: "/admin/api/instances", body: tt.body})
			if resp.status != http.StatusCreated {
				t.Fatalf("status = %d, body %s", resp.status, resp.body)
			}
			var got instanceJSON
			resp.data(t, &got)
			if diff := cmp.Diff(tt.want, got, cmpIgnoreID); diff != "" {
				t.Errorf("instance (-want +got):\n%s", diff)
			}
			stored, err := e.store.InstanceByName(t.Context(), tt.want.Name)
			if err != nil {
				t.Fatalf("stored instance: %v", err)
			}
			if stored.ID != got.ID {
				t.Errorf("stored id = %d, response id = %d", stored.ID, got.ID)
			}
			wantLocation := "/admin/api/instances/" + url.PathEscape(tt.want.Name)
			if got := resp.header.Get("Location"); got != wantLocation {
				t.Errorf("Location = %q, want %q", got, wantLocation)
			}
		})
	}
}

var cmpIgnoreID = cmp.Transformer("ignoreID", func(in instanceJSON) instanceJSON { in.ID = 0; return in })

func TestCreateInstanceErrors(t *testing.T) {
	e := newEnv(t)
	// A Facebook Login account whose only Page has no linked Instagram account, under the
	// username of the Instagram Login account.
	unlinked := &store.Account{Kind: instagram.KindFacebook, AppScopedID: "9001", Username: e.creator.Username,
		Token: "token-unlinked", Pages: []store.Page{{ID: e.unlinked.ID, Name: e.unlinked.Name}}}
	if err := e.store.CreateAccount(t.Context(), unlinked); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		body    string
		status  int
		code    string
		message string // a part of the message
	}{
		{name: "missing account", body: `{"name":"x"}`, status: 400, code: "INVALID_INPUT", message: `missing field "account"`},
		{name: "unknown account id", body: `{"account":999}`, status: 404, code: "NOT_FOUND", message: `account "999" not found`},
		{name: "unknown username", body: `{"account":"nobody"}`, status: 404, code: "NOT_FOUND", message: `account "nobody" not found`},
		{name: "name taken", body: fmt.Sprintf(`{"name":"creator","account":%d}`, e.creator.ID),
			status: 409, code: "CONFLICT", message: `an instance named "creator" exists already`},
		{name: "page for instagram login", body: fmt.Sprintf(`{"name":"y","account":%d,"page":"123"}`, e.creator.ID),
			status: 400, code: "INVALID_INPUT", message: `invalid field "page" "123"`},
		{name: "page without linked account", body: fmt.Sprintf(`{"name":"y","account":%d,"page":%q}`, e.business.ID, e.unlinked.ID),
			status: 400, code: "INVALID_INPUT", message: "has no linked Instagram professional account"},
		{name: "page of another account", body: fmt.Sprintf(`{"name":"y","account":%d,"page":"42"}`, e.business.ID),
			status: 400, code: "INVALID_INPUT", message: `invalid field "page" "42": not a Page of @` + e.business.Username},
		{name: "facebook without linked page", body: fmt.Sprintf(`{"name":"y","account":%d}`, unlinked.ID),
			status: 400, code: "INVALID_INPUT", message: `missing field "page"`},
		{name: "ambiguous username", body: `{"name":"y","account":"` + e.creator.Username + `"}`,
			status: 400, code: "INVALID_INPUT", message: "matches more than one account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(t, request{method: http.MethodPost, path: "/admin/api/instances", body: tt.body})
			checkError(t, resp, tt.status, tt.code, tt.message)
		})
	}
	list, err := e.store.ListInstances(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Errorf("instances after failed creations = %+v, want only the seeded one", list)
	}
}

func TestUpdateInstance(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		path string
		body string
		want instanceJSON
	}{
		{name: "cache", path: "creator", body: `{"defaultCache":90}`,
			want: instanceJSON{Name: "creator", AccountID: e.creator.ID, Account: e.creator.Username, DefaultCache: 90}},
		{name: "rename", path: "creator", body: `{"name":"main feed"}`,
			want: instanceJSON{Name: "main feed", AccountID: e.creator.ID, Account: e.creator.Username, DefaultCache: 90}},
		{name: "by id", path: fmt.Sprint(e.instance.ID), body: `{"defaultCache":0}`,
			want: instanceJSON{Name: "main feed", AccountID: e.creator.ID, Account: e.creator.Username, DefaultCache: 3600}},
		{name: "account to facebook login", path: "main%20feed", body: `{"account":"` + e.business.Username + `"}`,
			want: instanceJSON{Name: "main feed", AccountID: e.business.ID, Account: e.business.Username, PageID: e.linked.ID, DefaultCache: 3600}},
		{name: "page", path: "main%20feed", body: fmt.Sprintf(`{"page":%q}`, e.linked.ID),
			want: instanceJSON{Name: "main feed", AccountID: e.business.ID, Account: e.business.Username, PageID: e.linked.ID, DefaultCache: 3600}},
		{name: "account back to instagram login", path: "main%20feed", body: fmt.Sprintf(`{"account":%d}`, e.creator.ID),
			want: instanceJSON{Name: "main feed", AccountID: e.creator.ID, Account: e.creator.Username, DefaultCache: 3600}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(t, request{method: http.MethodPatch, path: "/admin/api/instances/" + tt.path, body: tt.body})
			if resp.status != http.StatusOK {
				t.Fatalf("status = %d, body %s", resp.status, resp.body)
			}
			var got instanceJSON
			resp.data(t, &got)
			tt.want.ID = e.instance.ID
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("instance (-want +got):\n%s", diff)
			}
			stored, err := e.store.Instance(t.Context(), e.instance.ID)
			if err != nil {
				t.Fatal(err)
			}
			storedJSON := instanceJSON{ID: stored.ID, Name: stored.Name, AccountID: stored.AccountID,
				Account: got.Account, PageID: stored.PageID, DefaultCache: stored.CacheSeconds}
			if diff := cmp.Diff(tt.want, storedJSON); diff != "" {
				t.Errorf("stored instance (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateInstanceErrors(t *testing.T) {
	e := newEnv(t)
	other := &store.Instance{Name: "other", AccountID: e.creator.ID}
	if err := e.store.CreateInstance(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		body    string
		status  int
		code    string
		message string
	}{
		{name: "missing instance", path: "nothing", body: `{"defaultCache":5}`, status: 404, code: "NOT_FOUND", message: `instance "nothing" not found`},
		{name: "name taken", path: "other", body: `{"name":"creator"}`, status: 409, code: "CONFLICT", message: `an instance named "creator" exists already`},
		{name: "empty name", path: "other", body: `{"name":"  "}`, status: 400, code: "INVALID_INPUT", message: `invalid field "name": empty`},
		{name: "missing account", path: "other", body: `{"account":"ghost"}`, status: 404, code: "NOT_FOUND", message: `account "ghost" not found`},
		{name: "page for instagram login", path: "other", body: `{"page":"5"}`, status: 400, code: "INVALID_INPUT", message: `invalid field "page" "5"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(t, request{method: http.MethodPatch, path: "/admin/api/instances/" + tt.path, body: tt.body})
			checkError(t, resp, tt.status, tt.code, tt.message)
		})
	}
	stored, err := e.store.Instance(t.Context(), other.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(other, stored); diff != "" {
		t.Errorf("instance after failed changes (-want +got):\n%s", diff)
	}
}

func TestUpdateInstanceRefetches(t *testing.T) {
	e := newEnv(t)
	if _, calls := e.media(t, "creator"); calls == 0 {
		t.Fatal("first media query made no Graph call")
	}
	if _, calls := e.media(t, "creator"); calls != 0 {
		t.Fatalf("repeated media query made %d Graph calls, want 0 from the cache", calls)
	}

	resp := e.do(t, request{method: http.MethodPatch, path: "/admin/api/instances/creator", body: `{"defaultCache":600}`})
	if resp.status != http.StatusOK {
		t.Fatalf("PATCH status = %d, body %s", resp.status, resp.body)
	}
	if _, calls := e.media(t, "creator"); calls == 0 {
		t.Error("media query after a cache change was served from the cache")
	}

	resp = e.do(t, request{method: http.MethodPatch, path: "/admin/api/instances/creator",
		body: fmt.Sprintf(`{"account":%d}`, e.business.ID)})
	if resp.status != http.StatusOK {
		t.Fatalf("PATCH status = %d, body %s", resp.status, resp.body)
	}
	username, calls := e.media(t, "creator")
	if calls == 0 {
		t.Error("media query after an account change was served from the cache")
	}
	if username != e.business.Username {
		t.Errorf("media username after the account change = %q, want %q", username, e.business.Username)
	}
}

func TestDeleteInstance(t *testing.T) {
	e := newEnv(t)
	e.media(t, "creator")

	resp := e.do(t, request{method: http.MethodDelete, path: "/admin/api/instances/creator"})
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	var got instanceJSON
	resp.data(t, &got)
	want := instanceJSON{ID: e.instance.ID, Name: "creator", AccountID: e.creator.ID, Account: e.creator.Username, DefaultCache: 3600}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deleted instance (-want +got):\n%s", diff)
	}
	if _, err := e.source.Media(t.Context(), "creator", mediaSettings()); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("media of the deleted instance: error %v, want NOT_FOUND", err)
	}

	resp = e.do(t, request{method: http.MethodDelete, path: "/admin/api/instances/creator"})
	checkError(t, resp, http.StatusNotFound, "NOT_FOUND", `instance "creator" not found`)
}

// checkError checks the status and the JSON error of a failed response.
func checkError(t *testing.T, resp response, status int, code, message string) {
	t.Helper()
	if resp.status != status {
		t.Errorf("status = %d, want %d (body %s)", resp.status, status, resp.body)
	}
	got := resp.apiError(t)
	if got.Code != code {
		t.Errorf("code = %q, want %q", got.Code, code)
	}
	if !strings.Contains(got.Message, message) {
		t.Errorf("message = %q, want it to contain %q", got.Message, message)
	}
}
