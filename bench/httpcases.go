package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// mediaFields selects every field of Media. Album children get every field too, their own
// children as ids, since Meta nests albums one level only.
const mediaFields = `id type productType url thumbnailUrl caption permalink timestamp username
hashtags hashtagList { id name } commentsCount likeCount`

// warmQuery is the GraphQL query of the warm scenarios: the demo instance's media with default
// settings and every field.
var warmQuery = fmt.Sprintf(`{ instance(name: "demo") { media { %s children { %s children { id } } } } }`,
	mediaFields, mediaFields)

// warmRESTPath is the same query over REST, which returns every field.
const warmRESTPath = "/api/v1/instances/demo/media"

// rangeSize is the length of the Range requests on the video.
const rangeSize = 1 << 20

// httpCase is a load scenario: an igsource request and the baseline request it is compared with.
type httpCase struct {
	id, name         string
	subject, control request
}

// fixtures are the bytes recorded from the warm igsource that the baseline serves.
type fixtures struct {
	imageURL, videoURL   string
	imageSize, videoSize int64 // bytes
}

// recordFixtures warms igsource's cache, then writes the GraphQL and REST response bodies and
// the largest image and video of the first media page into dir for the baseline.
func recordFixtures(ctx context.Context, client *http.Client, base, dir string) (*fixtures, error) {
	gql, err := graphqlBody(warmQuery)
	if err != nil {
		return nil, err
	}
	var body []byte
	for range 2 { // the first request fills the cache, the second is the warm response
		if body, err = fetch(ctx, client, http.MethodPost, base+"/graphql", gql); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, baselineGraphQL), body, 0o600); err != nil {
		return nil, err
	}
	for range 2 {
		if body, err = fetch(ctx, client, http.MethodGet, base+warmRESTPath, nil); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, baselineREST), body, 0o600); err != nil {
		return nil, err
	}
	return recordFiles(ctx, client, body, dir)
}

// recordFiles downloads every file of a REST media page through igsource, which caches each
// one, and keeps the largest image and video for the baseline.
func recordFiles(ctx context.Context, client *http.Client, restBody []byte, dir string) (*fixtures, error) {
	var page struct {
		Data []struct {
			Type string  `json:"type"`
			URL  *string `json:"url"`
		} `json:"data"`
	}
	if err := json.Unmarshal(restBody, &page); err != nil {
		return nil, fmt.Errorf("decode the REST media page: %w", err)
	}
	var image, video []byte
	f := &fixtures{}
	for _, m := range page.Data {
		if m.URL == nil || (m.Type != "IMAGE" && m.Type != "VIDEO") {
			continue
		}
		b, err := fetch(ctx, client, http.MethodGet, *m.URL, nil)
		if err != nil {
			return nil, err
		}
		switch {
		case m.Type == "IMAGE" && len(b) > len(image):
			image, f.imageURL = b, *m.URL
		case m.Type == "VIDEO" && len(b) > len(video):
			video, f.videoURL = b, *m.URL
		}
	}
	if len(image) == 0 || len(video) <= rangeSize {
		return nil, fmt.Errorf("the first media page has no image, or no video over %d bytes", rangeSize)
	}
	f.imageSize, f.videoSize = int64(len(image)), int64(len(video))
	if err := os.WriteFile(filepath.Join(dir, baselineImage), image, 0o600); err != nil {
		return nil, err
	}
	return f, os.WriteFile(filepath.Join(dir, baselineVideo), video, 0o600)
}

// httpCases returns the load scenarios comparing igsource at base with the baseline at control.
func httpCases(base, control string, f *fixtures) ([]httpCase, error) {
	gql, err := graphqlBody(warmQuery)
	if err != nil {
		return nil, err
	}
	return []httpCase{
		{id: "P1", name: "warm GraphQL media, every field",
			subject: post(base+"/graphql", gql), control: post(control+"/graphql", gql)},
		{id: "P2", name: "warm REST media",
			subject: get(base + warmRESTPath), control: get(control + "/rest")},
		{id: "P3", name: fmt.Sprintf("cached image, %d KB", f.imageSize>>10),
			subject: get(f.imageURL), control: get(control + "/files/" + baselineImage)},
		{id: "P3", name: fmt.Sprintf("cached video, 1 MiB ranges of %.1f MiB", float64(f.videoSize)/(1<<20)),
			subject: ranged(f.videoURL, f.videoSize), control: ranged(control+"/files/"+baselineVideo, f.videoSize)},
	}, nil
}

func graphqlBody(query string) ([]byte, error) {
	return json.Marshal(map[string]string{"query": strings.Join(strings.Fields(query), " ")})
}

func get(url string) request {
	return func(ctx context.Context, _, _ int) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	}
}

func post(url string, body []byte) request {
	return func(ctx context.Context, _, _ int) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		return req, nil
	}
}

// ranged requests 1 MiB ranges of a file of size bytes, at offsets that step by 256 KiB with
// each request and differ between workers, the same sequence for igsource and the baseline.
func ranged(url string, size int64) request {
	span := size - rangeSize
	return func(ctx context.Context, worker, n int) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		start := (int64(worker)*7 + int64(n)) * (256 << 10) % span
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", start, start+rangeSize-1))
		return req, nil
	}
}

// fetch sends one request and returns the body of a 2xx response.
func fetch(ctx context.Context, client *http.Client, method, url string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return fetchRequest(client, req)
}

// fetchRequest sends req and returns the body of a 2xx response. A GraphQL response with
// errors fails too.
func fetchRequest(client *http.Client, req *http.Request) ([]byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read body: %w", req.Method, req.URL, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: status %d: %.300s", req.Method, req.URL, resp.StatusCode, b)
	}
	if strings.HasSuffix(req.URL.Path, "/graphql") && bytes.Contains(b, []byte(`"errors":`)) {
		return nil, fmt.Errorf("%s %s: GraphQL errors: %.300s", req.Method, req.URL, b)
	}
	return b, nil
}
