package media

import (
	"sync"
	"time"

	"github.com/igsource/igsource/internal/store"
)

// servedRowTTL is how long the index row of a downloaded file serves requests before it is
// read again. This process drops a row at once when it evicts, purges, re-downloads or marks
// the media deleted. Another process on the same folder, such as `igsource media` commands,
// shows within this time, and a file that it removed shows at once, because the open fails.
const servedRowTTL = 2 * time.Second

// maxServedRows bounds the map of served rows. Beyond it arbitrary rows are dropped, which
// costs one index read each.
const maxServedRows = 8192

// servedRows contains the index rows of downloaded files that requests read recently, so
// that serving a file reads no SQLite row. generation counts the drops, so that a row read
// from the index before a drop is not kept after it.
type servedRows struct {
	mu         sync.Mutex
	rows       map[string]servedRow
	generation uint64
}

// servedRow is an index row and when it was read.
type servedRow struct {
	row    store.MediaFile
	readAt time.Time
}

func newServedRows() *servedRows {
	return &servedRows{rows: map[string]servedRow{}}
}

// get returns a copy of ref's row when it was read less than servedRowTTL before now.
func (c *servedRows) get(ref string, now time.Time) (*store.MediaFile, bool) {
	c.mu.Lock()
	e, ok := c.rows[ref]
	c.mu.Unlock()
	if !ok || now.Before(e.readAt) || now.Sub(e.readAt) >= servedRowTTL {
		return nil, false
	}
	return &e.row, true
}

// current returns the generation to pass to put for a row about to be read.
func (c *servedRows) current() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.generation
}

// put keeps row, read at now, unless a drop happened since generation was current.
func (c *servedRows) put(row *store.MediaFile, generation uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if generation != c.generation {
		return
	}
	if _, ok := c.rows[row.Ref]; !ok && len(c.rows) >= maxServedRows {
		for k := range c.rows {
			delete(c.rows, k)
			if len(c.rows) < maxServedRows {
				break
			}
		}
	}
	c.rows[row.Ref] = servedRow{row: *row, readAt: now}
}

// drop removes ref's row.
func (c *servedRows) drop(ref string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	delete(c.rows, ref)
}

// dropAll removes every row.
func (c *servedRows) dropAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	clear(c.rows)
}
