package instagram

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

// Me returns the user of cred's token: on graph.instagram.com the Instagram professional
// account (ID app-scoped, UserID the professional id), on graph.facebook.com the Facebook user.
// fields nil requests DefaultUserFields on graph.instagram.com and id,name on
// graph.facebook.com.
func (c *Client) Me(ctx context.Context, cred Credentials, fields []string) (*User, error) {
	if fields == nil {
		fields = DefaultUserFields(cred.Kind)
		if cred.Kind == KindFacebook {
			fields = []string{"id", "name"}
		}
	}
	return c.getUser(ctx, cred, "me", fields)
}

// User returns the IG User node id. fields nil requests DefaultUserFields for cred's host.
func (c *Client) User(ctx context.Context, cred Credentials, id string, fields []string) (*User, error) {
	if err := checkID("Instagram user id", id); err != nil {
		return nil, fmt.Errorf("get user: %w", err)
	}
	if fields == nil {
		fields = DefaultUserFields(cred.Kind)
	}
	return c.getUser(ctx, cred, id, fields)
}

func (c *Client) getUser(ctx context.Context, cred Credentials, node string, fields []string) (*User, error) {
	query := url.Values{}
	if err := setFields(query, fields); err != nil {
		return nil, fmt.Errorf("get user %s: %w", node, err)
	}
	var u userResponse
	if err := c.graphGet(ctx, cred, "/"+node, query, &u); err != nil {
		return nil, err
	}
	return &u.User, nil
}

// userResponse decodes a user object, flat as Meta sends it, or wrapped in {"data":[...]} as
// Meta's Instagram Login documentation shows /me.
type userResponse struct {
	User User
}

func (r *userResponse) UnmarshalJSON(b []byte) error {
	var wrapped struct {
		Data []User `json:"data"`
	}
	if json.Unmarshal(b, &wrapped) == nil && len(wrapped.Data) > 0 {
		r.User = wrapped.Data[0]
		return nil
	}
	return json.Unmarshal(b, &r.User)
}

// Pages returns the Facebook Pages of a Facebook Login user token, each with its Page token,
// tasks and linked Instagram professional account. Since Graph API v17, Pages owned by a
// business portfolio appear only when the user granted business_management.
func (c *Client) Pages(ctx context.Context, cred Credentials) ([]Page, error) {
	if cred.Kind != KindFacebook {
		return nil, fmt.Errorf("list pages: Facebook Pages need a Facebook Login token, not %q", cred.Kind)
	}
	query := url.Values{"fields": {"id,name,access_token,tasks,instagram_business_account"}}
	var pages []Page
	link := ""
	for number := 1; ; number++ {
		var raw struct {
			Data   []Page `json:"data"`
			Paging struct {
				Next string `json:"next"`
			} `json:"paging"`
		}
		var err error
		if link == "" {
			err = c.graphGet(ctx, cred, "/me/accounts", query, &raw)
		} else {
			err = c.getLink(ctx, cred, link, &raw)
		}
		if err != nil {
			return nil, err
		}
		pages = append(pages, raw.Data...)
		link = raw.Paging.Next
		if link == "" || number >= c.maxPages {
			break
		}
	}
	if pages == nil {
		pages = []Page{}
	}
	return pages, nil
}

// getLink follows a paging link of cred's host.
func (c *Client) getLink(ctx context.Context, cred Credentials, link string, out any) error {
	u, err := c.pagingURL(cred, link)
	if err != nil {
		return err
	}
	return c.do(ctx, "GET", u, nil, usageKey{cred.Kind, cred.UserID}, out)
}
