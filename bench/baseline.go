package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
)

// Baseline mode: the bench binary runs itself as a second process that serves the bytes
// igsource served, with nothing but net/http. Both sides thus pay for a process of their own,
// and the load generator costs the same for both.

// baselineFiles names the files the baseline process serves from its folder.
const (
	baselineGraphQL = "graphql.json"
	baselineREST    = "rest.json"
	baselineImage   = "image.jpg"
	baselineVideo   = "video.mp4"
)

// baselineReady starts the line the baseline process prints with its base URL once it listens.
const baselineReady = "baseline listening on "

// serveBaseline serves dir on a free loopback port until ctx ends: POST /graphql and GET /rest
// write the recorded response bytes as a bare handler would; /files/ serves files with
// http.ServeFile.
func serveBaseline(ctx context.Context, dir string) error {
	graphql, err := os.ReadFile(filepath.Join(dir, baselineGraphQL))
	if err != nil {
		return err
	}
	rest, err := os.ReadFile(filepath.Join(dir, baselineREST))
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /graphql", bytesHandler(graphql))
	mux.HandleFunc("GET /rest", bytesHandler(rest))
	mux.HandleFunc("GET /files/{name}", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(dir, filepath.Base(r.PathValue("name"))))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("%shttp://%s\n", baselineReady, ln.Addr())
	srv := &http.Server{Handler: mux}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// bytesHandler reads the request body, as a handler that parses the query would, and writes
// body as JSON, the way a handler with a precomputed response would.
func bytesHandler(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "read request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}
}
