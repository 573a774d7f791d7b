package source

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"
)

// cacheKeyVersion starts every cache key, so that a change to the stored JSON makes old rows
// of the query_cache table unreachable instead of undecodable.
const cacheKeyVersion = "v1"

// maxMemoryEntries bounds the in-memory cache. Beyond it an arbitrary entry is dropped, which
// costs at most one refresh, because the store keeps every last good result.
const maxMemoryEntries = 10000

// cacheEntry is a query result and when it was read from Instagram.
type cacheEntry struct {
	value     any
	fetchedAt time.Time
}

// freshFor reports whether the entry serves a request that accepts data up to maxAge old.
// maxAge 0 accepts nothing, so such requests always read from Instagram.
func (e cacheEntry) freshFor(maxAge time.Duration, now time.Time) bool {
	return maxAge > 0 && now.Before(e.fetchedAt.Add(maxAge))
}

// memoryCache contains the last good result of every query this process has served, whatever
// its age. Fresh entries serve requests, and stale ones stand in when a refresh fails.
type memoryCache struct {
	mu      sync.Mutex
	entries map[string]cacheEntry
}

func newMemoryCache() *memoryCache {
	return &memoryCache{entries: map[string]cacheEntry{}}
}

func (c *memoryCache) get(key string) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e, ok
}

func (c *memoryCache) put(key string, e cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= maxMemoryEntries {
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = e
}

// deleteInstance drops every entry of an instance.
func (c *memoryCache) deleteInstance(instanceID int64) {
	prefix := instancePrefix(instanceID)
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if strings.HasPrefix(k, prefix) {
			delete(c.entries, k)
		}
	}
}

func instancePrefix(instanceID int64) string {
	return fmt.Sprintf("%s/instance=%d/", cacheKeyVersion, instanceID)
}

// The cache keys hold the instance, the query and every data setting in canonical form, and
// cacheKey adds the public URL. They leave out the cache setting: that is the freshness each
// request demands of the same data. No key holds a token.

// cacheKey adds the registry's public URL to a query's key. Results contain absolute media
// URLs, so a result built under another base, before a change of the public URL or by another
// server sharing the database, must not be served.
func (s *Service) cacheKey(queryKey string) string {
	return queryKey + "/base=" + url.QueryEscape(s.registry.PublicURL())
}

func (q mediaQuery) key(instanceID int64) string {
	return fmt.Sprintf("%smedia/type=%s/amount=%d/offset=%d/since=%s/until=%s", instancePrefix(instanceID),
		q.typ, q.amount, q.offset, formatWindowTime(q.since), formatWindowTime(q.until))
}

func (q singleQuery) key(instanceID int64) string {
	return fmt.Sprintf("%ssingle/id=%s", instancePrefix(instanceID), q.id)
}

func (q hashtagQuery) key(instanceID int64) string {
	return fmt.Sprintf("%shashtag/q=%s/edge=%s/amount=%d", instancePrefix(instanceID), q.q, q.edge, q.amount)
}

func userKey(instanceID int64) string {
	return instancePrefix(instanceID) + "user"
}
