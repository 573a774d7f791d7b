package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/emulator"
)

func TestInjectFaultError(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	f.e.InjectFault(emulator.Fault{Endpoint: emulator.EndpointMediaList, Code: 2, Times: 2})
	for i := range 2 {
		gerr := get(t, f.ig("/me/media")).graphErr(t, http.StatusBadRequest)
		if gerr.Code != 2 {
			t.Errorf("call %d: code = %d, want 2", i, gerr.Code)
		}
	}
	get(t, f.ig("/me/media")).okObject(t)
	get(t, f.ig("/me")).okObject(t)
}

func TestInjectFaultStatusAndSubcode(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	f.e.InjectFault(emulator.Fault{Status: http.StatusInternalServerError, Code: 1, Subcode: 99, Message: "boom"})
	gerr := get(t, f.fb("/me")).graphErr(t, http.StatusInternalServerError)
	if gerr.Code != 1 || gerr.Subcode == nil || *gerr.Subcode != 99 || gerr.Message != "boom" {
		t.Errorf("error = %+v, want code 1, subcode 99, message boom", gerr)
	}
	if got := get(t, f.ig("/me")); got.status != http.StatusInternalServerError {
		t.Errorf("fault with Times 0 stopped after one call: status %d", got.status)
	}
	f.e.ClearFaults()
	get(t, f.ig("/me")).okObject(t)
}

func TestInjectFaultDrop(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	f.e.InjectFault(emulator.Fault{Endpoint: emulator.EndpointMe, Drop: true, Times: 1})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, f.ig("/me"), nil)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped request got status %d, want a connection error", resp.StatusCode)
	}
	get(t, f.ig("/me")).okObject(t)
}

func TestInjectFaultLatency(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	f.e.InjectFault(emulator.Fault{Endpoint: emulator.EndpointMe, Latency: 5 * time.Millisecond, Times: 1})
	get(t, f.ig("/me")).okObject(t) // a latency-only fault still returns the normal response
	if n := f.e.Calls(emulator.EndpointMe); n != 1 {
		t.Errorf("Calls(me) = %d, want 1", n)
	}
}

func TestCDNFault(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	id := f.e.MediaIDs(f.accounts.CreatorUserID)[0]
	link, err := f.e.CDNURL(id, emulator.VariantFile, start.Add(time.Hour))
	if err != nil {
		t.Fatalf("CDNURL: %v", err)
	}
	f.e.InjectFault(emulator.Fault{Endpoint: emulator.EndpointCDN, Status: http.StatusServiceUnavailable, Times: 1})
	if r := get(t, link); r.status != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", r.status)
	}
	if r := get(t, link); r.status != http.StatusOK {
		t.Errorf("after the fault: status = %d, want 200", r.status)
	}
}

func TestCallCounters(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	mediaID := f.e.MediaIDs(f.accounts.CreatorUserID)[3]
	hashtag := f.searchHashtag(t, "coffee")
	calls := []struct {
		url      string
		endpoint emulator.Endpoint
	}{
		{f.ig("/me"), emulator.EndpointMe},
		{f.ig("/" + f.accounts.CreatorUserID), emulator.EndpointUser},
		{f.ig("/me/media"), emulator.EndpointMediaList},
		{f.ig("/" + mediaID), emulator.EndpointMedia},
		{f.ig("/" + mediaID + "/children"), emulator.EndpointChildren},
		{f.ig("/", "ids", mediaID), emulator.EndpointIDs},
		{f.fb("/me/accounts"), emulator.EndpointAccounts},
		{f.fb("/" + f.accounts.Pages[0].ID), emulator.EndpointPage},
		{f.fb("/" + hashtag), emulator.EndpointHashtag},
		{f.fb("/"+hashtag+"/top_media", "user_id", f.accounts.BusinessUserID), emulator.EndpointHashtagTop},
		{f.fb("/"+hashtag+"/recent_media", "user_id", f.accounts.BusinessUserID), emulator.EndpointHashtagRecent},
	}
	f.e.ResetCalls()
	for _, c := range calls {
		get(t, c.url).okObject(t)
		if n := f.e.Calls(c.endpoint); n != 1 {
			t.Errorf("Calls(%s) = %d after one call, want 1", c.endpoint, n)
		}
	}
	if n := f.e.TotalCalls(); n != len(calls) {
		t.Errorf("TotalCalls = %d, want %d", n, len(calls))
	}
	f.e.ResetCalls()
	if n := f.e.TotalCalls(); n != 0 {
		t.Errorf("TotalCalls after reset = %d", n)
	}
}

func TestCallCountersWithInvalidToken(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	if err := f.e.RevokeToken(f.tokens.Instagram, 460); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	f.e.ResetCalls()
	get(t, f.ig("/me/media")).graphErr(t, http.StatusBadRequest)
	if n := f.e.Calls(emulator.EndpointMediaList); n != 1 {
		t.Errorf("Calls(media_list) = %d after a call with a revoked token, want 1", n)
	}
}

func TestRequestLogRedactsToken(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	f.e.ResetCalls()
	get(t, f.ig("/me/media", "fields", "id,children{id}"))
	records := f.e.Requests()
	if len(records) != 1 {
		t.Fatalf("recorded %d requests, want 1", len(records))
	}
	raw := records[0].RawQuery
	if strings.Contains(raw, f.tokens.Instagram) {
		t.Error("recorded query contains the token")
	}
	if !strings.Contains(raw, "access_token=REDACTED") {
		t.Errorf("recorded query %q has no redacted token", raw)
	}
	if !strings.Contains(raw, "fields=id%2Cchildren%7Bid%7D") {
		t.Errorf("recorded query %q lost the raw encoding of fields", raw)
	}
	if records[0].Endpoint != emulator.EndpointMediaList {
		t.Errorf("endpoint = %s, want media_list", records[0].Endpoint)
	}
}

func TestAddMedia(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	caption := "Fresh post #new"
	id, err := f.e.AddMedia(f.accounts.CreatorUserID, emulator.NewMedia{Type: "CAROUSEL_ALBUM", Caption: &caption, Children: 3})
	if err != nil {
		t.Fatalf("AddMedia: %v", err)
	}
	first := data(t, get(t, f.ig("/me/media", "fields", "id,caption,children{id}", "limit", "1")).okObject(t))[0]
	if first["id"] != id || first["caption"] != caption {
		t.Errorf("newest media = %v, want the added %s", first, id)
	}
	if kids := first["children"].(map[string]any)["data"].([]any); len(kids) != 3 {
		t.Errorf("added album has %d children, want 3", len(kids))
	}
	invalid := []struct {
		name    string
		account string
		media   emulator.NewMedia
	}{
		{"unknown account", "17841000000000000", emulator.NewMedia{}},
		{"unknown type", f.accounts.CreatorUserID, emulator.NewMedia{Type: "STORY"}},
		{"album of 11", f.accounts.CreatorUserID, emulator.NewMedia{Type: "CAROUSEL_ALBUM", Children: 11}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.e.AddMedia(tt.account, tt.media); err == nil {
				t.Error("AddMedia returned no error")
			}
		})
	}
}

func TestStartServes(t *testing.T) {
	e := emulator.New(emulator.Options{ImageSide: 16})
	base, stop, err := e.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer stop()
	if !strings.HasPrefix(e.InstagramBaseURL(), base) {
		t.Errorf("InstagramBaseURL = %s, want it under %s", e.InstagramBaseURL(), base)
	}
	token := e.DemoTokens(time.Hour).Instagram
	get(t, e.InstagramBaseURL()+"/me?access_token="+token).okObject(t)
}
