package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Usage is a usage report in percent of the allowance, as Meta's usage headers carry it.
type Usage struct {
	CallCount    int `json:"call_count"`
	TotalCPUTime int `json:"total_cputime"`
	TotalTime    int `json:"total_time"`
}

// throttleMessages are Meta's messages for the throttling codes.
var throttleMessages = map[int]string{
	4:     "(#4) Application request limit reached",
	17:    "(#17) User request limit reached",
	32:    "(#32) Page request limit reached",
	613:   "(#613) Calls to this api have exceeded the rate limit.",
	80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
}

// usageWindow is the rolling window the emulator's budgets cover. Meta's Instagram budgets
// cover 24 hours; one hour keeps tests and demos quick to recover.
const usageWindow = time.Hour

// usageState holds the calls of the last hour, per app and per IG account.
type usageState struct {
	app      []time.Time
	accounts map[string][]time.Time
	forced   *Usage
	code     int
}

// SetUsage forces the usage that the headers report and that throttling compares with 100 %,
// instead of the computed one.
func (e *Emulator) SetUsage(u Usage) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.usage.forced = &u
}

// ClearUsage returns to usage computed from the calls of the last hour.
func (e *Emulator) ClearUsage() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.usage.forced = nil
}

// SetThrottleCode sets the error code sent once a budget is exhausted (see Options.ThrottleCode).
func (e *Emulator) SetThrottleCode(code int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.usage.code = code
}

// prune drops calls older than the window.
func prune(calls []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(calls) && now.Sub(calls[i]) >= usageWindow {
		i++
	}
	return calls[i:]
}

// percent turns a call count into a usage report against the hourly budget.
func (e *Emulator) percent(calls int) Usage {
	pct := calls * 100 / e.opts.CallsPerHour
	return Usage{CallCount: pct, TotalCPUTime: pct * 9 / 10, TotalTime: pct * 9 / 10}
}

// chargeUsage counts an authenticated call, sets the usage headers and returns the throttling
// error when the budget was already spent before this call. Callers hold e.mu.
func (e *Emulator) chargeUsage(req *graphRequest, account string, h http.Header) *graphError {
	calls := 1
	if req.endpoint == EndpointIDs {
		calls = max(1, len(strings.Split(req.query.Get("ids"), ","))) // Meta counts each id as a call
	}
	before, appUsage := e.countCalls(account, calls, req.now)
	if e.usage.forced != nil {
		before, appUsage = *e.usage.forced, *e.usage.forced
	}
	throttled := before.CallCount >= 100

	if req.host == HostFacebook {
		h.Set("X-App-Usage", mustJSON(appUsage))
	}
	if account != "" {
		e.setBUCHeader(h, account, req.now, throttled)
	}
	if !throttled {
		return nil
	}
	return e.throttleError(account)
}

// countCalls records calls for the app and the account and returns the higher usage before
// them and the app's usage after them. Callers hold e.mu.
func (e *Emulator) countCalls(account string, calls int, now time.Time) (before, appUsage Usage) {
	u := &e.usage
	if u.accounts == nil {
		u.accounts = map[string][]time.Time{}
	}
	u.app = prune(u.app, now)
	before = e.percent(len(u.app))
	for range calls {
		u.app = append(u.app, now)
	}
	appUsage = e.percent(len(u.app))
	if account == "" {
		return before, appUsage
	}
	u.accounts[account] = prune(u.accounts[account], now)
	before = maxUsage(before, e.percent(len(u.accounts[account])))
	for range calls {
		u.accounts[account] = append(u.accounts[account], now)
	}
	return before, appUsage
}

// throttleError returns the configured throttling error, by default 80002 for reads of an
// Instagram account (its Business Use Case limit) and 4 for other calls.
func (e *Emulator) throttleError(account string) *graphError {
	code := e.usage.code
	if code == 0 {
		code = e.opts.ThrottleCode
	}
	if code == 0 {
		code = 4
		if account != "" {
			code = 80002
		}
	}
	return &graphError{Code: code, Message: defaultMessage(code)}
}

func maxUsage(a, b Usage) Usage {
	if b.CallCount > a.CallCount {
		return b
	}
	return a
}

// setBUCHeader sets X-Business-Use-Case-Usage: an object keyed by IG account id whose values
// are arrays of reports; estimated_time_to_regain_access is in minutes and 0 unless throttled.
func (e *Emulator) setBUCHeader(h http.Header, account string, now time.Time, throttled bool) {
	calls := e.usage.accounts[account]
	usage := e.percent(len(calls))
	if e.usage.forced != nil {
		usage = *e.usage.forced
	}
	regain := 0
	if throttled && len(calls) > 0 {
		wait := usageWindow - now.Sub(calls[0])
		regain = int((wait + time.Minute - 1) / time.Minute)
	}
	entry := map[string]any{
		"type":                            "instagram",
		"call_count":                      usage.CallCount,
		"total_cputime":                   usage.TotalCPUTime,
		"total_time":                      usage.TotalTime,
		"estimated_time_to_regain_access": regain,
	}
	h.Set("X-Business-Use-Case-Usage", mustJSON(map[string]any{account: []any{entry}}))
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", err.Error())
	}
	return string(b)
}

// accountOf returns the IG account whose data the request reads, or "" for calls that are not
// IG account reads (Pages, the Facebook user, hashtags). Callers hold e.mu.
func (e *Emulator) accountOf(req *graphRequest) string {
	var id string
	switch req.endpoint {
	case EndpointMe, EndpointUser, EndpointMediaList, EndpointMedia, EndpointChildren:
		id = e.nodeID(req, req.segments[0])
	case EndpointIDs:
		id, _, _ = strings.Cut(req.query.Get("ids"), ",")
	default:
		return ""
	}
	if a := e.data.findAccount(id); a != nil {
		return a.ID
	}
	if m := e.data.media[id]; m != nil {
		return m.OwnerID
	}
	return ""
}
