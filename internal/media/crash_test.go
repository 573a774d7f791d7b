package media

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/emulator"
	"github.com/igsource/igsource/internal/secrets"
	"github.com/igsource/igsource/internal/store"
)

// Environment of the child process that the crash test starts from the test binary.
const (
	childEnv      = "IGSOURCE_MEDIA_TEST_CHILD" // "1" runs the child instead of the tests
	childDirEnv   = "IGSOURCE_MEDIA_TEST_DIR"
	childDBEnv    = "IGSOURCE_MEDIA_TEST_DB"
	childAllowEnv = "IGSOURCE_MEDIA_TEST_ALLOW"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if err := runChild(); err != nil {
			fmt.Fprintln(os.Stderr, "media test child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChild serves media on a loopback port, printed to stdout, until it is killed.
func runChild() error {
	ctx := context.Background()
	sealer, err := secrets.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		return err
	}
	index, err := store.Open(ctx, os.Getenv(childDBEnv), sealer, clock.System)
	if err != nil {
		return err
	}
	s, err := New(Config{
		Dir:          os.Getenv(childDirEnv),
		AllowedHosts: []string{os.Getenv(childAllowEnv)},
		Logger:       slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}, index)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening %s\n", ln.Addr())
	return http.Serve(ln, s)
}

// child is a running child process serving a media folder.
type child struct {
	cmd  *exec.Cmd
	addr string
}

func startChild(t *testing.T, dir, db, allow string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", childDirEnv+"="+dir, childDBEnv+"="+db, childAllowEnv+"="+allow)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("child stdout: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("read child address: %v", err)
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if !ok {
		t.Fatalf("child printed %q, want its address", line)
	}
	return &child{cmd: cmd, addr: addr}
}

// slowBody sends the first half of each response body, then the rest in small delayed
// chunks, so that downloads are in the middle of their bodies for a while.
func slowBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&slowWriter{ResponseWriter: w}, r)
	})
}

type slowWriter struct {
	http.ResponseWriter
}

func (w *slowWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		n := min(len(p), 2048)
		m, err := w.ResponseWriter.Write(p[:n])
		written += m
		if err != nil {
			return written, err
		}
		w.ResponseWriter.(http.Flusher).Flush()
		time.Sleep(10 * time.Millisecond)
		p = p[n:]
	}
	return written, nil
}

// TestCrashLeavesNoPartialFile kills a serving process with SIGKILL while downloads are
// writing, restarts it on the same folder and database, and checks that every file served
// equals the CDN's bytes.
func TestCrashLeavesNoPartialFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	emu := emulator.New(emulator.Options{ImageSide: 160, VideoBytes: 64 << 10})
	slow := httptest.NewServer(slowBody(emu.Handler()))
	t.Cleanup(slow.Close)
	emu.SetBaseURL(slow.URL)
	slowHost := strings.TrimPrefix(slow.URL, "http://")

	dir := t.TempDir()
	db := filepath.Join(t.TempDir(), "igsource.db")
	index := openIndex(t, db)
	var files []store.MediaFile
	want := make(map[string][]byte)
	for _, id := range emu.MediaIDs(emu.Accounts().CreatorUserID)[:16] {
		link, err := emu.CDNURL(id, emulator.VariantFile, time.Now().Add(time.Hour))
		if err != nil {
			continue // an album, whose files are its children's
		}
		body, err := emu.CDNFile(id, emulator.VariantFile)
		if err != nil {
			t.Fatalf("CDNFile: %v", err)
		}
		if len(body) > 256<<10 {
			continue // the seeded large files would take seconds at the slowed rate
		}
		ref := Ref{AccountID: 1, MediaID: id, Variant: VariantFile}
		want[ref.String()] = body
		files = append(files, store.MediaFile{
			Ref: ref.String(), AccountID: ref.AccountID, MediaID: ref.MediaID, Variant: string(ref.Variant),
			CDNURL: link, Video: strings.Contains(link, ".mp4?"), Resolvable: true,
		})
	}
	if err := index.UpsertMediaFiles(t.Context(), files); err != nil {
		t.Fatalf("UpsertMediaFiles: %v", err)
	}

	first := startChild(t, dir, db, slowHost)
	var wg sync.WaitGroup
	for ref := range want {
		wg.Go(func() {
			resp, err := http.Get("http://" + first.addr + "/media/" + ref + ".jpg")
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	waitMidDownload(t, dir)
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	_ = first.cmd.Wait()
	wg.Wait()

	second := startChild(t, dir, db, slowHost)
	for _, name := range dirFiles(t, dir) {
		if strings.HasPrefix(name, tempPrefix) {
			t.Errorf("temporary file %s left after restart", name)
		}
	}
	for ref, body := range want {
		wg.Go(func() {
			resp, err := http.Get("http://" + second.addr + "/media/" + ref + ".jpg")
			if err != nil {
				t.Errorf("GET %s: %v", ref, err)
				return
			}
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: status %d, error %v", ref, resp.StatusCode, err)
				return
			}
			if !bytes.Equal(got, body) {
				t.Errorf("GET %s: %d bytes differ from the CDN's %d bytes", ref, len(got), len(body))
			}
		})
	}
	wg.Wait()
	for _, name := range dirFiles(t, dir) {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		ref, _, _ := strings.Cut(name, ".")
		if !bytes.Equal(got, want[ref]) {
			t.Errorf("file %s on disk: %d bytes differ from the CDN's %d bytes", name, len(got), len(want[ref]))
		}
	}
}

// waitMidDownload returns once one download has finished and another has written part of
// its body, so that a crash then leaves both kinds of file.
func waitMidDownload(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		partial, done := 0, 0
		for _, name := range dirFiles(t, dir) {
			info, err := os.Stat(filepath.Join(dir, name))
			switch {
			case err != nil:
			case strings.HasPrefix(name, tempPrefix) && info.Size() > 0:
				partial++
			case !strings.HasPrefix(name, tempPrefix):
				done++
			}
		}
		if partial > 0 && done > 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("no download was in progress after another finished within 30 s")
}
