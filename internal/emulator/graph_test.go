package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/emulator"
)

func TestMeOnInstagramHost(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	fields := "id,user_id,username,name,account_type,profile_picture_url,followers_count," +
		"follows_count,media_count,biography,website"
	body := get(t, f.ig("/v25.0/me", "fields", fields)).okObject(t)
	want := strings.Split(fields, ",")
	if diff := cmp.Diff(sorted(want), keys(body)); diff != "" {
		t.Errorf("/me members (-want +got):\n%s", diff)
	}
	if body["id"] != f.accounts.CreatorAppScopedID {
		t.Errorf("id = %v, want the app-scoped id %s", body["id"], f.accounts.CreatorAppScopedID)
	}
	if body["user_id"] != f.accounts.CreatorUserID {
		t.Errorf("user_id = %v, want the professional id %s", body["user_id"], f.accounts.CreatorUserID)
	}
	if !strings.HasPrefix(f.accounts.CreatorUserID, "17841") || len(f.accounts.CreatorUserID) != 17 {
		t.Errorf("professional id %s is not 17 digits starting 17841", f.accounts.CreatorUserID)
	}
	if !strings.HasPrefix(f.accounts.CreatorAppScopedID, "2") || len(f.accounts.CreatorAppScopedID) != 17 {
		t.Errorf("app-scoped id %s is not 17 digits starting 2", f.accounts.CreatorAppScopedID)
	}
}

func TestAccountTypeUpperCase(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	body := get(t, f.ig("/me", "fields", "account_type")).okObject(t)
	if body["account_type"] != "MEDIA_CREATOR" {
		t.Errorf("account_type = %v, want MEDIA_CREATOR as real responses spell it", body["account_type"])
	}
}

func TestVersionPrefixOptional(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	for _, path := range []string{"/me", "/v25.0/me", "/v22.0/me"} {
		t.Run(path, func(t *testing.T) {
			body := get(t, f.ig(path, "fields", "username")).okObject(t)
			if body["username"] != "igsource.demo" {
				t.Errorf("username = %v, want igsource.demo", body["username"])
			}
		})
	}
	gerr := get(t, f.ig("/v25.0/v25.0/me")).graphErr(t, http.StatusBadRequest)
	if gerr.Code != 2500 {
		t.Errorf("doubled version: code = %d, want 2500 (unknown path components)", gerr.Code)
	}
}

func TestBearerToken(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	url := f.e.InstagramBaseURL() + "/me?fields=username"
	body := get(t, url, "Authorization", "Bearer "+f.tokens.Instagram).okObject(t)
	if body["username"] != "igsource.demo" {
		t.Errorf("username = %v, want igsource.demo", body["username"])
	}
}

func TestNoFieldsGivesID(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	mediaID := f.e.MediaIDs(f.accounts.CreatorUserID)[0]
	tests := []struct {
		name string
		url  string
		want []string
	}{
		{"me", f.ig("/me"), []string{"id"}},
		{"media node", f.ig("/" + mediaID), []string{"id"}},
		{"facebook user", f.fb("/me"), []string{"id", "name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := get(t, tt.url).okObject(t)
			if diff := cmp.Diff(tt.want, keys(body)); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
		})
	}
	items := data(t, get(t, f.ig("/me/media")).okObject(t))
	for _, item := range items {
		if diff := cmp.Diff([]string{"id"}, keys(item)); diff != "" {
			t.Fatalf("/me/media item without fields (-want +got):\n%s", diff)
		}
	}
}

