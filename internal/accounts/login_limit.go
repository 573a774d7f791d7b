package accounts

import (
	"log/slog"
	"math"
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits on failed admin logins. Each remote address may fail maxLoginFailures times at once,
// then once more per loginFailureInterval, which slows password guessing to 60 an hour while
// an admin who mistypes a few times waits at most a minute.
const (
	maxLoginFailures     = 5
	loginFailureInterval = time.Minute
	// maxLoginAddresses bounds the addresses tracked in memory.
	maxLoginAddresses = 10000
)

// Limits on the log lines about failed logins, across all addresses: a burst of
// maxFailureLogs, then one per failureLogInterval. Skipped lines are counted in the next one.
const (
	maxFailureLogs     = 10
	failureLogInterval = 6 * time.Second
)

// loginLimiter throttles failed admin logins per remote address and logs them at a bounded
// rate. Times come from the caller, so that tests can use a fake clock.
//
// NOTE: behind a reverse proxy every request has the proxy's address, so failures from anyone
// throttle logins for everyone until the interval passes. Forwarded headers are not trusted,
// because a client can set them to any address.
type loginLimiter struct {
	log *slog.Logger

	mu       sync.Mutex
	failures map[netip.Prefix]*rate.Limiter
	logs     *rate.Limiter
	skipped  int // failure lines skipped since the last one written
}

func newLoginLimiter(logger *slog.Logger) *loginLimiter {
	return &loginLimiter{
		log:      logger,
		failures: map[netip.Prefix]*rate.Limiter{},
		logs:     rate.NewLimiter(rate.Every(failureLogInterval), maxFailureLogs),
	}
}

// reserve takes one of the remote address's failed-login slots before its password is
// checked, so that concurrent guesses cannot all pass the check. It returns the wait before the
// next attempt instead when no slot is free. Give the slot back with refund after a success.
func (l *loginLimiter) reserve(remoteAddr string, now time.Time) (*rate.Reservation, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := clientPrefix(remoteAddr)
	lim, ok := l.failures[key]
	if !ok {
		l.makeRoom(now)
		lim = rate.NewLimiter(rate.Every(loginFailureInterval), maxLoginFailures)
		l.failures[key] = lim
	}
	res := lim.ReserveN(now, 1)
	if wait := res.DelayFrom(now); wait > 0 {
		res.CancelAt(now)
		return nil, time.Duration(math.Ceil(wait.Seconds())) * time.Second
	}
	return res, 0
}

// refund returns the slot of a successful login, which never counts as a failure. Pass the
// time given to reserve, because rate.Reservation.CancelAt keeps a slot whose time has passed.
func (l *loginLimiter) refund(res *rate.Reservation, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	res.CancelAt(now)
}

// fail logs a failed login from the remote address when the log rate allows.
func (l *loginLimiter) fail(remoteAddr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.logLocked(now, "Admin login failed", remoteAddr)
}

// rejected logs a login attempt rejected because its address failed too often.
func (l *loginLimiter) rejected(remoteAddr string, now time.Time, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.logLocked(now, "Admin login throttled after repeated failures", remoteAddr,
		"retry_after_seconds", int(wait/time.Second))
}

// logLocked writes a warning when the log rate allows and counts it as skipped otherwise.
// Callers hold l.mu.
func (l *loginLimiter) logLocked(now time.Time, msg, remoteAddr string, args ...any) {
	if !l.logs.AllowN(now, 1) {
		l.skipped++
		return
	}
	args = append(args, "remote_addr", remoteAddr, "skipped_log_lines", l.skipped)
	l.skipped = 0
	l.log.Warn(msg, args...)
}

// makeRoom deletes addresses that may fail a full burst again, and when none may, an arbitrary
// one, so that the map stays within maxLoginAddresses. Callers hold l.mu.
func (l *loginLimiter) makeRoom(now time.Time) {
	if len(l.failures) < maxLoginAddresses {
		return
	}
	for key, lim := range l.failures {
		if lim.TokensAt(now) >= maxLoginFailures {
			delete(l.failures, key)
		}
	}
	for key := range l.failures {
		if len(l.failures) < maxLoginAddresses {
			return
		}
		delete(l.failures, key)
	}
}

// clientPrefix returns the network that a remote address is throttled as: the address itself
// for IPv4 and its /64 for IPv6, because one IPv6 client usually holds a whole /64.
func clientPrefix(remoteAddr string) netip.Prefix {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Prefix{} // unparsable addresses share one limit
	}
	addr = addr.Unmap().WithZone("")
	bits := 32
	if addr.Is6() {
		bits = 64
	}
	prefix, _ := addr.Prefix(bits)
	return prefix
}
