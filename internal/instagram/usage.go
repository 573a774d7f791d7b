package instagram

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"time"
)

// Headers in which Meta reports how much of a rate limit is used.
// See https://developers.facebook.com/docs/graph-api/overview/rate-limiting
const (
	headerAppUsage         = "X-App-Usage"
	headerBusinessUseUsage = "X-Business-Use-Case-Usage"
)

// UsageCounts are the percentages of an allowance used, as Meta reports them: whole numbers
// where throttling starts at 100.
type UsageCounts struct {
	CallCount    int
	TotalCPUTime int
	TotalTime    int
}

// Max returns the highest of the three percentages.
func (c UsageCounts) Max() int {
	return max(c.CallCount, c.TotalCPUTime, c.TotalTime)
}

// BusinessUsage is one entry of X-Business-Use-Case-Usage: the usage of one business object
// (an Instagram account, a Page or a business) under one use case type such as "instagram".
type BusinessUsage struct {
	ObjectID string
	Type     string
	UsageCounts
	// RegainAccessIn is Meta's estimated_time_to_regain_access. Meta sends 0 whenever the
	// object is not blocked, even at 95% usage.
	RegainAccessIn time.Duration
}

// Usage is the latest rate-limit usage Meta reported for one token kind and account.
// Meta sends the headers only once an endpoint has seen enough calls, so a zero Usage means
// "not reported", not "unused". A report stays until the next one arrives, and Meta's
// platform limits roll over one hour and Instagram's Business Use Case limits over 24 hours,
// so callers judge an old report by ObservedAt.
type Usage struct {
	App        *UsageCounts    // X-App-Usage; nil when absent
	Business   []BusinessUsage // X-Business-Use-Case-Usage, sorted by object id and type
	ObservedAt time.Time       // when the response carrying these headers arrived; zero if none has
}

// Max returns the highest percentage in the usage, the figure to compare with a threshold
// (such as 90) above which non-urgent calls wait.
func (u Usage) Max() int {
	highest := 0
	if u.App != nil {
		highest = u.App.Max()
	}
	for _, b := range u.Business {
		highest = max(highest, b.Max())
	}
	return highest
}

// RegainAccessIn returns the longest estimated_time_to_regain_access in the usage, 0 when
// nothing is blocked.
func (u Usage) RegainAccessIn() time.Duration {
	var longest time.Duration
	for _, b := range u.Business {
		longest = max(longest, b.RegainAccessIn)
	}
	return longest
}

// usageJSON is one usage object; Meta sends whole numbers, decoded as float64 so that a
// fractional value does not fail the header.
type usageJSON struct {
	Type           string   `json:"type"`
	CallCount      float64  `json:"call_count"`
	TotalCPUTime   float64  `json:"total_cputime"`
	TotalTime      float64  `json:"total_time"`
	RegainAccessIn *float64 `json:"estimated_time_to_regain_access"`
}

func (j usageJSON) counts() UsageCounts {
	return UsageCounts{
		CallCount:    percent(j.CallCount),
		TotalCPUTime: percent(j.TotalCPUTime),
		TotalTime:    percent(j.TotalTime),
	}
}

func percent(f float64) int {
	return int(math.Ceil(f))
}

// parseUsage reads both usage headers. It reports ok false when neither header is present.
// A malformed header is skipped and returned as err, while the other header still counts.
func parseUsage(header http.Header, now time.Time) (u Usage, ok bool, err error) {
	app := header.Get(headerAppUsage)
	business := header.Get(headerBusinessUseUsage)
	if app == "" && business == "" {
		return Usage{}, false, nil
	}
	u.ObservedAt = now
	var errs []error
	if app != "" {
		var j usageJSON
		if decodeErr := json.Unmarshal([]byte(app), &j); decodeErr != nil {
			errs = append(errs, fmt.Errorf("decode %s header: %w", headerAppUsage, decodeErr))
		} else {
			counts := j.counts()
			u.App = &counts
		}
	}
	if business != "" {
		entries, decodeErr := parseBusinessUsage(business)
		if decodeErr != nil {
			errs = append(errs, decodeErr)
		}
		u.Business = entries
	}
	if len(errs) > 0 {
		return u, true, fmt.Errorf("parse usage headers: %v", errs)
	}
	return u, true, nil
}

// parseBusinessUsage decodes {"<object id>":[{"type":...,"call_count":...},...],...}.
func parseBusinessUsage(value string) ([]BusinessUsage, error) {
	var byObject map[string][]usageJSON
	if err := json.Unmarshal([]byte(value), &byObject); err != nil {
		return nil, fmt.Errorf("decode %s header: %w", headerBusinessUseUsage, err)
	}
	var entries []BusinessUsage
	for objectID, list := range byObject {
		for _, j := range list {
			entry := BusinessUsage{ObjectID: objectID, Type: j.Type, UsageCounts: j.counts()}
			if j.RegainAccessIn != nil && *j.RegainAccessIn > 0 {
				entry.RegainAccessIn = time.Duration(*j.RegainAccessIn * float64(time.Minute))
			}
			entries = append(entries, entry)
		}
	}
	sort.Slice(entries, func(i, k int) bool {
		if entries[i].ObjectID != entries[k].ObjectID {
			return entries[i].ObjectID < entries[k].ObjectID
		}
		return entries[i].Type < entries[k].Type
	})
	return entries, nil
}

// usageKey identifies whose usage a response reports: the token kind and the account.
type usageKey struct {
	kind   Kind
	userID string
}

// Usage returns the latest usage Meta reported for the kind and account of cred. Callers
// hold back non-urgent calls (background refresh, prefetch) while Usage(cred).Max() is above
// their threshold.
func (c *Client) Usage(cred Credentials) Usage {
	c.usageMu.Lock()
	defer c.usageMu.Unlock()
	return c.usage[usageKey{cred.Kind, cred.UserID}]
}

// recordUsage stores the usage headers of a response and returns what it parsed.
func (c *Client) recordUsage(key usageKey, header http.Header) Usage {
	u, ok, err := parseUsage(header, c.clock.Now())
	if err != nil {
		c.logger.Warn("Ignored malformed rate-limit usage header", "kind", key.kind,
			"user_id", key.userID, "error", err)
	}
	if !ok {
		return Usage{}
	}
	c.usageMu.Lock()
	defer c.usageMu.Unlock()
	c.usage[key] = u
	return u
}
