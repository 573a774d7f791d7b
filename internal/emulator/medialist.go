package emulator

// serveMediaList serves GET /{ig-user-id}/media and /me/media: newest first, cursor paging,
// only the newest MediaCap media reachable, optional since/until in Unix seconds (inclusive).
func (e *Emulator) serveMediaList(req *graphRequest) graphResult {
	id := e.nodeID(req, req.segments[0])
	a := e.data.findAccount(id)
	if a == nil || !e.canReadAccount(req, a) {
		return graphResult{err: errNoObject(id)}
	}
	fields, gerr := parseFields(req.query.Get("fields"))
	if gerr == nil {
		gerr = checkMediaFields(fields, false)
	}
	if gerr != nil {
		return graphResult{err: gerr}
	}

	limit, gerr := parseLimit(req.query, defaultLimit, maxMediaLimit)
	if gerr != nil {
		return graphResult{err: gerr}
	}
	list, gerr := filterWindow(req, a.visibleMedia(), e.opts.MediaCap)
	if gerr != nil {
		return graphResult{err: gerr}
	}
	start, end, gerr := pageWindow(list, req.query, limit)
	if gerr != nil {
		return graphResult{err: gerr}
	}

	rc := renderContext{e: e, now: req.now, req: req}
	data := make([]*object, 0, end-start)
	for _, m := range list[start:end] {
		data = append(data, rc.media(m, fields))
	}
	body := &object{}
	body.set("data", data)
	if paging := e.mediaPaging(req, list, start, end, limit); paging != nil {
		body.set("paging", paging)
	}
	return graphResult{body: body}
}

// filterWindow caps the list at the newest max media, then applies since and until.
func filterWindow(req *graphRequest, list []*mediaItem, max int) ([]*mediaItem, *graphError) {
	if len(list) > max {
		list = list[:max]
	}
	since, hasSince, gerr := parseUnix(req.query, "since")
	if gerr != nil {
		return nil, gerr
	}
	until, hasUntil, gerr := parseUnix(req.query, "until")
	if gerr != nil {
		return nil, gerr
	}
	if !hasSince && !hasUntil {
		return list, nil
	}
	out := make([]*mediaItem, 0, len(list))
	for _, m := range list {
		if hasSince && m.Created.Before(since) {
			continue
		}
		if hasUntil && m.Created.After(until) {
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

// mediaPaging returns the paging member: cursors of the page's first and last items, next
// unless this is the last page, previous unless it is the first. An empty page has none.
func (e *Emulator) mediaPaging(req *graphRequest, list []*mediaItem, start, end, limit int) *object {
	if start >= end {
		return nil
	}
	before, after := encodeCursor(list[start]), encodeCursor(list[end-1])
	cursors := &object{}
	cursors.set("before", before)
	cursors.set("after", after)
	paging := &object{}
	paging.set("cursors", cursors)
	if end < len(list) {
		paging.set("next", e.pagingLink(req, limit, "after", after))
	}
	if start > 0 {
		paging.set("previous", e.pagingLink(req, limit, "before", before))
	}
	return paging
}

// serveChildren serves GET /{media-id}/children: the album's media, without paging.
func (e *Emulator) serveChildren(req *graphRequest) graphResult {
	id := req.segments[0]
	m := e.readableMedia(req, id)
	if m == nil {
		return graphResult{err: errNoObject(id)}
	}
	fields, gerr := parseFields(req.query.Get("fields"))
	if gerr == nil {
		gerr = checkMediaFields(fields, false)
	}
	if gerr != nil {
		return graphResult{err: gerr}
	}
	rc := renderContext{e: e, now: req.now, req: req}
	data := make([]*object, 0, len(m.Children))
	for _, k := range m.Children {
		data = append(data, rc.media(k, fields))
	}
	return graphResult{body: map[string]any{"data": data}}
}

// serveAccounts serves GET /me/accounts on graph.facebook.com: the user's Pages.
func (e *Emulator) serveAccounts(req *graphRequest) graphResult {
	id := e.nodeID(req, req.segments[0])
	if id != e.data.user.ID || string(req.rec.Account) != id {
		return graphResult{err: errNoObject(id)}
	}
	fields, gerr := parseFields(req.query.Get("fields"))
	if gerr == nil {
		gerr = checkFields(fields, pageFields, nodePage)
	}
	if gerr != nil {
		return graphResult{err: gerr}
	}
	if len(fields) == 0 {
		fields = pageDefaultFields
	}
	pages := e.data.pages
	data := make([]*object, 0, len(pages))
	for _, p := range pages {
		data = append(data, renderPage(p, fields))
	}
	cursors := &object{}
	cursors.set("before", encodePageCursor(pages[0].ID))
	cursors.set("after", encodePageCursor(pages[len(pages)-1].ID))
	body := &object{}
	body.set("data", data)
	body.set("paging", map[string]any{"cursors": cursors})
	return graphResult{body: body}
}

func encodePageCursor(id string) string {
	return base64URL("page:" + id)
}
