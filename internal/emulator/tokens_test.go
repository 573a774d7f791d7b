package emulator_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
)

func TestTokenPrefixes(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	if !strings.HasPrefix(f.tokens.Instagram, "IGAA") {
		t.Errorf("Instagram Login token starts %q, want IGAA", f.tokens.Instagram[:4])
	}
	if !strings.HasPrefix(f.tokens.Facebook, "EAA") {
		t.Errorf("Facebook Login token starts %q, want EAA", f.tokens.Facebook[:3])
	}
	again := f.e.IssueToken(instagram.KindInstagram, emulator.AccountKey(f.accounts.CreatorUserID), time.Hour)
	if again == f.tokens.Instagram {
		t.Error("two issued tokens are equal, want random tokens")
	}
	rec, ok := f.e.Token(again)
	if !ok || rec.Kind != instagram.KindInstagram || rec.Account != emulator.AccountKey(f.accounts.CreatorUserID) {
		t.Errorf("Token record = %+v, %v", rec, ok)
	}
	if !rec.Expires.Equal(start.Add(time.Hour)) {
		t.Errorf("expires = %s, want %s", rec.Expires, start.Add(time.Hour))
	}
}

func TestTokenWrongHost(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	tests := []struct {
		name   string
		url    string
		header []string
		status int
	}{
		{"instagram token on facebook host", f.e.FacebookBaseURL() + "/me?access_token=" + f.tokens.Instagram, nil, 400},
		{"facebook token on instagram host", f.e.InstagramBaseURL() + "/me?access_token=" + f.tokens.Facebook, nil, 400},
		{"garbage token", f.e.InstagramBaseURL() + "/me?access_token=IGAAnotatoken", nil, 400},
		{"wrong host in bearer header", f.e.FacebookBaseURL() + "/me", []string{"Authorization", "Bearer " + f.tokens.Instagram}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gerr := get(t, tt.url, tt.header...).graphErr(t, tt.status)
			if gerr.Code != 190 {
				t.Errorf("code = %d, want 190", gerr.Code)
			}
			if gerr.Subcode != nil {
				t.Errorf("error_subcode = %d, want none", *gerr.Subcode)
			}
			if gerr.Message != "Invalid OAuth access token - Cannot parse access token" {
				t.Errorf("message = %q", gerr.Message)
			}
			if gerr.Type != "OAuthException" {
				t.Errorf("type = %q, want OAuthException for token errors on both hosts", gerr.Type)
			}
		})
	}
}

func TestMissingToken(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	gerr := get(t, f.e.InstagramBaseURL()+"/me").graphErr(t, http.StatusBadRequest)
	if gerr.Code != 2500 {
		t.Errorf("code = %d, want 2500", gerr.Code)
	}
}

// sessionExpired matches Meta's text, such as "Session has expired on Tuesday, 10-Mar-26
// 05:00:00 PDT. The current time is Tuesday, 10-Mar-26 06:00:00 PDT."
var sessionExpired = regexp.MustCompile(`^Error validating access token: Session has expired on ` +
	`[A-Z][a-z]+day, \d\d-[A-Z][a-z]{2}-\d\d \d\d:\d\d:\d\d P[SD]T\. The current time is ` +
	`[A-Z][a-z]+day, \d\d-[A-Z][a-z]{2}-\d\d \d\d:\d\d:\d\d P[SD]T\.$`)

func TestExpiredToken(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	token := f.e.IssueToken(instagram.KindInstagram, emulator.AccountKey(f.accounts.CreatorUserID), time.Hour)
	get(t, f.e.InstagramBaseURL()+"/me?access_token="+token).okObject(t)
	f.clock.Advance(time.Hour)
	gerr := get(t, f.e.InstagramBaseURL()+"/me?access_token="+token).graphErr(t, http.StatusBadRequest)
	if gerr.Code != 190 || gerr.Subcode == nil || *gerr.Subcode != 463 {
		t.Errorf("code/subcode = %d/%v, want 190/463", gerr.Code, gerr.Subcode)
	}
	if !sessionExpired.MatchString(gerr.Message) {
		t.Errorf("message = %q, want Meta's session-expired text", gerr.Message)
	}
	if gerr.Type != "OAuthException" {
		t.Errorf("type = %q, want OAuthException", gerr.Type)
	}
}

func TestExpireToken(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	if err := f.e.ExpireToken(f.tokens.Facebook); err != nil {
		t.Fatalf("ExpireToken: %v", err)
	}
	gerr := get(t, f.fb("/me")).graphErr(t, http.StatusBadRequest)
	if gerr.Subcode == nil || *gerr.Subcode != 463 {
		t.Errorf("error_subcode = %v, want 463", gerr.Subcode)
	}
	if err := f.e.ExpireToken("EAAunknown"); err == nil {
		t.Error("ExpireToken of an unknown token returned no error")
	}
}

func TestRevokedToken(t *testing.T) {
	tests := []struct {
		name    string
		subcode int
		message *regexp.Regexp
	}{
		{"password changed", 460, regexp.MustCompile(`^Error validating access token: The session has been ` +
			`invalidated because the user changed their password or Facebook has changed the session for security reasons\.$`)},
		{"subcode zero", 0, sessionExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, emulator.Options{})
			if err := f.e.RevokeToken(f.tokens.Instagram, tt.subcode); err != nil {
				t.Fatalf("RevokeToken: %v", err)
			}
			gerr := get(t, f.ig("/me")).graphErr(t, http.StatusBadRequest)
			if gerr.Code != 190 {
				t.Errorf("code = %d, want 190", gerr.Code)
			}
			if gerr.Subcode == nil || *gerr.Subcode != tt.subcode {
				t.Errorf("error_subcode = %v, want %d sent explicitly", gerr.Subcode, tt.subcode)
			}
			if !tt.message.MatchString(gerr.Message) {
				t.Errorf("message = %q", gerr.Message)
			}
		})
	}
}

func TestErrorTypeByHost(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	tests := []struct {
		name string
		url  string
		want string
	}{
		{"instagram host", f.ig("/me", "fields", "nope"), "IGApiException"},
		{"facebook host", f.fb("/me", "fields", "nope"), "OAuthException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := get(t, tt.url).graphErr(t, http.StatusBadRequest).Type; got != tt.want {
				t.Errorf("type = %q, want %q", got, tt.want)
			}
		})
	}
}
