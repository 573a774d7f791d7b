package instagram

import (
	"errors"
	"strings"
	"testing"
)

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"relative base", Config{InstagramBaseURL: "graph.instagram.com"}, `invalid InstagramBaseURL "graph.instagram.com"`},
		{"ftp base", Config{FacebookBaseURL: "ftp://127.0.0.1/graph.facebook.com"}, "use an http or https URL"},
		{"base with query", Config{InstagramOAuthURL: "http://127.0.0.1/api.instagram.com?x=1"}, "remove the query"},
		{"base without host", Config{FacebookBaseURL: "http:///graph.facebook.com"}, "has no host"},
		{"version without v", Config{Version: "25.0"}, `invalid Graph API version "25.0"`},
		{"negative max pages", Config{MaxPages: -1}, "invalid MaxPages -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"instagram base", c.instagramBase.String(), DefaultInstagramBaseURL},
		{"facebook base", c.facebookBase.String(), DefaultFacebookBaseURL},
		{"oauth base", c.oauthBase.String(), DefaultInstagramOAuthURL},
		{"version", c.version, DefaultVersion},
	}
	for _, check := range checks {
		if check.got != check.want {
			t.Errorf("%s = %q, want %q", check.name, check.got, check.want)
		}
	}
	if c.maxPages != DefaultMaxPages {
		t.Errorf("maxPages = %d, want %d", c.maxPages, DefaultMaxPages)
	}
}

func TestBaseURLPathPrefixAndVersion(t *testing.T) {
	fake := newFakeMeta(t, map[string]route{"GET /graph.instagram.com/v24.0/me": {file: "me_instagram.json"}})
	cfg := fake.config()
	cfg.InstagramBaseURL += "/"
	cfg.Version = "v24.0"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Me(t.Context(), instagramCred, nil); err != nil {
		t.Fatalf("Me: %v", err)
	}
	if got := fake.recorded()[0].Path; got != "/graph.instagram.com/v24.0/me" {
		t.Errorf("path = %q, want /graph.instagram.com/v24.0/me", got)
	}
}

func TestUserFieldsPerHost(t *testing.T) {
	tests := []struct {
		kind     Kind
		wantHost bool // whether user_id and account_type are requested
	}{
		{KindInstagram, true},
		{KindFacebook, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			joined := "," + strings.Join(DefaultUserFields(tt.kind), ",") + ","
			for _, field := range []string{"user_id", "account_type"} {
				if got := strings.Contains(joined, ","+field+","); got != tt.wantHost {
					t.Errorf("DefaultUserFields(%s) contains %s = %v, want %v", tt.kind, field, got, tt.wantHost)
				}
			}
		})
	}
}

func TestPagesFollowsPaging(t *testing.T) {
	first := `{"data":[{"id":"1","name":"One"}],"paging":{"cursors":{"after":"P2"},"next":"{{base}}/v25.0/me/accounts?access_token=X&after=P2"}}`
	second := `{"data":[{"id":"2","name":"Two","instagram_business_account":{"id":"17841400000000001"}}]}`
	c, fake := newTestClient(t, map[string]route{
		"GET /graph.facebook.com/v25.0/me/accounts":          {body: first},
		"GET /graph.facebook.com/v25.0/me/accounts?after=P2": {body: second},
	})
	pages, err := c.Pages(t.Context(), Credentials{Kind: KindFacebook, Token: "EAA_USER"})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || pages[1].InstagramBusinessAccount == nil {
		t.Fatalf("pages = %+v, want two with the second linked", pages)
	}
	if !strings.Contains(fake.recorded()[0].RawQuery, "fields=id%2Cname%2Caccess_token%2Ctasks%2Cinstagram_business_account") {
		t.Errorf("query %q lacks the Page fields", fake.recorded()[0].RawQuery)
	}
}

func TestPagesRejectsInstagramLogin(t *testing.T) {
	c, _ := newTestClient(t, nil)
	if _, err := c.Pages(t.Context(), instagramCred); err == nil {
		t.Error("Pages with an Instagram Login token succeeded, want an error")
	}
}

func TestDefaultClientRejectsRedirect(t *testing.T) {
	fake := newFakeMeta(t, map[string]route{
		"GET /graph.facebook.com/v25.0/17841400000000001": {status: 302, header: map[string]string{"Location": "http://127.0.0.1:1/elsewhere"}},
	})
	cfg := fake.config()
	cfg.HTTPClient = nil
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.User(t.Context(), facebookCred, "17841400000000001", nil)
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("error %v is %T, want *Error", err, err)
	}
	if e.HTTPStatus != 302 {
		t.Errorf("HTTPStatus = %d, want 302 from the unfollowed redirect", e.HTTPStatus)
	}
	if n := len(fake.recorded()); n != 1 {
		t.Errorf("sent %d requests, want 1", n)
	}
}