func TestIDAlwaysReturned(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	mediaID := f.e.MediaIDs(f.accounts.CreatorUserID)[0]
	tests := []struct {
		name string
		url  string
		want []string
	}{
		{"me", f.ig("/me", "fields", "username"), []string{"id", "username"}},
		{"media", f.ig("/"+mediaID, "fields", "media_type"), []string{"id", "media_type"}},
		{"page", f.fb("/"+f.accounts.Pages[1].ID, "fields", "name"), []string{"id", "name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := get(t, tt.url).okObject(t)
			if diff := cmp.Diff(tt.want, keys(body)); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHostSpecificFields(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	business := f.accounts.BusinessUserID
	tests := []struct {
		name  string
		url   string
		field string
	}{
		{"account_type on facebook", f.fb("/"+business, "fields", "id,account_type"), "account_type"},
		{"user_id on facebook", f.fb("/"+business, "fields", "user_id"), "user_id"},
		{"ig_id on instagram", f.ig("/me", "fields", "ig_id"), "ig_id"},
		{"unknown field", f.ig("/me", "fields", "id,shoe_size"), "shoe_size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gerr := get(t, tt.url).graphErr(t, http.StatusBadRequest)
			want := "(#100) Tried accessing nonexisting field (" + tt.field + ") on node type (IGUser)"
			if gerr.Message != want {
				t.Errorf("message = %q, want %q", gerr.Message, want)
			}
			if gerr.Code != 100 {
				t.Errorf("code = %d, want 100", gerr.Code)
			}
		})
	}
	body := get(t, f.fb("/"+business, "fields", "id,username,followers_count")).okObject(t)
	if body["id"] != business {
		t.Errorf("business account id = %v, want %s", body["id"], business)
	}
}

func TestUnknownMediaField(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	mediaID := f.e.MediaIDs(f.accounts.CreatorUserID)[0]
	gerr := get(t, f.ig("/"+mediaID, "fields", "id,children{id,colour}")).graphErr(t, http.StatusBadRequest)
	want := "(#100) Tried accessing nonexisting field (colour) on node type (IGMedia)"
	if gerr.Message != want {
		t.Errorf("message = %q, want %q", gerr.Message, want)
	}
}

func TestUnknownObject(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	tests := []struct {
		name    string
		url     string
		errType string
	}{
		{"instagram host", f.ig("/17890000000000001", "fields", "id"), "IGApiException"},
		{"facebook host", f.fb("/17890000000000001", "fields", "id"), "OAuthException"},
		{"other account's media", f.ig("/" + f.e.MediaIDs(f.accounts.BusinessUserID)[0]), "IGApiException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gerr := get(t, tt.url).graphErr(t, http.StatusBadRequest)
			if gerr.Code != 100 {
				t.Errorf("code = %d, want 100", gerr.Code)
			}
			if gerr.Subcode == nil || *gerr.Subcode != 33 {
				t.Errorf("error_subcode = %v, want 33", gerr.Subcode)
			}
			if !strings.HasPrefix(gerr.Message, "Unsupported get request. Object with ID '") {
				t.Errorf("message = %q, want Meta's unsupported get request text", gerr.Message)
			}
			if gerr.Type != tt.errType {
				t.Errorf("type = %q, want %q", gerr.Type, tt.errType)
			}
			if gerr.FBTraceID == "" {
				t.Error("fbtrace_id is empty")
			}
		})
	}
}

func TestMultiIDLookup(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	ids := f.e.MediaIDs(f.accounts.CreatorUserID)[:3]
	body := get(t, f.ig("/", "ids", strings.Join(ids, ","), "fields", "id,media_type")).okObject(t)
	if diff := cmp.Diff(sorted(ids), keys(body)); diff != "" {
		t.Fatalf("keys (-want +got):\n%s", diff)
	}
	for _, id := range ids {
		item := body[id].(map[string]any)
		if item["id"] != id {
			t.Errorf("body[%s].id = %v", id, item["id"])
		}
	}
	gerr := get(t, f.ig("/", "ids", ids[0]+",17890000000000001")).graphErr(t, http.StatusBadRequest)
	if gerr.Subcode == nil || *gerr.Subcode != 33 {
		t.Errorf("unknown id in ids: error_subcode = %v, want 33", gerr.Subcode)
	}
}

func TestFacebookPages(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	me := get(t, f.fb("/me", "fields", "id,name")).okObject(t)
	if me["id"] != f.accounts.FacebookUserID {
		t.Errorf("/me id = %v, want %s", me["id"], f.accounts.FacebookUserID)
	}
	pages := data(t, get(t, f.fb("/me/accounts", "fields", "id,name,instagram_business_account")).okObject(t))
	if len(pages) != 2 {
		t.Fatalf("got %d pages, want 2", len(pages))
	}
	linked, ok := pages[0]["instagram_business_account"].(map[string]any)
	if !ok || linked["id"] != f.accounts.BusinessUserID {
		t.Errorf("first page instagram_business_account = %v, want {id: %s}", pages[0]["instagram_business_account"], f.accounts.BusinessUserID)
	}
	if _, ok := pages[1]["instagram_business_account"]; ok {
		t.Errorf("second page has instagram_business_account %v, want the member absent", pages[1]["instagram_business_account"])
	}
	page := get(t, f.fb("/"+f.accounts.Pages[0].ID, "fields", "instagram_business_account")).okObject(t)
	want := map[string]any{"id": f.accounts.Pages[0].ID,
		"instagram_business_account": map[string]any{"id": f.accounts.BusinessUserID}}
	delete(page, "id")
	delete(want, "id")
	if diff := cmp.Diff(want, page); diff != "" {
		t.Errorf("page node (-want +got):\n%s", diff)
	}
}

func TestPageToken(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	url := f.e.FacebookBaseURL() + "/" + f.accounts.BusinessUserID + "/media?access_token=" + f.accounts.Pages[0].AccessToken
	if items := data(t, get(t, url).okObject(t)); len(items) == 0 {
		t.Error("page token read no media of the linked account")
	}
}

func TestNonGetMethod(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, f.ig("/me"), nil)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /me: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", resp.StatusCode)
	}
}
