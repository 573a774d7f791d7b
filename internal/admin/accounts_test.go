package admin_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/source"
)

func mediaSettings() source.MediaSettings {
	amount := 2
	return source.MediaSettings{Amount: &amount}
}

// deletedAccount mirrors the data of DELETE /admin/api/accounts/{id}.
type deletedAccount struct {
	ID               int64    `json:"id"`
	DeletedInstances []string `json:"deletedInstances"`
}

func TestDeleteAccount(t *testing.T) {
	e := newEnv(t)
	path := fmt.Sprintf("/admin/api/accounts/%d", e.creator.ID)
	e.media(t, "creator")

	resp := e.do(t, request{method: http.MethodDelete, path: path})
	checkError(t, resp, http.StatusConflict, "CONFLICT", `instances "creator"`)
	if _, err := e.store.Account(t.Context(), e.creator.ID); err != nil {
		t.Fatalf("account after a rejected deletion: %v", err)
	}

	resp = e.do(t, request{method: http.MethodDelete, path: path + "?force=true"})
	if resp.status != http.StatusOK {
		t.Fatalf("forced deletion: status = %d, body %s", resp.status, resp.body)
	}
	var got deletedAccount
	resp.data(t, &got)
	if diff := cmp.Diff(deletedAccount{ID: e.creator.ID, DeletedInstances: []string{"creator"}}, got); diff != "" {
		t.Errorf("deletion (-want +got):\n%s", diff)
	}
	if _, err := e.source.Media(t.Context(), "creator", mediaSettings()); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("media of the deleted instance: error %v, want NOT_FOUND", err)
	}

	resp = e.do(t, request{method: http.MethodDelete, path: path})
	checkError(t, resp, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("account %d not found", e.creator.ID))
}

func TestDeleteAccountUnused(t *testing.T) {
	e := newEnv(t)
	resp := e.do(t, request{method: http.MethodDelete, path: fmt.Sprintf("/admin/api/accounts/%d", e.business.ID)})
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	var got deletedAccount
	resp.data(t, &got)
	if diff := cmp.Diff(deletedAccount{ID: e.business.ID, DeletedInstances: []string{}}, got); diff != "" {
		t.Errorf("deletion (-want +got):\n%s", diff)
	}
}

func TestDeleteAccountErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name    string
		path    string
		message string
	}{
		{name: "id not a number", path: "/admin/api/accounts/abc", message: `invalid account id "abc"`},
		{name: "id zero", path: "/admin/api/accounts/0", message: `invalid account id "0"`},
		{name: "force not a boolean", path: fmt.Sprintf("/admin/api/accounts/%d?force=yes", e.creator.ID),
			message: `invalid parameter "force" "yes"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(t, request{method: http.MethodDelete, path: tt.path})
			checkError(t, resp, http.StatusBadRequest, "INVALID_INPUT", tt.message)
		})
	}
	if _, err := e.store.Account(t.Context(), e.creator.ID); err != nil {
		t.Errorf("account after rejected deletions: %v", err)
	}
}

func TestPurgeCache(t *testing.T) {
	e := newEnv(t)
	e.media(t, "creator")
	if _, calls := e.media(t, "creator"); calls != 0 {
		t.Fatalf("repeated media query made %d Graph calls, want 0 from the cache", calls)
	}

	resp := e.do(t, request{method: http.MethodPost, path: "/admin/api/cache/purge"})
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", resp.status, resp.body)
	}
	var got struct{ PurgedInstances int }
	resp.data(t, &got)
	if got.PurgedInstances != 1 {
		t.Errorf("purgedInstances = %d, want 1", got.PurgedInstances)
	}
	if _, calls := e.media(t, "creator"); calls == 0 {
		t.Error("media query after the purge was served from the cache")
	}
}

func TestCrossSiteRejected(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		req  request
	}{
		{name: "create from another site", req: request{method: http.MethodPost, path: "/admin/api/instances",
			body: fmt.Sprintf(`{"name":"evil","account":%d}`, e.creator.ID)}},
		{name: "change from another site", req: request{method: http.MethodPatch, path: "/admin/api/instances/creator",
			body: `{"defaultCache":1}`}},
		{name: "delete from another site", req: request{method: http.MethodDelete, path: "/admin/api/instances/creator"}},
		{name: "disconnect from another site", req: request{method: http.MethodDelete,
			path: fmt.Sprintf("/admin/api/accounts/%d?force=true", e.creator.ID)}},
		{name: "purge from another site", req: request{method: http.MethodPost, path: "/admin/api/cache/purge"}},
	}
	headers := map[string]map[string]string{
		"sec-fetch-site": {"Sec-Fetch-Site": "cross-site"},
		"origin":         {"Origin": "https://attacker.example"},
	}
	for _, tt := range tests {
		for kind, header := range headers {
			t.Run(tt.name+" "+kind, func(t *testing.T) {
				req := tt.req
				req.header = header
				resp := e.do(t, req)
				checkError(t, resp, http.StatusBadRequest, "INVALID_INPUT", "cross-site request rejected")
			})
		}
	}
	stored, err := e.store.InstanceByName(t.Context(), "creator")
	if err != nil {
		t.Fatalf("instance after cross-site requests: %v", err)
	}
	if stored.CacheSeconds != 3600 {
		t.Errorf("cache time after a cross-site change = %d, want 3600", stored.CacheSeconds)
	}
	if _, err := e.store.InstanceByName(t.Context(), "evil"); err == nil {
		t.Error("a cross-site request created an instance")
	}

	same := e.do(t, request{method: http.MethodPatch, path: "/admin/api/instances/creator", body: `{"defaultCache":7}`,
		header: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": e.server.URL}})
	if same.status != http.StatusOK {
		t.Errorf("same-origin change: status = %d, body %s", same.status, same.body)
	}
}
