package instagram

import (
	"context"
	"fmt"
)

// MediaTypeAlbum is the media_type of a carousel.
const MediaTypeAlbum = "CAROUSEL_ALBUM"

// ChildrenIncomplete reports whether m is an album whose children must still be fetched:
// Meta sent no children member, or sent children with an id but no media_type. A child with a
// media_type but no media_url is complete, because Meta withholds the file of copyrighted media.
func (m *Media) ChildrenIncomplete() bool {
	if m.MediaType != MediaTypeAlbum {
		return false
	}
	if m.Children == nil {
		return true
	}
	return len(m.IncompleteChildIDs()) > 0
}

// IncompleteChildIDs returns the ids of m's children that came back without a media_type.
func (m *Media) IncompleteChildIDs() []ID {
	if m.Children == nil {
		return nil
	}
	var ids []ID
	for _, child := range m.Children.Data {
		if child.MediaType == "" && child.ID != "" {
			ids = append(ids, child.ID)
		}
	}
	return ids
}

// CompleteChildren fetches the missing children of every album in items and replaces them in
// place. Children that came back as bare ids are read together, in one ?ids= lookup per 50 ids,
// and an album without a children member costs one children-edge call. fields nil requests the
// default child fields. A child that Meta does not return stays incomplete, so callers check
// ChildrenIncomplete afterwards.
func (c *Client) CompleteChildren(ctx context.Context, cred Credentials, items []Media, fields []string) error {
	var ids []ID
	for i := range items {
		if items[i].ChildrenIncomplete() && items[i].Children != nil {
			ids = append(ids, items[i].IncompleteChildIDs()...)
		}
	}
	var byID map[ID]Media
	if len(ids) > 0 {
		var err error
		if byID, err = c.MediaByIDs(ctx, cred, ids, fields); err != nil {
			return fmt.Errorf("complete album children: %w", err)
		}
	}
	for i := range items {
		m := &items[i]
		if !m.ChildrenIncomplete() {
			continue
		}
		if m.Children == nil {
			children, err := c.Children(ctx, cred, string(m.ID), fields)
			if err != nil {
				return fmt.Errorf("complete children of album %s: %w", m.ID, err)
			}
			m.Children = &MediaList{Data: children}
			continue
		}
		for k, child := range m.Children.Data {
			if full, ok := byID[child.ID]; ok && child.MediaType == "" {
				m.Children.Data[k] = full
			}
		}
	}
	return nil
}
