package instagram

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// MaxHashtagPageSize is the largest limit Meta accepts on top_media and recent_media.
const MaxHashtagPageSize = 50

// ErrHashtagNotFound is returned by SearchHashtag when Meta finds no hashtag for the query.
var ErrHashtagNotFound = errors.New("hashtag not found")

// SearchHashtag returns the id of hashtag q through ig_hashtag_search, available only with
// Facebook Login. Each account may search 30 unique hashtags per rolling 7 days, and hashtag
// ids are global and never change, so callers cache the ids and normalise q first. The client
// sends q unchanged.
func (c *Client) SearchHashtag(ctx context.Context, cred Credentials, q string) (ID, error) {
	if err := checkHashtagCredentials(cred); err != nil {
		return "", fmt.Errorf("search hashtag %q: %w", q, err)
	}
	if q == "" {
		return "", errors.New("search hashtag: missing hashtag")
	}
	query := url.Values{"user_id": {cred.UserID}, "q": {q}}
	var raw struct {
		Data []Hashtag `json:"data"`
	}
	if err := c.graphGet(ctx, cred, "/ig_hashtag_search", query, &raw); err != nil {
		return "", err
	}
	if len(raw.Data) == 0 || raw.Data[0].ID == "" {
		return "", fmt.Errorf("search hashtag %q: %w", q, ErrHashtagNotFound)
	}
	return raw.Data[0].ID, nil
}

// HashtagMedia returns the first page of a hashtag's top_media or recent_media edge. limit 0
// leaves Meta's default; the maximum is 50. fields nil requests DefaultHashtagMediaFields.
// Follow the listing with NextMediaPage: Meta sends the same after cursor on every page, so
// only paging.next moves forward.
func (c *Client) HashtagMedia(ctx context.Context, cred Credentials, hashtagID ID, edge HashtagEdge,
	limit int, fields []string) (*MediaPage, error) {
	if err := checkHashtagCredentials(cred); err != nil {
		return nil, fmt.Errorf("list hashtag media: %w", err)
	}
	if err := checkID("hashtag id", string(hashtagID)); err != nil {
		return nil, fmt.Errorf("list hashtag media: %w", err)
	}
	if edge != EdgeTop && edge != EdgeRecent {
		return nil, fmt.Errorf("list hashtag media of %s: invalid edge %q: use %q or %q",
			hashtagID, edge, EdgeTop, EdgeRecent)
	}
	if limit < 0 || limit > MaxHashtagPageSize {
		return nil, fmt.Errorf("list hashtag media of %s: invalid limit %d: use 1 to %d",
			hashtagID, limit, MaxHashtagPageSize)
	}
	if fields == nil {
		fields = DefaultHashtagMediaFields()
	}
	query := url.Values{"user_id": {cred.UserID}}
	if err := setFields(query, fields); err != nil {
		return nil, fmt.Errorf("list hashtag media of %s: %w", hashtagID, err)
	}
	if limit > 0 {
		query.Set("limit", strconv.Itoa(limit))
	}
	var raw mediaPageJSON
	if err := c.graphGet(ctx, cred, "/"+string(hashtagID)+"/"+string(edge), query, &raw); err != nil {
		return nil, err
	}
	return c.newMediaPage(raw, 1), nil
}

// checkHashtagCredentials rejects what Meta would reject: hashtag endpoints exist only on
// graph.facebook.com and require the reading account's user_id.
func checkHashtagCredentials(cred Credentials) error {
	if cred.Kind != KindFacebook {
		return fmt.Errorf("hashtag search needs a Facebook Login account, not %q: %w", cred.Kind, errors.ErrUnsupported)
	}
	if err := checkID("Instagram user id", cred.UserID); err != nil {
		return err
	}
	return nil
}
