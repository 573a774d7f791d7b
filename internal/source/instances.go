package source

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/igsource/igsource/internal/apperr"
	"github.com/igsource/igsource/internal/store"
)

// InstanceTTL is how long an instance read from the store serves requests before it is read
// again. Changes that another process makes to the same database, such as
// `igsource instances` commands, show within this time. Changes made through this Service
// show at once, because InvalidateInstance drops the copy.
const InstanceTTL = time.Second

// maxCachedInstanceNames bounds the instance cache. Only names that matched an instance are
// kept, so the bound matters only with very many instances, and overflowing it clears the map.
const maxCachedInstanceNames = 4096

// instanceCache contains the instances that requests named, by the name as requested (an
// instance name or an id).
type instanceCache struct {
	mu      sync.Mutex
	entries map[string]cachedInstance
}

// cachedInstance is an instance and when it was read from the store.
type cachedInstance struct {
	instance store.Instance
	readAt   time.Time
}

func newInstanceCache() *instanceCache {
	return &instanceCache{entries: map[string]cachedInstance{}}
}

// get returns the entry for name, whatever its age.
func (c *instanceCache) get(name string) (cachedInstance, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[name]
	return e, ok
}

func (c *instanceCache) put(name string, e cachedInstance) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[name]; !ok && len(c.entries) >= maxCachedInstanceNames {
		clear(c.entries)
	}
	c.entries[name] = e
}

// changed reports whether a kept entry of the instance with inst's id, under any name,
// differs from inst. A rename shows under the new name, and an id that the store reused for
// a new instance shows too.
func (c *instanceCache) changed(inst *store.Instance) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.instance.ID == inst.ID && !sameInstance(&e.instance, inst) {
			return true
		}
	}
	return false
}

// drop removes every name that refers to the instance with the given id.
func (c *instanceCache) drop(instanceID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if e.instance.ID == instanceID {
			delete(c.entries, k)
		}
	}
}

// Instance returns the instance called name. A name that is a number and matches no name is
// taken as an instance id. The result may be up to InstanceTTL old, and callers must not
// modify it.
func (s *Service) Instance(ctx context.Context, name string) (*store.Instance, error) {
	now := s.clock.Now()
	prev, known := s.instances.get(name)
	if known && now.Sub(prev.readAt) < InstanceTTL && !now.Before(prev.readAt) {
		return &prev.instance, nil
	}
	inst, err := s.readInstance(ctx, name)
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound && known {
			// Another process deleted or renamed the instance.
			s.instanceChanged(prev.instance.ID)
		}
		return nil, err
	}
	if known && prev.instance.ID != inst.ID {
		// The name now refers to another instance, so the one it named was renamed or deleted.
		s.instanceChanged(prev.instance.ID)
	}
	if s.instances.changed(inst) {
		s.instanceChanged(inst.ID)
	}
	s.instances.put(name, cachedInstance{instance: *inst, readAt: now})
	return inst, nil
}

// instanceChanged drops what this process keeps of an instance that another process changed.
// That process's store update has already deleted the instance's rows of the query cache, so
// only the memory copies remain, and they were built for the old account or Page.
func (s *Service) instanceChanged(instanceID int64) {
	s.instances.drop(instanceID)
	s.cache.deleteInstance(instanceID)
	s.notFound.deleteInstance(instanceID)
}

// readInstance reads the instance called name from the store, by name and then by id.
func (s *Service) readInstance(ctx context.Context, name string) (*store.Instance, error) {
	inst, err := s.store.InstanceByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		if id, convErr := strconv.ParseInt(name, 10, 64); convErr == nil {
			inst, err = s.store.Instance(ctx, id)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.Wrap(err, apperr.NotFound,
			"instance %q not found: list the instances with `igsource instances list`", name)
	}
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "read instance %q", name)
	}
	return inst, nil
}

// sameInstance reports whether two reads of an instance show the same settings.
func sameInstance(a, b *store.Instance) bool {
	return a.ID == b.ID && a.Name == b.Name && a.AccountID == b.AccountID && a.PageID == b.PageID &&
		a.CacheSeconds == b.CacheSeconds && a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

// Instances returns every configured instance, read from the store.
func (s *Service) Instances(ctx context.Context) ([]store.Instance, error) {
	list, err := s.store.ListInstances(ctx)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "list instances")
	}
	return list, nil
}

// InvalidateInstance drops every cached result of an instance, in memory and in the store,
// and the memory copy of the instance itself. Call it after changing or deleting the instance.
func (s *Service) InvalidateInstance(ctx context.Context, instanceID int64) error {
	s.instanceChanged(instanceID)
	if err := s.store.DeleteInstanceCache(ctx, instanceID); err != nil {
		return apperr.Wrap(err, apperr.Internal, "clear the cache of instance %d", instanceID)
	}
	return nil
}
