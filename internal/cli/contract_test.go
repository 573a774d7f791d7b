package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/igsource/igsource/internal/emulator"
)

// mediaSelection selects every field of Media, with the child fields that albums carry.
const mediaSelection = `id type productType url thumbnailUrl caption permalink timestamp username
	hashtags hashtagList { id name }
	children { id type url thumbnailUrl timestamp permalink }
	commentsCount likeCount`

// childFields are the fields that mediaSelection selects on children.
var childFields = []string{"id", "type", "url", "thumbnailUrl", "timestamp", "permalink"}

var utcTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// contractMedia is a Media as the APIs return it. A pointer is a field that may be null.
type contractMedia struct {
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	ProductType   *string         `json:"productType"`
	URL           *string         `json:"url"`
	ThumbnailURL  *string         `json:"thumbnailUrl"`
	Caption       *string         `json:"caption"`
	Permalink     *string         `json:"permalink"`
	Timestamp     *string         `json:"timestamp"`
	Username      *string         `json:"username"`
	Hashtags      string          `json:"hashtags"`
	HashtagList   []contractTag   `json:"hashtagList"`
	Children      []contractMedia `json:"children"`
	CommentsCount *int            `json:"commentsCount"`
	LikeCount     *int            `json:"likeCount"`
}

type contractTag struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// demoServer is a running demo as its banner describes it.
type demoServer struct {
	base          string // igsource's base URL
	emulatorURL   string
	adminPassword string // the generated password, or empty when --admin-password set it

	// bodies are the response bodies that the test read, for the privacy check.
	bodies []recordedBody
}

type recordedBody struct {
	request string
	body    []byte
}

var (
	demoEmulatorPattern = regexp.MustCompile(`Emulator  (http://127\.0\.0\.1:\d+) `)
	demoAdminPattern    = regexp.MustCompile(`Admin     http://\S+/admin/accounts \(user admin, password (\S+)\)`)
)

// startDemo runs the demo on a free loopback port with a temporary data folder.
func startDemo(t *testing.T, args ...string) *demoServer {
	t.Helper()
	args = append([]string{"demo", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--log-level", "error"}, args...)
	stdout, stderr, stop := startCommand(t, "Press Ctrl-C", args...)
	t.Cleanup(func() {
		if status := stop(); status != exitOK {
			t.Errorf("demo exit status = %d, want %d; stderr:\n%s", status, exitOK, stderr.String())
		}
	})
	banner := stdout.String()
	base := demoBasePattern.FindStringSubmatch(banner)
	emu := demoEmulatorPattern.FindStringSubmatch(banner)
	if base == nil || emu == nil {
		t.Fatalf("demo output lacks the GraphQL or emulator URL:\n%s", banner)
	}
	d := &demoServer{base: base[1], emulatorURL: emu[1]}
	if m := demoAdminPattern.FindStringSubmatch(banner); m != nil {
		d.adminPassword = m[1]
	}
	return d
}

// do sends req, checks the status and returns the body, which it records.
func (d *demoServer) do(t *testing.T, req *http.Request, wantStatus int) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	d.bodies = append(d.bodies, recordedBody{request: req.Method + " " + req.URL.String(), body: body})
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s: status %d, want %d; body %.500s", req.Method, req.URL, resp.StatusCode, wantStatus, body)
	}
	return resp, body
}

// get fetches path under the demo's base URL and decodes the JSON body into result.
func (d *demoServer) get(t *testing.T, path string, result any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, d.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, body := d.do(t, req, http.StatusOK)
	if err := json.Unmarshal(body, result); err != nil {
		t.Fatalf("GET %s: invalid JSON %v: %.500s", path, err, body)
	}
}

// graphQL runs query and decodes the data member into result. Any error in the response
// fails the test.
func (d *demoServer) graphQL(t *testing.T, query string, result any) {
	t.Helper()
	payload, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, d.base+"/graphql", bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	_, body := d.do(t, req, http.StatusOK)
	var envelope struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		t.Fatalf("GraphQL %s: invalid JSON %v: %.500s", query, err, body)
	}
	if len(envelope.Errors) != 0 {
		t.Fatalf("GraphQL %s: errors %s", query, envelope.Errors)
	}
	if err := json.Unmarshal(envelope.Data, result); err != nil {
		t.Fatalf("GraphQL %s: data does not decode: %v: %.500s", query, err, envelope.Data)
	}
}

