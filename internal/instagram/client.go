// Package instagram is a typed client for Meta's Instagram APIs: graph.instagram.com
// (Instagram Login), graph.facebook.com (Facebook Login) and the OAuth endpoints of both.
// Its types mirror Meta's wire format; errors are *Error, classified by Meta's error code.
//
// The client never logs a token, an app secret or a paging URL (Meta embeds the token in
// paging.next), and it never places one in an error.
package instagram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/igsource/igsource/internal/clock"
)

// Production base URLs and the Graph API version the client sends by default. The emulator
// serves all three hosts under one base URL with the host name as path prefix, for example
// http://127.0.0.1:8080/graph.instagram.com.
const (
	DefaultInstagramBaseURL  = "https://graph.instagram.com"
	DefaultFacebookBaseURL   = "https://graph.facebook.com"
	DefaultInstagramOAuthURL = "https://api.instagram.com"
	DefaultVersion           = "v25.0"
	DefaultMaxPages          = 100
)

// DefaultTimeout bounds one request of the default HTTP client, including reading the body.
// Callers that pass their own HTTPClient set their own timeout.
const DefaultTimeout = 30 * time.Second

// maxResponseBody bounds a successful response. By an estimate from Meta's recorded shapes,
// the largest response the client reads, a page of 100 albums with 10 expanded children each,
// stays under 4 MiB.
const maxResponseBody = 16 << 20

// Config configures a Client. Zero fields take the production defaults.
type Config struct {
	InstagramBaseURL  string       // graph.instagram.com base; may carry a path prefix
	FacebookBaseURL   string       // graph.facebook.com base
	InstagramOAuthURL string       // api.instagram.com base, for the Instagram Login code exchange
	Version           string       // Graph API version such as "v25.0"; Meta serves unversioned calls with the app's dashboard version
	HTTPClient        *http.Client // nil for a client with DefaultTimeout that follows no redirect
	MaxPages          int          // pages followed per listing before HasNext reports false
	Clock             clock.Clock
	Logger            *slog.Logger
}

// Client calls Meta's Instagram APIs. It is safe for concurrent use.
type Client struct {
	instagramBase *url.URL
	facebookBase  *url.URL
	oauthBase     *url.URL
	version       string
	httpClient    *http.Client
	maxPages      int
	clock         clock.Clock
	logger        *slog.Logger

	usageMu sync.Mutex
	usage   map[usageKey]Usage
}

var versionPattern = regexp.MustCompile(`^v[0-9]+\.[0-9]+$`)

