package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/accounts"
	"github.com/igsource/igsource/internal/admin"
	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/media"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/source"
	"github.com/igsource/igsource/internal/store"
)

const adminPassword = "test-admin-password"

// env is the admin API over a real SQLite store and the real source layer, which reads the
// Graph API emulator. It starts with an Instagram Login account "creator", a Facebook Login
// account "business" and one instance "creator" that reads the first.
type env struct {
	store    *store.Store
	emu      *emulator.Emulator
	source   *source.Service
	server   *httptest.Server
	creator  *store.Account
	business *store.Account
	instance *store.Instance
	linked   emulator.DemoPage // the business Page with a linked Instagram account
	unlinked emulator.DemoPage // a business Page without one
}

func newEnv(t *testing.T) *env {
	t.Helper()
	clk := clock.NewFake(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC))
	emu := emulator.New(emulator.Options{Clock: clk})
	graph := httptest.NewServer(emu.Handler())
	t.Cleanup(graph.Close)
	emu.SetBaseURL(graph.URL)

	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "igsource.db"), sealer, clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	client, err := instagram.New(instagram.Config{
		InstagramBaseURL: emu.InstagramBaseURL(),
		FacebookBaseURL:  emu.FacebookBaseURL(),
		Clock:            clk,
	})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := source.New(source.Deps{Store: st, Client: client, Media: testRegistry{}, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	accountsSvc, err := accounts.New(accounts.Options{Store: st, Meta: &accounts.ClientMeta{Client: client}, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}

	e := &env{store: st, emu: emu, source: svc}
	e.seed(t)
	mux := http.NewServeMux()
	accountsHandler := accounts.NewHandler(accountsSvc, adminPassword)
	accountsHandler.Register(mux)
	admin.New(admin.Deps{Store: st, Source: svc, RequireAdmin: accountsHandler.RequireAdmin}).Register(mux)
	e.server = httptest.NewServer(mux)
	t.Cleanup(e.server.Close)
	return e
}

// seed stores the emulator's two demo accounts and an instance of the Instagram Login one.
func (e *env) seed(t *testing.T) {
	t.Helper()
	demo := e.emu.Accounts()
	tokens := e.emu.DemoTokens(0)
	e.creator = &store.Account{Kind: instagram.KindInstagram, UserID: demo.CreatorUserID,
		AppScopedID: demo.CreatorAppScopedID, Username: demo.CreatorUsername, Token: tokens.Instagram}
	if err := e.store.CreateAccount(t.Context(), e.creator); err != nil {
		t.Fatal(err)
	}
	e.business = &store.Account{Kind: instagram.KindFacebook, UserID: demo.BusinessUserID,
		AppScopedID: demo.FacebookUserID, Username: demo.BusinessUsername, Token: tokens.Facebook}
	for _, p := range demo.Pages {
		e.business.Pages = append(e.business.Pages, store.Page{ID: p.ID, Name: p.Name, UserID: p.InstagramBusinessAccountID})
		if p.InstagramBusinessAccountID != "" {
			e.linked = p
		} else {
			e.unlinked = p
		}
	}
	if e.linked.ID == "" || e.unlinked.ID == "" {
		t.Fatalf("emulator pages %+v lack a linked and an unlinked Page", demo.Pages)
	}
	if err := e.store.CreateAccount(t.Context(), e.business); err != nil {
		t.Fatal(err)
	}
	e.instance = &store.Instance{Name: "creator", AccountID: e.creator.ID}
	if err := e.store.CreateInstance(t.Context(), e.instance); err != nil {
		t.Fatal(err)
	}
}

// request is an admin API request; the zero value sends GET with the admin's credentials.
type request struct {
	method      string
	path        string
	body        string
	contentType string // default application/json when body is set
	noAuth      bool
	header      map[string]string
}

// response is a decoded admin API response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(t *testing.T, req request) response {
	t.Helper()
	if req.method == "" {
		req.method = http.MethodGet
	}
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
		if req.contentType == "" {
			req.contentType = "application/json"
		}
	}
	r, err := http.NewRequestWithContext(t.Context(), req.method, e.server.URL+req.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if req.contentType != "" {
		r.Header.Set("Content-Type", req.contentType)
	}
	if !req.noAuth {
		r.SetBasicAuth("admin", adminPassword)
	}
	for k, v := range req.header {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// instanceJSON mirrors the admin API's instance object.
type instanceJSON struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	AccountID    int64  `json:"accountId"`
	Account      string `json:"account"`
	PageID       string `json:"pageId"`
	DefaultCache int    `json:"defaultCache"`
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// data decodes the "data" member of a successful response into v.
func (r response) data(t *testing.T, v any) {
	t.Helper()
	var out struct{ Data json.RawMessage }
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("response %s: %v", r.body, err)
	}
	if err := json.Unmarshal(out.Data, v); err != nil {
		t.Fatalf("data of %s: %v", r.body, err)
	}
}

// apiError decodes the "error" member of a failed response.
func (r response) apiError(t *testing.T) apiError {
	t.Helper()
	var out struct{ Error apiError }
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("response %s: %v", r.body, err)
	}
	return out.Error
}

// media runs a media query of the instance through the source layer and returns its username
// and the Graph calls it made.
func (e *env) media(t *testing.T, instance string) (username string, calls int) {
	t.Helper()
	before := e.emu.TotalCalls()
	amount := 2
	res, err := e.source.Media(t.Context(), instance, source.MediaSettings{Amount: &amount})
	if err != nil {
		t.Fatalf("media of %q: %v", instance, err)
	}
	if len(res.Media) == 0 || res.Media[0].Username == nil {
		t.Fatalf("media of %q: no media with a username", instance)
	}
	return *res.Media[0].Username, e.emu.TotalCalls() - before
}

// testRegistry builds media URLs without storing anything.
type testRegistry struct{}

func (testRegistry) Register(context.Context, []media.Registration) error { return nil }

func (testRegistry) URL(ref media.Ref, _ bool) string {
	return "http://127.0.0.1/media/" + ref.String()
}

func (testRegistry) PublicURL() string { return "http://127.0.0.1" }