// sentMedia records which members the emulator sent for one media. Meta withholds the files
// of copyright-flagged media, and one of them also lacks a timestamp.
type sentMedia struct {
	file      bool // media_url
	thumbnail bool // media_url or thumbnail_url, either of which igsource can show in a grid
	timestamp bool
}

// sentByEmulator returns, by media id, what the emulator sends for the newest media of its
// creator account. The emulator generates the same dataset from its default seed every time,
// so a second emulator, called in process, shows what the demo's emulator sent.
func sentByEmulator(t *testing.T, amount int) map[string]sentMedia {
	t.Helper()
	emu := emulator.New(emulator.Options{})
	token := emu.DemoTokens(0).Instagram
	target := "/graph.instagram.com/v25.0/me/media?fields=id,media_url,thumbnail_url,timestamp&limit=" +
		strconv.Itoa(amount) + "&access_token=" + token

	rec := httptest.NewRecorder()
	emu.Handler().ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, target, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("reference emulator /me/media: status %d, body %s", rec.Code, rec.Body)
	}

	var page struct {
		Data []struct {
			ID           string  `json:"id"`
			MediaURL     *string `json:"media_url"`
			ThumbnailURL *string `json:"thumbnail_url"`
			Timestamp    *string `json:"timestamp"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		t.Fatalf("reference emulator /me/media: %v", err)
	}

	sent := make(map[string]sentMedia, len(page.Data))
	for _, m := range page.Data {
		sent[m.ID] = sentMedia{
			file:      m.MediaURL != nil,
			thumbnail: m.MediaURL != nil || m.ThumbnailURL != nil,
			timestamp: m.Timestamp != nil,
		}
	}
	return sent
}

func TestDemoMediaContract(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	sent := sentByEmulator(t, 20)

	var graph struct {
		Instance struct {
			Media []contractMedia `json:"media"`
		} `json:"instance"`
	}
	d.graphQL(t, `{ instance(name: "demo") { media { `+mediaSelection+` } } }`, &graph)
	media := graph.Instance.Media
	if len(media) != 20 {
		t.Fatalf("GraphQL media returned %d items, want the default 20", len(media))
	}
	for _, m := range media {
		s, known := sent[m.ID]
		if !known {
			t.Errorf("media %s is not among the emulator's 20 newest media", m.ID)
			continue
		}
		checkMediaFields(t, d.base, m, s)
	}
}

// checkMediaFields checks one item of a media query against the field descriptions of Media.
func checkMediaFields(t *testing.T, base string, m contractMedia, sent sentMedia) {
	t.Helper()
	switch m.Type {
	case "ALBUM", "IMAGE", "VIDEO":
	default:
		t.Errorf("media %s: type %q, want ALBUM, IMAGE or VIDEO", m.ID, m.Type)
	}
	if m.Caption == nil {
		t.Errorf("media %s: caption is null, want a string", m.ID)
	}
	if m.Username == nil || *m.Username != "igsource.demo" {
		t.Errorf("media %s: username %v, want igsource.demo", m.ID, deref(m.Username))
	}
	checkTimestamp(t, m.ID, m.Timestamp, !sent.timestamp)
	checkMediaURL(t, base, m.ID, "url", m.URL, !sent.file)
	checkMediaURL(t, base, m.ID, "thumbnailUrl", m.ThumbnailURL, !sent.thumbnail)

	names := make([]string, 0, len(m.HashtagList))
	for _, tag := range m.HashtagList {
		names = append(names, tag.Name)
	}
	if want := strings.Join(names, ", "); m.Hashtags != want {
		t.Errorf("media %s: hashtags %q, want the hashtagList names joined: %q", m.ID, m.Hashtags, want)
	}

	if m.Type != "ALBUM" {
		if len(m.Children) != 0 {
			t.Errorf("media %s: %s has %d children, want none", m.ID, m.Type, len(m.Children))
		}
		return
	}
	if len(m.Children) == 0 {
		t.Errorf("media %s: album has no children", m.ID)
		return
	}
	first := m.Children[0]
	if diff := cmp.Diff(first.URL, m.URL); diff != "" {
		t.Errorf("media %s: album url differs from its first child's (-child +album):\n%s", m.ID, diff)
	}
	if diff := cmp.Diff(first.ThumbnailURL, m.ThumbnailURL); diff != "" {
		t.Errorf("media %s: album thumbnailUrl differs from its first child's (-child +album):\n%s", m.ID, diff)
	}
	for _, c := range m.Children {
		if c.Type != "IMAGE" && c.Type != "VIDEO" {
			t.Errorf("media %s: child %s has type %q, want IMAGE or VIDEO", m.ID, c.ID, c.Type)
		}
		checkTimestamp(t, c.ID, c.Timestamp, false)
		checkMediaURL(t, base, c.ID, "url", c.URL, false)
		checkMediaURL(t, base, c.ID, "thumbnailUrl", c.ThumbnailURL, false)
	}
}

func checkTimestamp(t *testing.T, id string, ts *string, undated bool) {
	t.Helper()
	switch {
	case ts == nil && !undated:
		t.Errorf("media %s: timestamp is null, but the emulator sent one", id)
	case ts != nil && !utcTimestamp.MatchString(*ts):
		t.Errorf("media %s: timestamp %q, want UTC with a Z suffix such as 2017-08-31T18:10:00Z", id, *ts)
	}
}

// checkMediaURL checks that a file URL points at igsource's /media/ route. The URL may be null
// only when nullable is set, because Meta sent no file.
func checkMediaURL(t *testing.T, base, id, field string, u *string, nullable bool) {
	t.Helper()
	switch {
	case u == nil && !nullable:
		t.Errorf("media %s: %s is null, but the emulator sent the file", id, field)
	case u != nil && !strings.HasPrefix(*u, base+"/media/"):
		t.Errorf("media %s: %s %q does not start with %s/media/", id, field, *u, base)
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func TestDemoRESTMatchesGraphQL(t *testing.T) {
	t.Parallel()
	d := startDemo(t)

	var graph struct {
		Instance struct {
			Media []map[string]any `json:"media"`
		} `json:"instance"`
	}
	d.graphQL(t, `{ instance(name: "demo") { media { `+mediaSelection+` } } }`, &graph)
	var rest struct {
		Data []map[string]any `json:"data"`
	}
	d.get(t, "/api/v1/instances/demo/media", &rest)

	// REST returns every field of a child, but the GraphQL query selected childFields only.
	for _, m := range rest.Data {
		children, _ := m["children"].([]any)
		for i, c := range children {
			children[i] = selectKeys(c, childFields)
		}
	}
	if diff := cmp.Diff(graph.Instance.Media, rest.Data); diff != "" {
		t.Errorf("REST media differ from GraphQL media (-graphql +rest):\n%s", diff)
	}
}

// selectKeys returns the members of the JSON object v named in keys.
func selectKeys(v any, keys []string) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		if value, ok := obj[k]; ok {
			out[k] = value
		}
	}
	return out
}

func TestDemoHashtagMediaWithoutUsername(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	var graph struct {
		Instance struct {
			HashtaggedMedia []contractMedia `json:"hashtaggedMedia"`
		} `json:"instance"`
	}
	d.graphQL(t, `{ instance(name: "demo-business") { hashtaggedMedia(hashtag: "pizza", edge: RECENT) {
		id type url thumbnailUrl username } } }`, &graph)
	media := graph.Instance.HashtaggedMedia
	if len(media) == 0 {
		t.Fatal("hashtaggedMedia returned no media for #pizza")
	}
	for _, m := range media {
		if m.Username != nil {
			t.Errorf("hashtag media %s: username %q, want null", m.ID, *m.Username)
		}
		checkMediaURL(t, d.base, m.ID, "thumbnailUrl", m.ThumbnailURL, true)
	}
}

// contractUser is a User as the APIs return it.
type contractUser struct {
	ID             string  `json:"id"`
	Username       string  `json:"username"`
	Name           string  `json:"name"`
	Website        string  `json:"website"`
	Biography      string  `json:"biography"`
	PictureURL     *string `json:"pictureUrl"`
	FollowersCount *int    `json:"followersCount"`
	FollowsCount   *int    `json:"followsCount"`
	MediaCount     *int    `json:"mediaCount"`
}

func TestDemoUserContract(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	var graph struct {
		Instance struct {
			User contractUser `json:"user"`
		} `json:"instance"`
	}
	d.graphQL(t, `{ instance(name: "demo") { user {
		id username name website biography pictureUrl followersCount followsCount mediaCount } } }`, &graph)
	u := graph.Instance.User

	texts := []struct{ field, value string }{
		{"id", u.ID}, {"name", u.Name}, {"website", u.Website}, {"biography", u.Biography},
	}
	for _, s := range texts {
		if s.value == "" {
			t.Errorf("user %s is empty", s.field)
		}
	}
	if u.Username != "igsource.demo" {
		t.Errorf("user username %q, want igsource.demo", u.Username)
	}
	counts := []struct {
		field string
		value *int
	}{
		{"followersCount", u.FollowersCount}, {"followsCount", u.FollowsCount}, {"mediaCount", u.MediaCount},
	}
	for _, c := range counts {
		if c.value == nil || *c.value <= 0 {
			t.Errorf("user %s = %v, want a positive count", c.field, c.value)
		}
	}
	checkMediaURL(t, d.base, u.ID, "pictureUrl", u.PictureURL, false)

	var rest struct {
		Data contractUser `json:"data"`
	}
	d.get(t, "/api/v1/instances/demo/user", &rest)
	if diff := cmp.Diff(u, rest.Data); diff != "" {
		t.Errorf("REST user differs from GraphQL user (-graphql +rest):\n%s", diff)
	}
}

func TestDemoResponsesHideCDN(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	var discard any
	d.graphQL(t, `{ instance(name: "demo") { media { `+mediaSelection+` } user { pictureUrl } } }`, &discard)
	d.get(t, "/api/v1/instances/demo/media", &discard)
	d.get(t, "/api/v1/instances/demo/user", &discard)
	d.graphQL(t, `{ instance(name: "demo-business") { hashtaggedMedia(hashtag: "pizza", edge: RECENT) {
		id url thumbnailUrl children { url thumbnailUrl } } user { pictureUrl } } }`, &discard)
	d.get(t, "/api/v1/instances/demo-business/hashtags/pizza/media?edge=RECENT", &discard)
	d.get(t, "/api/v1/instances/demo-business/user", &discard)

	// The emulator serves its CDN at <emulator>/cdn. Its links also name Meta's CDN hosts in
	// their query, as Meta's links do.
	forbidden := []string{d.emulatorURL + "/cdn", "cdninstagram.com", "fbcdn.net"}
	for _, r := range d.bodies {
		for _, f := range forbidden {
			if bytes.Contains(r.body, []byte(f)) {
				t.Errorf("%s: body contains %q, so a browser would load the file from Instagram's CDN", r.request, f)
			}
		}
	}
}

func TestDemoServesMediaFiles(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	var graph struct {
		Instance struct {
			Images []contractMedia `json:"images"`
			Videos []contractMedia `json:"videos"`
			User   contractUser    `json:"user"`
		} `json:"instance"`
	}
	d.graphQL(t, `{ instance(name: "demo") {
		images: media(type: IMAGE, amount: 5) { id url }
		videos: media(type: VIDEO, amount: 5) { id url }
		user { pictureUrl } } }`, &graph)

	tests := []struct {
		name        string
		url         *string
		contentType string
	}{
		{"image", firstURL(graph.Instance.Images), "image/jpeg"},
		{"video", firstURL(graph.Instance.Videos), "video/mp4"},
		{"profile picture", graph.Instance.User.PictureURL, "image/jpeg"},
	}
	// Sequential: each case counts the downloads that its own fetches cause.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.url == nil {
				t.Fatal("the query returned no URL")
			}
			before := d.downloads(t)
			for fetch := 1; fetch <= 2; fetch++ {
				req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, *tt.url, nil)
				if err != nil {
					t.Fatal(err)
				}
				resp, body := d.do(t, req, http.StatusOK)
				if got := resp.Header.Get("Content-Type"); got != tt.contentType {
					t.Errorf("fetch %d: Content-Type %q, want %q", fetch, got, tt.contentType)
				}
				if len(body) == 0 {
					t.Errorf("fetch %d: empty body", fetch)
				}
			}
			if got := d.downloads(t) - before; got != 1 {
				t.Errorf("two fetches downloaded the file %d times from the CDN, want once", got)
			}
		})
	}
}

func firstURL(media []contractMedia) *string {
	for _, m := range media {
		if m.URL != nil {
			return m.URL
		}
	}
	return nil
}

// downloads returns the number of successful CDN downloads that /metrics reports.
func (d *demoServer) downloads(t *testing.T) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, d.base+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, body := d.do(t, req, http.StatusOK)
	const series = `igsource_media_downloads_total{result="ok"} `
	scanner := bufio.NewScanner(bytes.NewReader(body))
	for scanner.Scan() {
		value, found := strings.CutPrefix(scanner.Text(), series)
		if !found {
			continue
		}
		n, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("/metrics: invalid value in %q: %v", scanner.Text(), err)
		}
		return int(n)
	}
	return 0 // the series appears with the first download
}
