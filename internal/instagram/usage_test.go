package instagram

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// usageFixtureHeaders returns the rate-limit headers of testdata/usage_headers.json.
func usageFixtureHeaders(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("testdata/usage_headers.json")
	if err != nil {
		t.Fatal(err)
	}
	var header map[string]string
	if err := json.Unmarshal(data, &header); err != nil {
		t.Fatal(err)
	}
	return header
}

func TestUsageFromHeaders(t *testing.T) {
	c, _ := newTestClient(t, map[string]route{
		"GET /graph.facebook.com/v25.0/17841400000000001": {file: "user_facebook.json", header: usageFixtureHeaders(t)},
	})
	if got := c.Usage(facebookCred); !cmp.Equal(got, Usage{}) {
		t.Errorf("Usage before any call = %+v, want zero", got)
	}
	if _, err := c.User(t.Context(), facebookCred, "17841400000000001", nil); err != nil {
		t.Fatal(err)
	}
	want := Usage{
		App: &UsageCounts{CallCount: 28, TotalCPUTime: 25, TotalTime: 25},
		Business: []BusinessUsage{
			{ObjectID: "100000000000009", Type: "instagram", UsageCounts: UsageCounts{CallCount: 40, TotalCPUTime: 5, TotalTime: 6}},
			{ObjectID: "17841400000000001", Type: "instagram", UsageCounts: UsageCounts{CallCount: 96, TotalCPUTime: 10, TotalTime: 12}},
		},
		ObservedAt: testNow,
	}
	got := c.Usage(facebookCred)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Usage mismatch (-want +got):\n%s", diff)
	}
	if got.Max() != 96 {
		t.Errorf("Max = %d, want 96", got.Max())
	}
	if other := c.Usage(instagramCred); !cmp.Equal(other, Usage{}) {
		t.Errorf("Usage of another account = %+v, want zero", other)
	}
}

func TestUsageAppHeaderAboveThreshold(t *testing.T) {
	header := map[string]string{"X-App-Usage": `{"call_count":96,"total_cputime":10,"total_time":12}`}
	c, _ := newTestClient(t, map[string]route{
		"GET /graph.instagram.com/v25.0/me": {file: "me_instagram.json", header: header},
	})
	if _, err := c.Me(t.Context(), instagramCred, nil); err != nil {
		t.Fatal(err)
	}
	usage := c.Usage(instagramCred)
	if usage.Max() != 96 {
		t.Errorf("Max = %d, want 96", usage.Max())
	}
	if usage.Business != nil {
		t.Errorf("Business = %+v, want nil without the header", usage.Business)
	}
}

func TestUsageFromThrottledResponse(t *testing.T) {
	header := map[string]string{
		"X-Business-Use-Case-Usage": `{"17841400000000001":[{"type":"instagram","call_count":100,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":15}]}`,
	}
	body := `{"error":{"message":"(#80002) There have been too many calls to this Instagram account.","type":"OAuthException","code":80002}}`
	c, _ := newTestClient(t, map[string]route{
		"GET /graph.facebook.com/v25.0/17841400000000001": {body: body, status: 400, header: header},
	})
	_, err := c.User(t.Context(), facebookCred, "17841400000000001", nil)
	if !IsRateLimited(err) {
		t.Fatalf("IsRateLimited(%v) = false", err)
	}
	usage := c.Usage(facebookCred)
	if usage.Max() != 100 {
		t.Errorf("Max = %d, want 100", usage.Max())
	}
	if usage.RegainAccessIn() != 15*time.Minute {
		t.Errorf("RegainAccessIn = %v, want 15m", usage.RegainAccessIn())
	}
}

func TestParseUsage(t *testing.T) {
	tests := []struct {
		name    string
		header  http.Header
		want    Usage
		wantOK  bool
		wantErr bool
	}{
		{name: "no headers", header: http.Header{}},
		{
			name:   "fractional percentages round up",
			header: http.Header{"X-App-Usage": {`{"call_count":89.2,"total_cputime":0,"total_time":1}`}},
			want:   Usage{App: &UsageCounts{CallCount: 90, TotalTime: 1}, ObservedAt: testNow},
			wantOK: true,
		},
		{
			name:    "malformed app header keeps business header",
			header:  http.Header{"X-App-Usage": {`{call_count:1`}, "X-Business-Use-Case-Usage": {`{"1":[{"type":"instagram","call_count":5}]}`}},
			want:    Usage{Business: []BusinessUsage{{ObjectID: "1", Type: "instagram", UsageCounts: UsageCounts{CallCount: 5}}}, ObservedAt: testNow},
			wantOK:  true,
			wantErr: true,
		},
		{
			name:    "business header not an object of arrays",
			header:  http.Header{"X-Business-Use-Case-Usage": {`[{"call_count":5}]`}},
			want:    Usage{ObservedAt: testNow},
			wantOK:  true,
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := parseUsage(tt.header, testNow)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("usage mismatch (-want +got):\n%s", diff)
			}
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if (err != nil) != tt.wantErr {
				t.Errorf("err = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
