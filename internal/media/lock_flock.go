//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package media

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f without waiting. The kernel releases it when
// f is closed or its process dies, so a locked file in the media folder belongs to a download
// still running in some process, and an unlocked temporary file is a crash's leftover.
func lockFile(f *os.File) (locked bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}
