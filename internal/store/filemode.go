package store

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
)

// Option configures Open.
type Option func(*options)

type options struct {
	logger *slog.Logger
}

// WithLogger sets the logger of Open, which logs when it restricts the mode of existing
// database files. Without it, Open logs nothing.
func WithLogger(logger *slog.Logger) Option {
	return func(o *options) {
		if logger != nil {
			o.logger = logger
		}
	}
}

// dbFileMode is the mode of the database file. SQLite's Unix VFS gives the -wal and -shm files
// it creates the mode of the database file, so they follow it.
const dbFileMode fs.FileMode = 0o600

// restrictFileModes creates the database file with dbFileMode before SQLite opens it, because
// SQLite would create it 0644 (less the umask). The database and its -wal and -shm files
// already on disk lose any group and other permissions, with a log line for each.
func restrictFileModes(path string, logger *slog.Logger) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, dbFileMode)
	if err == nil {
		// SQLite treats an empty file as an empty database.
		if err := f.Close(); err != nil {
			return fmt.Errorf("create database file: %w", err)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create database file: %w", err)
	}
	if runtime.GOOS == "windows" {
		return nil // Windows has no group or other permission bits to remove.
	}
	for _, file := range []string{path, path + "-wal", path + "-shm"} {
		if err := restrictFileMode(file, logger); err != nil {
			return err
		}
	}
	return nil
}

func restrictFileMode(file string, logger *slog.Logger) error {
	info, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check mode of %s: %w", file, err)
	}
	mode := info.Mode().Perm()
	if mode&0o077 == 0 {
		return nil
	}
	restricted := mode &^ 0o077
	if err := os.Chmod(file, restricted); err != nil {
		return fmt.Errorf("restrict mode of %s from %04o to %04o: %w", file, mode, restricted, err)
	}
	logger.Warn("Restricted a database file to its owner, because other local users could read it",
		"path", file, "old_mode", fmt.Sprintf("%04o", mode), "mode", fmt.Sprintf("%04o", restricted))
	return nil
}
