package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// startTimeout bounds how long a started process may take to print its address and pass its
// readiness check.
const startTimeout = 60 * time.Second

// process is a child process that serves HTTP on loopback.
type process struct {
	cmd     *exec.Cmd
	baseURL string // such as http://127.0.0.1:41234
	done    chan error
}

// buildIgsource builds cmd/igsource into dir and returns the binary's path. It runs in the
// module root, which `go run ./bench` starts in.
func buildIgsource(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "igsource")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/igsource")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build igsource (run the benchmark from the module root): %w", err)
	}
	return bin, nil
}

// startDemo starts `igsource demo` on a free loopback port with dataDir and waits until
// /readyz returns 200. Its log goes to logFile.
func startDemo(ctx context.Context, bin, dataDir, logFile string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "demo", "--listen", addr, "--data", dataDir,
		"--log-format", "text", "--log-level", "warn")
	p, err := startProcess(cmd, logFile, nil)
	if err != nil {
		return nil, fmt.Errorf("start igsource demo: %w", err)
	}
	p.baseURL = "http://" + addr
	if err := waitReady(ctx, p, p.baseURL+"/readyz"); err != nil {
		p.stop()
		return nil, fmt.Errorf("%w (log in %s)", err, logFile)
	}
	return p, nil
}

// freeAddr returns a loopback address with a port that was free a moment ago. Another process
// may take the port before igsource listens on it, which makes the start fail.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free loopback port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// startBaseline starts this benchmark binary again in baseline mode, serving the files of dir.
func startBaseline(dir, logFile string) (*process, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the benchmark binary to start the baseline: %w", err)
	}
	cmd := exec.Command(self, "-baseline", dir)
	p, err := startProcess(cmd, logFile, func(line string) (string, bool) {
		return strings.CutPrefix(line, baselineReady)
	})
	if err != nil {
		return nil, fmt.Errorf("start the baseline server: %w", err)
	}
	return p, nil
}

// startProcess starts cmd and, unless parse is nil, reads its standard output until parse
// finds the base URL in a line. Standard error, and standard output after that line, go to
// logFile.
func startProcess(cmd *exec.Cmd, logFile string, parse func(line string) (string, bool)) (*process, error) {
	log, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		log.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for parse != nil && sc.Scan() {
			if u, ok := parse(sc.Text()); ok {
				found <- u
				break
			}
		}
		_, _ = io.Copy(log, stdout)
		p.done <- cmd.Wait()
		log.Close()
	}()
	if parse == nil {
		return p, nil
	}
	select {
	case p.baseURL = <-found:
		return p, nil
	case err := <-p.done:
		return nil, fmt.Errorf("%s exited before it listened (log in %s): %v", cmd.Path, logFile, err)
	case <-time.After(startTimeout):
		p.stop()
		return nil, fmt.Errorf("%s printed no address within %s (log in %s)", cmd.Path, startTimeout, logFile)
	}
}

// waitReady polls url until it returns 200, or fails when p exits first.
func waitReady(ctx context.Context, p *process, url string) error {
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-p.done:
			p.done <- err // for stop, which waits on it too
			return fmt.Errorf("%s exited before %s returned 200: %v", p.cmd.Path, url, err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not return 200 within %s", url, startTimeout)
}

// stop interrupts the process, so that it shuts down cleanly, and kills it after 10 seconds.
func (p *process) stop() {
	if p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// vmRSS returns the resident memory of process pid in bytes, read from /proc (Linux only).
func vmRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, fmt.Errorf("parse VmRSS %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmRSS line in /proc/PID/status")
}

// clockTicks is the unit of the CPU times in /proc/PID/stat: USER_HZ, which is 100 on Linux
// for every common architecture. Reading it exactly needs sysconf(_SC_CLK_TCK), which Go
// exposes only through cgo.
const clockTicks = 100

// processCPU returns the user and system CPU time that process pid has used, read from
// /proc/PID/stat with a resolution of 10 ms (Linux only).
func processCPU(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, errors.New("no process id")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name in field 2 may contain spaces, so fields are counted after its ')'.
	_, rest, ok := strings.Cut(string(b), ") ")
	fields := strings.Fields(rest)
	if !ok || len(fields) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat: %.100s", pid, b)
	}
	var utime, stime int64
	if _, err := fmt.Sscan(fields[11], &utime); err != nil {
		return 0, fmt.Errorf("parse utime of /proc/%d/stat: %w", pid, err)
	}
	if _, err := fmt.Sscan(fields[12], &stime); err != nil {
		return 0, fmt.Errorf("parse stime of /proc/%d/stat: %w", pid, err)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// pid returns the process id, or 0 before the process started.
func (p *process) pid() int {
	if p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}
