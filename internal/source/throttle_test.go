package source

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/instagram"
	"github.com/igsource/igsource/internal/store"
	"github.com/igsource/igsource/internal/testutil"
)

func TestEmulatorRateLimitBlocksCalls(t *testing.T) {
	for _, code := range []int{4, 17, 32, 613, 80002} {
		t.Run(fmt.Sprintf("code %d", code), func(t *testing.T) {
			e := newEmulated(t, emulator.Options{})
			fresh := MediaSettings{Cache: ptr(0)}
			first, err := e.service.Media(t.Context(), "creator", fresh)
			if err != nil {
				t.Fatal(err)
			}
			e.emu.ResetCalls()
			e.emu.InjectFault(emulator.Fault{Endpoint: emulator.EndpointMediaList, Code: code})

			for i := range 6 {
				res, err := e.service.Media(t.Context(), "creator", fresh)
				if err != nil {
					t.Fatalf("request %d: %v, want the last good result", i, err)
				}
				if !res.Meta.Stale || !res.Meta.Cached || !res.Meta.FetchedAt.Equal(first.Meta.FetchedAt) {
					t.Errorf("request %d meta = %+v, want cached stale data fetched at %s", i, res.Meta, first.Meta.FetchedAt)
				}
				e.clock.Advance(time.Second)
			}
			if n := e.emu.Calls(emulator.EndpointMediaList); n != 1 {
				t.Errorf("upstream calls for 6 requests during a block = %d, want 1", n)
			}

			_, err = e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(5)})
			if got := apperr.CodeOf(err); got != apperr.RateLimited {
				t.Errorf("uncached query code = %s, want %s (error %v)", got, apperr.RateLimited, err)
			}
			retryAt := testNow.Add(instagram.DefaultRateLimitBackoff).Format(time.RFC3339)
			if !strings.Contains(apperr.MessageOf(err), retryAt) {
				t.Errorf("message %q does not name the retry time %s", apperr.MessageOf(err), retryAt)
			}
			if n := e.emu.Calls(emulator.EndpointMediaList); n != 1 {
				t.Errorf("upstream calls after an uncached query = %d, want 1", n)
			}
			if n := strings.Count(e.logs.String(), "Instagram is rate limiting the account"); n != 1 {
				t.Errorf("throttling logged %d times, want once per block", n)
			}

			e.emu.ClearFaults()
			e.clock.Set(testNow.Add(instagram.DefaultRateLimitBackoff))
			res, err := e.service.Media(t.Context(), "creator", fresh)
			if err != nil {
				t.Fatalf("after the block: %v", err)
			}
			if res.Meta.Stale || res.Meta.Cached {
				t.Errorf("after the block meta = %+v, want a fresh read", res.Meta)
			}
			if n := e.emu.Calls(emulator.EndpointMediaList); n != 2 {
				t.Errorf("upstream calls after the block = %d, want 2", n)
			}
		})
	}
}

func TestThrottleBackoff(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	throttled := func(retryAfter time.Duration) error {
		return &instagram.Error{Code: 4, Kind: instagram.RateLimited, RetryAfter: retryAfter}
	}
	tests := []struct {
		name      string
		errs      []error // throttling errors, each right after the previous block ends
		succeeded bool    // a success after the last block, before one more throttling
		want      time.Duration
	}{
		{"Meta's estimate", []error{throttled(90 * time.Second)}, false, 90 * time.Second},
		{"default without estimate", []error{errors.New("throttled")}, false, instagram.DefaultRateLimitBackoff},
		{"doubles when repeated", []error{throttled(time.Minute), throttled(time.Minute), throttled(time.Minute)}, false, 4 * time.Minute},
		{"longer estimate wins", []error{throttled(time.Minute), throttled(10 * time.Minute)}, false, 10 * time.Minute},
		{"capped", []error{throttled(90 * time.Minute), throttled(90 * time.Minute)}, false, maxRateLimitBackoff},
		{"reset by success", []error{throttled(time.Minute), throttled(time.Minute)}, true, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			th := newThrottle()
			now := testNow
			var until time.Time
			for _, err := range tt.errs {
				until = th.record(1, err, now, logger)
				now = until
			}
			if tt.succeeded {
				th.succeeded(1, now)
				until = th.record(1, throttled(time.Minute), now, logger)
			}
			if got := until.Sub(now); tt.succeeded && got != tt.want {
				t.Errorf("block after a success = %s, want %s", got, tt.want)
			}
			if got := th.accounts[1].wait; got != tt.want {
				t.Errorf("last block = %s, want %s", got, tt.want)
			}
			if _, blocked := th.blockedUntil(1, until.Add(-time.Nanosecond)); !blocked {
				t.Error("account not blocked just before the block ends")
			}
			if _, blocked := th.blockedUntil(1, until); blocked {
				t.Error("account still blocked when the block ends")
			}
			if _, blocked := th.blockedUntil(2, now); blocked {
				t.Error("another account is blocked")
			}
		})
	}
}

func TestThrottleFailureDuringBlock(t *testing.T) {
	var logs testutil.SyncBuffer
	th := newThrottle()
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	err := &instagram.Error{Code: 4, Kind: instagram.RateLimited, RetryAfter: time.Minute}
	until := th.record(1, err, testNow, logger)
	// A call that started before the block began fails during it.
	if got := th.record(1, err, testNow.Add(time.Second), logger); !got.Equal(until) {
		t.Errorf("block end = %s, want it unchanged at %s", got, until)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 {
		t.Errorf("warnings = %d, want 1:\n%s", n, logs.String())
	}
}

func TestEmulatorResolveURLDuringBlock(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	if _, err := e.service.Media(t.Context(), "creator", MediaSettings{Amount: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	regs := e.registry.registrations()
	if len(regs) == 0 {
		t.Fatal("no registrations")
	}
	e.emu.InjectFault(emulator.Fault{Endpoint: emulator.EndpointMedia, Code: 80002})
	for i := range 3 {
		if _, err := e.service.ResolveURL(t.Context(), regs[0].Ref); !instagram.IsRateLimited(err) && apperr.CodeOf(err) != apperr.RateLimited {
			t.Errorf("resolve %d: %v, want a rate-limited error", i, err)
		}
	}
	if n := e.emu.Calls(emulator.EndpointMedia); n != 1 {
		t.Errorf("upstream calls for 3 resolves during a block = %d, want 1", n)
	}
}

func TestEmulatorUsagePercent(t *testing.T) {
	e := newEmulated(t, emulator.Options{})
	e.emu.SetUsage(emulator.Usage{CallCount: 96, TotalCPUTime: 10, TotalTime: 12})
	for _, inst := range []*store.Instance{e.creator, e.business} {
		if got, err := e.service.UsagePercent(t.Context(), inst.AccountID); err != nil || got != 0 {
			t.Errorf("%s usage before any call = %d, %v; want 0", inst.Name, got, err)
		}
		if _, err := e.service.Media(t.Context(), inst.Name, MediaSettings{Amount: ptr(1)}); err != nil {
			t.Fatal(err)
		}
		if got, err := e.service.UsagePercent(t.Context(), inst.AccountID); err != nil || got != 96 {
			t.Errorf("%s usage = %d, %v; want 96", inst.Name, got, err)
		}
	}
	e.clock.Advance(usageReportLifetime)
	if got, err := e.service.UsagePercent(t.Context(), e.creator.AccountID); err != nil || got != 0 {
		t.Errorf("usage of an hour-old report = %d, %v; want 0", got, err)
	}
	if _, err := e.service.UsagePercent(t.Context(), 999); err == nil {
		t.Error("usage of an unknown account: no error")
	}
}
