package emulator

// Fields of the IG User node per host: account_type and user_id exist on graph.instagram.com
// only, ig_id on graph.facebook.com only.
var (
	instagramUserFields = setOf("id", "user_id", "username", "name", "account_type",
		"profile_picture_url", "followers_count", "follows_count", "media_count", "biography",
		"website", "media")
	// NOTE: business_discovery, mentioned_media and the other field-style edges of Meta's IG
	// User are not emulated, so requesting them fails with the nonexisting-field error.
	facebookUserFields = setOf("id", "ig_id", "username", "name", "profile_picture_url",
		"followers_count", "follows_count", "media_count", "biography", "website", "media")
)

// checkUserFields validates an IG User selection on host, the media edge's sub-selection
// included.
func checkUserFields(fields []field, host Host) *graphError {
	allowed := instagramUserFields
	if host == HostFacebook {
		allowed = facebookUserFields
	}
	if err := checkFields(fields, allowed, nodeUser); err != nil {
		return err
	}
	for _, f := range fields {
		if f.Name == "media" {
			if err := checkMediaFields(f.Sub, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// user renders an Instagram account. addressed is the id the caller used, which is the
// app-scoped id for /me on graph.instagram.com.
func (rc renderContext) user(a *igAccount, addressed string, fields []field) *object {
	o := &object{}
	for _, f := range withID(fields) {
		if f.Name == "media" {
			o.set("media", rc.mediaEdge(a, f))
			continue
		}
		if v, ok := rc.userField(a, addressed, f.Name); ok {
			o.set(f.Name, v)
		}
	}
	return o
}

func (rc renderContext) userField(a *igAccount, addressed, name string) (any, bool) {
	switch name {
	case "id":
		return addressed, true
	case "user_id":
		return a.ID, true
	case "ig_id":
		return legacyID(a.ID), true
	case "username":
		return a.Username, true
	case "name":
		return a.Name, true
	case "account_type":
		return a.AccountType, true
	case "profile_picture_url":
		return rc.e.signedURL(a.ID, VariantPicture, rc.now), true
	case "followers_count":
		return a.Followers, true
	case "follows_count":
		return a.Follows, true
	case "media_count":
		return len(a.visibleMedia()), true
	case "biography":
		return a.Biography, true
	case "website":
		return a.Website, true
	}
	return nil, false
}

// legacyID derives the legacy numeric Instagram id that graph.facebook.com sends as ig_id.
func legacyID(id string) int64 {
	var n int64
	for _, c := range id[5:] {
		n = n*10 + int64(c-'0')
	}
	return n
}

// mediaEdge renders the first page of the account's media for field expansion such as
// media.limit(5){id,caption}, with cursors and a next link to the /media edge.
func (rc renderContext) mediaEdge(a *igAccount, f field) *object {
	list := a.visibleMedia()
	if len(list) > rc.e.opts.MediaCap {
		list = list[:rc.e.opts.MediaCap]
	}
	limit := defaultLimit
	if f.Limit > 0 {
		limit = min(f.Limit, maxMediaLimit)
	}
	end := min(limit, len(list))
	data := make([]*object, 0, end)
	for _, m := range list[:end] {
		data = append(data, rc.media(m, f.Sub))
	}
	edge := &object{}
	edge.set("data", data)
	if end == 0 {
		return edge
	}
	after := encodeCursor(list[end-1])
	cursors := &object{}
	cursors.set("before", encodeCursor(list[0]))
	cursors.set("after", after)
	paging := &object{}
	paging.set("cursors", cursors)
	if end < len(list) {
		paging.set("next", rc.e.edgeLink(rc.req, a.ID+"/media", formatFields(f.Sub), limit, after))
	}
	edge.set("paging", paging)
	return edge
}
