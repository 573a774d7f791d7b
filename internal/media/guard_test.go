package media

import (
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDownloadRejectsHostileInputs(t *testing.T) {
	tests := []struct {
		name       string
		link       func(cdn *testCDN) string
		video      bool
		wantStatus int // 404 when Register already rejects the link
	}{
		{
			name:       "redirect to loopback port not allowed",
			link:       func(c *testCDN) string { return c.URL + "/v/r.jpg?redirect=http://127.0.0.1:1/x.jpg" },
			wantStatus: http.StatusBadGateway,
		},
		{
			name:       "redirect to metadata address",
			link:       func(c *testCDN) string { return c.URL + "/v/r.jpg?redirect=http://169.254.169.254/latest/meta-data/" },
			wantStatus: http.StatusBadGateway,
		},
		{
			name:       "redirect to private range",
			link:       func(c *testCDN) string { return c.URL + "/v/r.jpg?redirect=https://10.0.0.1/x.jpg" },
			wantStatus: http.StatusBadGateway,
		},
		{
			name:       "redirect to CDN name on another host",
			link:       func(c *testCDN) string { return c.URL + "/v/r.jpg?redirect=https://scontent.cdninstagram.com/x.jpg" },
			wantStatus: http.StatusBadGateway,
		},
		{
			name:       "host not allowed",
			link:       func(*testCDN) string { return "https://images.example.com/v/a.jpg?oe=7FFFFFFF" },
			wantStatus: http.StatusNotFound,
		},
		{
			name:       "http on a CDN host",
			link:       func(*testCDN) string { return "http://scontent-ams4-1.cdninstagram.com/v/a.jpg" },
			wantStatus: http.StatusNotFound,
		},
		{
			name:       "CDN name resolving to loopback",
			link:       func(*testCDN) string { return "https://scontent.cdninstagram.com/v/a.jpg?oh=secret" },
			wantStatus: http.StatusBadGateway,
		},
		{
			name:       "oversize body with Content-Length",
			link:       func(c *testCDN) string { return c.URL + "/v/big.jpg" },
			wantStatus: http.StatusBadGateway,
		},
		{
			name:       "oversize body without Content-Length",
			link:       func(c *testCDN) string { return c.URL + "/v/big.jpg?chunked=1" },
			wantStatus: http.StatusBadGateway,
		},
		{
			name:       "text body for an image",
			link:       func(c *testCDN) string { return c.URL + "/v/text.jpg" },
			wantStatus: http.StatusBadGateway,
		},
		{
			name:       "image body for a video",
			link:       func(c *testCDN) string { return c.URL + "/v/small.jpg" },
			video:      true,
			wantStatus: http.StatusBadGateway,
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cdn := newTestCDN(t)
			cdn.files["/v/big.jpg"] = jpegBytes(t, 200, 200, 1)
			cdn.files["/v/small.jpg"] = jpegBytes(t, 4, 4, 1)
			cdn.files["/v/text.jpg"] = []byte("<html><body>not an image</body></html>")
			env := newTestEnv(t, openIndex(t), cdn, func(c *Config) {
				c.MaxImageBytes = 4 << 10
				c.NetResolver = mapResolver{"scontent.cdninstagram.com": "127.0.0.1"}
			})
			var mu sync.Mutex
			var dialed []string
			env.store.guard.onControl = func(address string) {
				mu.Lock()
				defer mu.Unlock()
				dialed = append(dialed, address)
			}
			ref := Ref{AccountID: 1, MediaID: "30" + strconv.Itoa(i), Variant: VariantFile}
			reg := Registration{Ref: ref, CDNURL: tt.link(cdn), Video: tt.video, Resolvable: false}
			_ = env.store.Register(t.Context(), []Registration{reg})
			env.store.wg.Wait() // the background download of a non-resolvable ref

			resp := env.get(t, http.MethodGet, mediaPath(ref), nil)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if files := dirFiles(t, env.dir); len(files) != 0 {
				t.Errorf("media folder = %q, want empty", files)
			}
			logs := env.logs.String()
			if !hasLine(logs, ref.String(), "Rejected media") {
				t.Errorf("no rejection logged for %s; log:\n%s", ref, logs)
			}
			if strings.Contains(logs, "oh=") {
				t.Errorf("log contains a link signature:\n%s", logs)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, address := range dialed {
				if address != cdn.host() && address != "127.0.0.1:443" {
					t.Errorf("connection attempted to %s", address)
				}
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	g, err := newGuard(Config{AllowedHosts: []string{"127.0.0.1:8081", "emulator.test:80"}})
	if err != nil {
		t.Fatalf("newGuard: %v", err)
	}
	tests := []struct {
		link string
		ok   bool
	}{
		{"https://scontent-ams4-1.cdninstagram.com/v/t51.jpg?oe=650CEAF2", true},
		{"https://video-ams4-1.cdninstagram.com/o1/v.mp4", true},
		{"https://scontent.xx.fbcdn.net/v/a.jpg", true},
		{"https://scontent-ams4-1.xx.fbcdn.net:443/v/a.jpg", true},
		{"http://127.0.0.1:8081/cdn/a.jpg", true},
		{"https://127.0.0.1:8081/cdn/a.jpg", true},
		{"http://emulator.test/cdn/a.jpg", true},
		{"http://scontent.cdninstagram.com/v/a.jpg", false},
		{"https://scontent.cdninstagram.com:8443/v/a.jpg", false},
		{"https://cdninstagram.com/v/a.jpg", false},
		{"https://cdninstagram.com.example.com/v/a.jpg", false},
		{"https://evilcdninstagram.com/v/a.jpg", false},
		{"https://user:pass@scontent.cdninstagram.com/v/a.jpg", false},
		{"http://127.0.0.1:8082/cdn/a.jpg", false},
		{"http://169.254.169.254/latest/meta-data/", false},
		{"ftp://scontent.cdninstagram.com/a.jpg", false},
		{"file:///etc/passwd", false},
	}
	for _, tt := range tests {
		t.Run(tt.link, func(t *testing.T) {
			u, err := url.Parse(tt.link)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if err := g.checkURL(u); (err == nil) != tt.ok {
				t.Errorf("checkURL = %v, want allowed %v", err, tt.ok)
			}
		})
	}
}

func TestIsPublic(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"157.240.1.174", true},
		{"2a03:2880:f12f:83:face:b00c:0:25de", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.0.0.1", false},
		{"172.16.5.4", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false},
		{"100.100.100.200", false},
		{"0.0.0.0", false},
		{"::", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
		{"fe80::1", false},
		{"fd00:ec2::254", false},
		{"::ffff:127.0.0.1", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := isPublic(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("isPublic(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}

func TestLinkExpired(t *testing.T) {
	// oe=650CEAF2 is 2023-09-22T01:16:34Z.
	link := "https://scontent.cdninstagram.com/v/a.jpg?_nc_cat=1&oh=00ab&oe=650CEAF2"
	tests := []struct {
		name string
		link string
		now  time.Time
		want bool
	}{
		{"day before", link, time.Date(2023, 9, 21, 0, 0, 0, 0, time.UTC), false},
		{"second before", link, time.Date(2023, 9, 22, 1, 16, 33, 0, time.UTC), false},
		{"at expiry", link, time.Date(2023, 9, 22, 1, 16, 34, 0, time.UTC), true},
		{"after expiry", link, time.Date(2023, 9, 22, 2, 0, 0, 0, time.UTC), true},
		{"lower case hex", strings.ToLower(link), time.Date(2023, 9, 22, 2, 0, 0, 0, time.UTC), true},
		{"no oe", "https://scontent.cdninstagram.com/v/a.jpg", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"oe not hex", "https://scontent.cdninstagram.com/v/a.jpg?oe=ZZZZZZZZ", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"oe too short", "https://scontent.cdninstagram.com/v/a.jpg?oe=650CEA", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := linkExpired(tt.link, tt.now); got != tt.want {
				t.Errorf("linkExpired = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no folder", Config{}},
		{"allowed host without port", Config{Dir: t.TempDir(), AllowedHosts: []string{"127.0.0.1"}}},
		{"negative cache limit", Config{Dir: t.TempDir(), MaxCacheBytes: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg, openIndex(t)); err == nil {
				t.Errorf("New returned no error")
			}
		})
	}
	if _, err := New(Config{Dir: t.TempDir()}, nil); err == nil {
		t.Errorf("New with a nil index returned no error")
	}
}

func TestRegisterSkipsInvalid(t *testing.T) {
	env := newTestEnv(t, openIndex(t), nil, nil)
	good := Registration{Ref: Ref{AccountID: 1, MediaID: "40", Variant: VariantFile}, CDNURL: "https://scontent.cdninstagram.com/a.jpg", Resolvable: true}
	bad := Registration{Ref: Ref{AccountID: 1, MediaID: "41", Variant: "poster"}, CDNURL: "https://scontent.cdninstagram.com/b.jpg", Resolvable: true}
	err := env.store.Register(t.Context(), []Registration{good, bad})
	if err == nil {
		t.Fatalf("Register returned no error for an invalid variant")
	}
	if _, err := env.index.MediaFile(t.Context(), good.Ref.String()); err != nil {
		t.Errorf("valid registration was not recorded: %v", err)
	}
	if _, err := env.index.MediaFile(t.Context(), bad.Ref.String()); err == nil {
		t.Errorf("invalid registration was recorded")
	}
	if got := env.logs.String(); !slices.ContainsFunc(strings.Split(got, "\n"), func(l string) bool {
		return strings.Contains(l, "Rejected media registration") && strings.Contains(l, "1-41-poster")
	}) {
		t.Errorf("no rejection logged; log:\n%s", got)
	}
}
