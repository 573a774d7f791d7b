package instagram

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxIDsPerCall is the number of ids Meta accepts in one ?ids= lookup.
const maxIDsPerCall = 50

// ListMediaOptions select the first page of a media listing.
type ListMediaOptions struct {
	Limit  int       // page size; 0 leaves Meta's default (25)
	Since  time.Time // only media created at or after Since; zero for no bound
	Until  time.Time // only media created before Until; zero for no bound
	Fields []string  // nil for DefaultMediaFields
}

// ListMedia returns the first page of the account's media, newest first: /{cred.UserID}/media,
// or /me/media when cred.UserID is empty (Instagram Login only). Meta applies Since and Until
// on the server side but does not document whether the bounds are inclusive, so callers
// filter the items again.
func (c *Client) ListMedia(ctx context.Context, cred Credentials, opts ListMediaOptions) (*MediaPage, error) {
	if cred.UserID == "" && cred.Kind == KindFacebook {
		return nil, fmt.Errorf("list media: missing Instagram user id: /me on graph.facebook.com is the Facebook user, so pass the instagram_business_account id")
	}
	node := cmpOr(cred.UserID, "me")
	if err := checkID("Instagram user id", node); err != nil {
		return nil, fmt.Errorf("list media: %w", err)
	}
	query, err := mediaQuery(cred.Kind, opts.Fields)
	if err != nil {
		return nil, fmt.Errorf("list media of %s: %w", node, err)
	}
	if opts.Limit < 0 {
		return nil, fmt.Errorf("list media of %s: invalid limit %d: use a positive page size", node, opts.Limit)
	}
	if opts.Limit > 0 {
		query.Set("limit", strconv.Itoa(opts.Limit))
	}
	if !opts.Since.IsZero() && !opts.Until.IsZero() && !opts.Until.After(opts.Since) {
		return nil, fmt.Errorf("list media of %s: until %s is not after since %s",
			node, opts.Until.UTC().Format(time.RFC3339), opts.Since.UTC().Format(time.RFC3339))
	}
	if !opts.Since.IsZero() {
		query.Set("since", strconv.FormatInt(opts.Since.Unix(), 10))
	}
	if !opts.Until.IsZero() {
		query.Set("until", strconv.FormatInt(opts.Until.Unix(), 10))
	}

	var raw mediaPageJSON
	if err := c.graphGet(ctx, cred, "/"+node+"/media", query, &raw); err != nil {
		return nil, err
	}
	return c.newMediaPage(raw, 1), nil
}

// GetMedia returns one IG Media node.
func (c *Client) GetMedia(ctx context.Context, cred Credentials, id string, fields []string) (*Media, error) {
	if err := checkID("media id", id); err != nil {
		return nil, fmt.Errorf("get media: %w", err)
	}
	query, err := mediaQuery(cred.Kind, fields)
	if err != nil {
		return nil, fmt.Errorf("get media %s: %w", id, err)
	}
	var m Media
	if err := c.graphGet(ctx, cred, "/"+id, query, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// Children returns the items of an album through its children edge. Meta returns only ids
// when fields is empty, so nil fields request the child fields of DefaultMediaFields.
func (c *Client) Children(ctx context.Context, cred Credentials, id string, fields []string) ([]Media, error) {
	if err := checkID("media id", id); err != nil {
		return nil, fmt.Errorf("list children: %w", err)
	}
	if fields == nil {
		fields = defaultChildFields()
	}
	query := url.Values{}
	if err := setFields(query, fields); err != nil {
		return nil, fmt.Errorf("list children of %s: %w", id, err)
	}
	var list MediaList
	if err := c.graphGet(ctx, cred, "/"+id+"/children", query, &list); err != nil {
		return nil, err
	}
	if list.Data == nil {
		list.Data = []Media{}
	}
	return list.Data, nil
}

// MediaByIDs reads several media nodes with ?ids= lookups of up to 50 ids each and returns
// them keyed by id. Meta counts every id as one call against the rate limit, so repeated ids
// are sent once. fields nil requests the default child fields, because the usual caller is
// CompleteChildren.
func (c *Client) MediaByIDs(ctx context.Context, cred Credentials, ids []ID, fields []string) (map[ID]Media, error) {
	seen := make(map[ID]bool, len(ids))
	unique := make([]ID, 0, len(ids))
	for _, id := range ids {
		if err := checkID("media id", string(id)); err != nil {
			return nil, fmt.Errorf("get media by ids: %w", err)
		}
		if !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	ids = unique
	if fields == nil {
		fields = defaultChildFields()
	}
	result := make(map[ID]Media, len(ids))
	for start := 0; start < len(ids); start += maxIDsPerCall {
		chunk := ids[start:min(start+maxIDsPerCall, len(ids))]
		names := make([]string, len(chunk))
		for i, id := range chunk {
			names[i] = string(id)
		}
		query := url.Values{"ids": {strings.Join(names, ",")}}
		if err := setFields(query, fields); err != nil {
			return nil, fmt.Errorf("get media by ids: %w", err)
		}
		var byID map[ID]Media
		if err := c.graphGet(ctx, cred, "/", query, &byID); err != nil {
			return nil, err
		}
		for id, m := range byID {
			result[id] = m
		}
	}
	return result, nil
}

func mediaQuery(kind Kind, fields []string) (url.Values, error) {
	if fields == nil {
		fields = DefaultMediaFields(kind)
	}
	query := url.Values{}
	if err := setFields(query, fields); err != nil {
		return nil, err
	}
	return query, nil
}

// defaultChildFields returns the sub-fields of the default children expansion.
func defaultChildFields() []string {
	inner := strings.TrimSuffix(strings.TrimPrefix(childFields, "children{"), "}")
	return strings.Split(inner, ",")
}
