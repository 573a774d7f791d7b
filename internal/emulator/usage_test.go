package emulator_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/emulator"
)

type bucEntry struct {
	Type         string `json:"type"`
	CallCount    int    `json:"call_count"`
	TotalCPUTime int    `json:"total_cputime"`
	TotalTime    int    `json:"total_time"`
	Regain       int    `json:"estimated_time_to_regain_access"`
}

func decodeHeader(t *testing.T, r response, name string, v any) {
	t.Helper()
	raw := r.header.Get(name)
	if raw == "" {
		t.Fatalf("response has no %s header", name)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		t.Fatalf("decode %s %q: %v", name, raw, err)
	}
}

func TestUsageHeaders(t *testing.T) {
	f := newFixture(t, emulator.Options{CallsPerHour: 10})
	for range 4 {
		get(t, f.fb("/"+f.accounts.BusinessUserID, "fields", "id")).okObject(t)
	}
	last := get(t, f.fb("/"+f.accounts.BusinessUserID+"/media"))
	var app emulator.Usage
	decodeHeader(t, last, "X-App-Usage", &app)
	if app.CallCount != 50 {
		t.Errorf("X-App-Usage call_count = %d, want 50 (percent of 10 calls)", app.CallCount)
	}
	var buc map[string][]bucEntry
	decodeHeader(t, last, "X-Business-Use-Case-Usage", &buc)
	entries := buc[f.accounts.BusinessUserID]
	if len(entries) != 1 || entries[0].Type != "instagram" || entries[0].CallCount != 50 {
		t.Errorf("BUC entries for %s = %+v, want one instagram entry at 50", f.accounts.BusinessUserID, entries)
	}
	if entries[0].Regain != 0 {
		t.Errorf("estimated_time_to_regain_access = %d, want 0 while not throttled", entries[0].Regain)
	}
	ig := get(t, f.ig("/me"))
	if ig.header.Get("X-App-Usage") != "" {
		t.Error("graph.instagram.com sent X-App-Usage, want BUC only")
	}
	decodeHeader(t, ig, "X-Business-Use-Case-Usage", &buc)
	if _, ok := buc[f.accounts.CreatorUserID]; !ok {
		t.Errorf("BUC header keys = %v, want the creator's id", buc)
	}
}

func TestThrottleCodes(t *testing.T) {
	tests := []struct {
		name    string
		code    int
		message string
	}{
		{"default for an account read", 0, "(#80002)"},
		{"app", 4, "(#4) Application request limit reached"},
		{"user", 17, "(#17) User request limit reached"},
		{"page", 32, "(#32) Page request limit reached"},
		{"custom", 613, "(#613) Calls to this api have exceeded the rate limit."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, emulator.Options{CallsPerHour: 3, ThrottleCode: tt.code})
			for range 3 {
				get(t, f.ig("/me")).okObject(t)
			}
			gerr := get(t, f.ig("/me")).graphErr(t, http.StatusBadRequest)
			want := tt.code
			if want == 0 {
				want = 80002
			}
			if gerr.Code != want {
				t.Errorf("code = %d, want %d", gerr.Code, want)
			}
			if !strings.HasPrefix(gerr.Message, tt.message) {
				t.Errorf("message = %q, want it to start with %q", gerr.Message, tt.message)
			}
			f.clock.Advance(time.Hour)
			get(t, f.ig("/me")).okObject(t)
		})
	}
}

func TestThrottleRegainTime(t *testing.T) {
	f := newFixture(t, emulator.Options{CallsPerHour: 2})
	get(t, f.ig("/me")).okObject(t)
	f.clock.Advance(20 * time.Minute)
	get(t, f.ig("/me")).okObject(t)
	throttled := get(t, f.ig("/me"))
	throttled.graphErr(t, http.StatusBadRequest)
	var buc map[string][]bucEntry
	decodeHeader(t, throttled, "X-Business-Use-Case-Usage", &buc)
	if got := buc[f.accounts.CreatorUserID][0].Regain; got != 40 {
		t.Errorf("estimated_time_to_regain_access = %d, want 40 minutes", got)
	}
}

func TestSetUsage(t *testing.T) {
	f := newFixture(t, emulator.Options{})
	f.e.SetUsage(emulator.Usage{CallCount: 96, TotalCPUTime: 10, TotalTime: 12})
	r := get(t, f.fb("/me"))
	r.okObject(t)
	var app emulator.Usage
	decodeHeader(t, r, "X-App-Usage", &app)
	if diff := cmp.Diff(emulator.Usage{CallCount: 96, TotalCPUTime: 10, TotalTime: 12}, app); diff != "" {
		t.Errorf("X-App-Usage (-want +got):\n%s", diff)
	}
	f.e.SetUsage(emulator.Usage{CallCount: 100})
	if gerr := get(t, f.fb("/me")).graphErr(t, http.StatusBadRequest); gerr.Code != 4 {
		t.Errorf("forced 100 %%: code = %d, want 4", gerr.Code)
	}
	f.e.ClearUsage()
	get(t, f.fb("/me")).okObject(t)
}

func TestIDsCountPerID(t *testing.T) {
	f := newFixture(t, emulator.Options{CallsPerHour: 100})
	ids := f.e.MediaIDs(f.accounts.BusinessUserID)[:5]
	r := get(t, f.fb("/", "ids", strings.Join(ids, ","), "fields", "id"))
	r.okObject(t)
	var app emulator.Usage
	decodeHeader(t, r, "X-App-Usage", &app)
	if app.CallCount != 5 {
		t.Errorf("call_count after one ?ids= call of 5 ids = %d, want 5", app.CallCount)
	}
}