// New returns a Client for cfg, or an error naming the invalid setting.
func New(cfg Config) (*Client, error) {
	c := &Client{
		version:    cmpOr(cfg.Version, DefaultVersion),
		httpClient: cfg.HTTPClient,
		maxPages:   cfg.MaxPages,
		clock:      cfg.Clock,
		logger:     cfg.Logger,
		usage:      make(map[usageKey]Usage),
	}

	var err error
	if c.instagramBase, err = parseBaseURL("InstagramBaseURL", cmpOr(cfg.InstagramBaseURL, DefaultInstagramBaseURL)); err != nil {
		return nil, err
	}
	if c.facebookBase, err = parseBaseURL("FacebookBaseURL", cmpOr(cfg.FacebookBaseURL, DefaultFacebookBaseURL)); err != nil {
		return nil, err
	}
	if c.oauthBase, err = parseBaseURL("InstagramOAuthURL", cmpOr(cfg.InstagramOAuthURL, DefaultInstagramOAuthURL)); err != nil {
		return nil, err
	}

	if !versionPattern.MatchString(c.version) {
		return nil, fmt.Errorf("invalid Graph API version %q: use the form v25.0", c.version)
	}
	if c.maxPages < 0 {
		return nil, fmt.Errorf("invalid MaxPages %d: use a positive number, or 0 for %d", c.maxPages, DefaultMaxPages)
	}
	if c.maxPages == 0 {
		c.maxPages = DefaultMaxPages
	}

	if c.httpClient == nil {
		c.httpClient = &http.Client{Timeout: DefaultTimeout, CheckRedirect: rejectRedirect}
	}
	if c.clock == nil {
		c.clock = clock.System
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// rejectRedirect keeps the default HTTP client on the URL it was given. Meta's Graph and token
// endpoints do not redirect, and a redirect could carry the token to another host.
func rejectRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}

func cmpOr(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}

func parseBaseURL(name, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid %s %q: %w", name, raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("invalid %s %q: use an http or https URL", name, raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("invalid %s %q: the URL has no host", name, raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("invalid %s %q: remove the query, fragment or user info", name, raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// graphBase returns the Graph host base URL for a login kind.
func (c *Client) graphBase(kind Kind) (*url.URL, error) {
	switch kind {
	case KindInstagram:
		return c.instagramBase, nil
	case KindFacebook:
		return c.facebookBase, nil
	}
	return nil, fmt.Errorf("invalid login kind %q: use %q or %q", kind, KindInstagram, KindFacebook)
}

// endpoint joins a base URL, an optional version and a path, and attaches the query.
func endpoint(base *url.URL, version, path string, query url.Values) *url.URL {
	u := *base
	if version != "" {
		u.Path += "/" + version
	}
	u.Path += path
	u.RawQuery = query.Encode()
	return &u
}

// graphGet calls GET {host}/{version}{path} with cred's token and decodes the JSON response
// into out.
func (c *Client) graphGet(ctx context.Context, cred Credentials, path string, query url.Values, out any) error {
	base, err := c.graphBase(cred.Kind)
	if err != nil {
		return err
	}
	if cred.Token == "" {
		return fmt.Errorf("GET %s: missing access token: connect the account again", path)
	}
	if query == nil {
		query = url.Values{}
	}
	query.Set("access_token", cred.Token)
	u := endpoint(base, c.version, path, query)
	return c.do(ctx, http.MethodGet, u, nil, usageKey{cred.Kind, cred.UserID}, out)
}

// do sends one request and decodes a 2xx JSON body into out. Failures come back as *Error,
// except a cancelled or expired ctx, which comes back as ctx's error.
func (c *Client) do(ctx context.Context, method string, u *url.URL, form url.Values, key usageKey, out any) error {
	op := method + " " + u.Path
	resp, err := c.send(ctx, method, u, form)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("%s: %w", op, ctxErr)
		}
		return &Error{Op: op, Kind: Transient, RetryAfter: DefaultTransientBackoff, Err: redactURLError(err)}
	}
	defer resp.Body.Close()

	usage := c.recordUsage(key, resp.Header)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		e := newResponseError(op, resp.StatusCode, resp.Header, data, usage)
		c.logger.Debug("Meta API call failed", "op", op, "status", resp.StatusCode,
			"code", e.Code, "subcode", e.Subcode, "kind", e.Kind, "fbtrace_id", e.FBTraceID)
		return e
	}

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("%s: %w", op, ctxErr)
		}
		return &Error{Op: op, HTTPStatus: resp.StatusCode, Kind: Transient,
			RetryAfter: DefaultTransientBackoff, Message: "response body cut off", Err: redactURLError(err)}
	}
	if len(data) > maxResponseBody {
		return fmt.Errorf("%s: response larger than %d bytes", op, maxResponseBody)
	}
	c.logger.Debug("Meta API call succeeded", "op", op, "status", resp.StatusCode)
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s: decode response: %w", op, err)
	}
	return nil
}

// send builds and sends a request, with form as a URL-encoded body when it is not nil.
func (c *Client) send(ctx context.Context, method string, u *url.URL, form url.Values) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.httpClient.Do(req)
}

// redactURLError drops the URL from a *url.Error, because the URL carries the token, and
// keeps its cause.
func redactURLError(err error) error {
	if urlErr, ok := errors.AsType[*url.Error](err); ok {
		return urlErr.Err
	}
	return err
}

// redactQuery returns raw with every secret query parameter replaced by "REDACTED", for
// placing a Meta URL in an error or log.
func redactQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	q := u.Query()
	for _, name := range secretParams {
		if q.Has(name) {
			q.Set(name, "REDACTED")
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// secretParams are the query parameters that carry tokens, secrets or one-time codes.
var secretParams = []string{"access_token", "client_secret", "fb_exchange_token", "code", "input_token"}
