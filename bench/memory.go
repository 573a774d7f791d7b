package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/igsource/igsource/internal/source"
)

// memoryPoint is the memory in use after caching a number of instances.
type memoryPoint struct {
	Instances int
	Files     int    // media files downloaded to disk so far
	Heap      uint64 // bytes of live Go heap objects after a collection
	RSS       int64  // VmRSS of the whole benchmark process, emulator included
}

// memoryResult is the memory of the cached instances.
type memoryResult struct {
	MediaEach   int
	Points      []memoryPoint
	HeapPerInst float64 // bytes of heap per cached instance, from the first to the last point
	RSSPerInst  float64
}

// runMemory caches one media query of amount media for each of instances instances and
// measures the Go heap and the process's resident memory along the way. Registering the files
// writes only index rows. At the end, every file of the cached media is downloaded to disk
// once, and the memory is measured again. The instances read one account, so they share
// their files.
func runMemory(ctx context.Context, r *rig, instances, amount int) (*memoryResult, error) {
	if err := r.growCreator(amount); err != nil {
		return nil, err
	}
	res := &memoryResult{MediaEach: amount}
	var last *source.MediaResult
	checkpoints := map[int]bool{0: true, instances / 4: true, instances / 2: true, instances: true}
	for i := 0; i <= instances; i++ {
		if checkpoints[i] {
			p, err := measureMemory(i)
			if err != nil {
				return nil, err
			}
			res.Points = append(res.Points, p)
		}
		if i == instances {
			break
		}
		name := fmt.Sprintf("memory-%03d", i)
		if err := r.addInstance(ctx, name, false); err != nil {
			return nil, err
		}
		got, err := r.source.Media(ctx, name, source.MediaSettings{Amount: &amount})
		if err != nil {
			return nil, fmt.Errorf("cache instance %s: %w", name, err)
		}
		if len(got.Media) != amount {
			return nil, fmt.Errorf("cache instance %s: got %d media, expected %d", name, len(got.Media), amount)
		}
		last = got
	}
	first, cached := res.Points[0], res.Points[len(res.Points)-1]
	res.HeapPerInst = float64(int64(cached.Heap)-int64(first.Heap)) / float64(instances)
	res.RSSPerInst = float64(cached.RSS-first.RSS) / float64(instances)

	files, err := downloadFiles(ctx, last.Media)
	if err != nil {
		return nil, err
	}
	p, err := measureMemory(instances)
	if err != nil {
		return nil, err
	}
	p.Files = files
	res.Points = append(res.Points, p)
	return res, nil
}

// downloadFiles requests every file URL of media and their children once, four at a time,
// which makes igsource download them to disk. It returns the number of files.
func downloadFiles(ctx context.Context, media []source.Media) (int, error) {
	var urls []string
	var collect func(ms []source.Media)
	collect = func(ms []source.Media) {
		for _, m := range ms {
			for _, u := range []*string{m.URL, m.ThumbnailURL} {
				if u != nil && !slices.Contains(urls, *u) {
					urls = append(urls, *u)
				}
			}
			collect(m.Children)
		}
	}
	collect(media)

	client := &http.Client{Timeout: time.Minute}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for _, u := range urls {
		g.Go(func() error {
			_, err := fetch(ctx, client, http.MethodGet, u, nil)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return 0, fmt.Errorf("download the cached media files: %w", err)
	}
	return len(urls), nil
}

func measureMemory(instances int) (memoryPoint, error) {
	// Two collections, so that objects freed by finalizers of the first are gone too, and the
	// freed pages go back to the operating system so that RSS shows what is in use.
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, err := vmRSS(os.Getpid())
	if err != nil {
		return memoryPoint{}, err
	}
	return memoryPoint{Instances: instances, Heap: ms.HeapAlloc, RSS: rss}, nil
}
