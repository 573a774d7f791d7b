package instagram

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// ErrNoNextPage is returned by NextMediaPage for a page whose HasNext is false.
var ErrNoNextPage = errors.New("no next page")

// MediaPage is one page of a media edge: /{ig-user-id}/media or a hashtag's top_media or
// recent_media. Meta may return a short or even empty page that still has a next page, so
// only HasNext reports whether the listing has ended.
type MediaPage struct {
	Data   []Media
	Before string // paging.cursors.before; hashtag edges send none
	After  string // paging.cursors.after; constant on every page of a hashtag edge

	// next is paging.next. It embeds the access token, so it is unexported and held behind a
	// pointer, which fmt and slog print as an address.
	next   *pageLink
	number int // 1 for the first page of a listing
	limit  int // the client's MaxPages
}

type pageLink struct {
	url string
}

// HasNext reports whether NextMediaPage can follow the page: Meta sent paging.next and the
// listing has not reached the client's MaxPages.
func (p *MediaPage) HasNext() bool {
	return p != nil && p.next != nil && p.number < p.limit
}

// PageLimitReached reports whether Meta offered a next page that the client will not follow
// because the listing reached MaxPages.
func (p *MediaPage) PageLimitReached() bool {
	return p != nil && p.next != nil && p.number >= p.limit
}

// Number returns the page's position in its listing, starting at 1.
func (p *MediaPage) Number() int {
	if p == nil {
		return 0
	}
	return p.number
}

// mediaPageJSON is the {"data":[...],"paging":{...}} envelope of an edge.
type mediaPageJSON struct {
	Data   []Media `json:"data"`
	Paging *struct {
		Cursors struct {
			Before string `json:"before"`
			After  string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

func (c *Client) newMediaPage(raw mediaPageJSON, number int) *MediaPage {
	page := &MediaPage{Data: raw.Data, number: number, limit: c.maxPages}
	if page.Data == nil {
		page.Data = []Media{}
	}
	if raw.Paging != nil {
		page.Before = raw.Paging.Cursors.Before
		page.After = raw.Paging.Cursors.After
		if raw.Paging.Next != "" {
			page.next = &pageLink{url: raw.Paging.Next}
		}
	}
	if page.PageLimitReached() {
		c.logger.Warn("Stopped paging at the page limit", "pages", number, "max_pages", c.maxPages)
	}
	return page
}

// NextMediaPage follows page's paging.next link with cred's token and returns the next page.
// It returns ErrNoNextPage when page.HasNext is false.
func (c *Client) NextMediaPage(ctx context.Context, cred Credentials, page *MediaPage) (*MediaPage, error) {
	if !page.HasNext() {
		return nil, ErrNoNextPage
	}
	var raw mediaPageJSON
	if err := c.getLink(ctx, cred, page.next.url, &raw); err != nil {
		return nil, err
	}
	return c.newMediaPage(raw, page.number+1), nil
}

// pagingURL checks that a paging link points at cred's host under the configured base URL,
// so that the token is never sent elsewhere, and sets the token to cred's, which may have been
// refreshed since the first page.
func (c *Client) pagingURL(cred Credentials, raw string) (*url.URL, error) {
	base, err := c.graphBase(cred.Kind)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("follow paging link: invalid URL %s", redactQuery(raw))
	}
	// A dot segment could climb out of the base path after the prefix check, so none is allowed.
	clean := path.Clean(u.Path) == strings.TrimSuffix(u.Path, "/")
	if u.Scheme != base.Scheme || u.Host != base.Host || !strings.HasPrefix(u.Path, base.Path+"/") || !clean {
		return nil, fmt.Errorf("follow paging link %s: the link is outside %s, so it was not followed",
			redactQuery(raw), base)
	}
	if cred.Token == "" {
		return nil, fmt.Errorf("GET %s: missing access token: connect the account again", u.Path)
	}
	query := u.Query()
	query.Set("access_token", cred.Token)
	u.RawQuery = query.Encode()
	u.Fragment = ""
	return u, nil
}
