// Package store keeps igsource's state in SQLite: accounts with sealed tokens, instances, the
// media index, the hashtag ledger, the query cache and OAuth states.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/igsource/igsource/internal/clock"
	"github.com/igsource/igsource/internal/secrets"
)

// Sentinel errors, wrapped with the operation and the value. Test for them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
	ErrInUse    = errors.New("in use")
)

//go:embed migrations/sqlite/*.sql
var sqliteMigrations embed.FS

// maxReaders is the size of the read pool. WAL lets readers run beside the one writer.
const maxReaders = 8

// Store is igsource's storage. It is safe for concurrent use.
type Store struct {
	write  *sql.DB // a single connection, because SQLite allows one writer and _txlock=immediate locks at BEGIN
	read   *sql.DB
	sealer *secrets.Sealer
	clock  clock.Clock

	// Statements of the reads that every warm request makes, prepared once: modernc's SQLite
	// parses the SQL text again on each unprepared query, which took about a tenth of the
	// CPU of serving a cached media file (`go run ./bench -profile`).
	instanceByName *sql.Stmt
	mediaFile      *sql.Stmt
}

// Open opens or creates the SQLite database at path, applies pending migrations and checks
// that sealer holds the key the database was created with. It creates the database file 0600
// and removes group and other permissions from the database, -wal and -shm files on disk.
func Open(ctx context.Context, path string, sealer *secrets.Sealer, clk clock.Clock, opts ...Option) (*Store, error) {
	if sealer == nil {
		return nil, errors.New("open store: no sealer given; the store needs the encryption key to seal tokens")
	}
	if clk == nil {
		return nil, errors.New("open store: no clock given")
	}
	// The driver reads '?' as the start of its options, and ":memory:" would give each pooled
	// connection its own empty database.
	if path == "" || path == ":memory:" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open store: invalid database path %q: give a file path without '?' or '#'", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open store %s: create folder: %w", path, err)
	}

	o := options{logger: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	if err := restrictFileModes(path, o.logger); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{sealer: sealer, clock: clk}
	var err error
	if s.write, err = openPool(path, 1, false); err != nil {
		return nil, err
	}
	if s.read, err = openPool(path, maxReaders, true); err != nil {
		s.write.Close()
		return nil, err
	}
	if err := s.setUp(ctx, path); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// prepare prepares the statements of the hot reads on the read pool.
func (s *Store) prepare(ctx context.Context) error {
	var err error
	s.instanceByName, err = s.read.PrepareContext(ctx, "SELECT "+instanceColumns+" FROM instances WHERE name = $1")
	if err != nil {
		return fmt.Errorf("prepare the instance lookup: %w", err)
	}
	s.mediaFile, err = s.read.PrepareContext(ctx, "SELECT "+mediaColumns+" FROM media_files WHERE ref = $1")
	if err != nil {
		return fmt.Errorf("prepare the media file lookup: %w", err)
	}
	return nil
}

func openPool(path string, conns int, readOnly bool) (*sql.DB, error) {
	dsn := path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	if readOnly {
		dsn += "&_pragma=query_only(1)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	return db, nil
}

func (s *Store) setUp(ctx context.Context, path string) error {
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	if err := migrate(ctx, s.write); err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.checkKey(ctx); err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	return nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	migrations, err := fs.Sub(sqliteMigrations, "migrations/sqlite")
	if err != nil {
		return fmt.Errorf("read migrations: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectSQLite3, db, migrations,
		goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	var errs []error
	for _, stmt := range []*sql.Stmt{s.instanceByName, s.mediaFile} {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	return errors.Join(append(errs, s.read.Close(), s.write.Close())...)
}

// Ping checks that the database runs a query.
func (s *Store) Ping(ctx context.Context) error {
	var result int
	if err := s.read.QueryRowContext(ctx, "SELECT 1").Scan(&result); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// inTx runs fn in a write transaction and commits it when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
