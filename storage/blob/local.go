package blob

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/stagecraft/stagecraft"
)

// Local is a BlobStore over a directory. The object with key "a/b" is the
// file <dir>/a/b; its content type lives in the sidecar <dir>/a/.b.meta.
// Keys never have dot segments, so sidecars and temporary files
// (<dir>/a/.b.tmp-*) cannot collide with objects.
//
// Because objects are files, a key cannot be both an object and a prefix of
// another ("a" and "a/b"); Put reports ECONFLICT in that case.
type Local struct {
	dir     string
	baseURL string
	secret  []byte

	// Now returns the current time; tests set it to check link expiry.
	Now func() time.Time
	// Logger records failures of the download handler and of directory
	// syncs after a Put. Nil means discard.
	Logger *slog.Logger
}

// localMeta is the sidecar content.
type localMeta struct {
	ContentType string `json:"content_type"`
}

var _ stagecraft.BlobStore = (*Local)(nil)

// NewLocal returns a store keeping files under dir, which it creates if
// needed. Signed URLs point at baseURL (the public URL where Handler is
// mounted, without the /blobs suffix) and are signed with secret, which
// must be at least 32 bytes.
func NewLocal(dir string, baseURL string, secret []byte) (*Local, error) {
	if dir == "" {
		return nil, errors.New("new local blob store: empty directory")
	}
	if len(secret) < 32 {
		return nil, errors.New("new local blob store: signing secret must be at least 32 bytes")
	}
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("new local blob store: base URL %q is not absolute", baseURL)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("new local blob store: %w", err)
	}
	return &Local{
		dir:     dir,
		baseURL: strings.TrimSuffix(baseURL, "/"),
		secret:  append([]byte(nil), secret...),
		Now:     time.Now,
	}, nil
}

// Put writes r to a temporary file beside the object, syncs it and renames
// it into place, so readers see either the old object or the complete new
// one, never a partial file.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (n int64, err error) {
	if err := validateKey(key); err != nil {
		return 0, err
	}
	ct, err := normalizeContentType(contentType)
	if err != nil {
		return 0, err
	}
	p := l.path(key)
	if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
		return 0, l.putErr(key, syscall.EISDIR)
	}
	dir, base := filepath.Split(p)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return 0, l.putErr(key, err)
	}

	data, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return 0, l.putErr(key, err)
	}
	meta, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		removeTemp(data)
		return 0, l.putErr(key, err)
	}
	defer func() {
		if err != nil {
			removeTemp(data)
			removeTemp(meta)
		}
	}()

	if n, err = copyBody(ctx, data, r, size); err != nil {
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	if err := json.NewEncoder(meta).Encode(localMeta{ContentType: ct}); err != nil {
		return 0, l.putErr(key, err)
	}
	// Closed before the renames, so that a failed write reported only
	// at close (on NFS, say) fails the Put instead of publishing a file.
	for _, f := range []*os.File{data, meta} {
		if err := f.Sync(); err != nil {
			return 0, l.putErr(key, err)
		}
		if err := f.Close(); err != nil {
			return 0, l.putErr(key, err)
		}
	}
	// Last chance to honour a cancellation: after the renames the object exists.
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	// The sidecar goes first: the data rename is what makes the object
	// visible, and it must find its content type already there.
	if err := os.Rename(meta.Name(), metaPath(p)); err != nil {
		return 0, l.putErr(key, err)
	}
	if err := os.Rename(data.Name(), p); err != nil {
		return 0, l.putErr(key, err)
	}
	// Sync the directory so the renames survive a crash; the object is
	// already visible, so a failure here is logged, not reported as a
	// failed Put.
	if err := syncDir(dir); err != nil {
		l.logger().Warn("blob directory sync failed", slog.String("key", key), slog.Any("error", err))
	}
	return n, nil
}

// syncDir flushes a directory's entries (creations, renames) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir) //nolint:gosec // G304: dir is the parent of a validated key's file under l.dir
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// copyBody copies r to w, stopping when ctx is done, and checks that
// exactly size bytes arrived when size is known.
func copyBody(ctx context.Context, w io.Writer, r io.Reader, size int64) (int64, error) {
	var src io.Reader = &ctxReader{ctx: ctx, r: r}
	if size >= 0 {
		src = &exactReader{r: src, left: size}
	}
	return pipeCopy(w, src)
}

// pipeCopy copies src to dst with reading and writing overlapped: the
// caller's goroutine fills 1 MiB buffers from src (for an upload: network,
// multipart parsing and hashing) while another writes full ones to dst.
// Writing to the page cache is a third of an upload's CPU time on its own,
// so overlapping it with the rest shortens large uploads markedly. A read
// error is returned as is (io.ErrUnexpectedEOF is an error here, not an
// end); a write error stops the reading.
func pipeCopy(dst io.Writer, src io.Reader) (int64, error) {
	const bufSize, buffers = 1 << 20, 3
	free := make(chan []byte, buffers)
	full := make(chan []byte, buffers)
	for range buffers {
		free <- make([]byte, bufSize)
	}
	var writeErr atomic.Value
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range full {
			if writeErr.Load() == nil {
				if _, err := dst.Write(b); err != nil {
					writeErr.Store(err)
				}
			}
			free <- b[:cap(b)]
		}
	}()
	var n int64
	var readErr error
	for readErr == nil && writeErr.Load() == nil {
		b := <-free
		k := 0
		for k < len(b) && readErr == nil {
			var m int
			m, readErr = src.Read(b[k:])
			k += m
		}
		if k > 0 {
			full <- b[:k]
			n += int64(k)
		}
	}
	close(full)
	<-done
	if err, _ := writeErr.Load().(error); err != nil {
		return n, err
	}
	if readErr == io.EOF {
		readErr = nil
	}
	return n, readErr
}

// ctxReader fails reads once ctx is done, so that a cancelled upload stops
// even while its source keeps producing data.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Open returns the object's file. Renames replace directory entries, not
// file contents, so an overwrite does not disturb a reader already open.
func (l *Local) Open(ctx context.Context, key string) (io.ReadCloser, stagecraft.BlobInfo, error) {
	f, info, err := l.open(ctx, key)
	if err != nil {
		return nil, stagecraft.BlobInfo{}, err
	}
	return f, info, nil
}

func (l *Local) open(ctx context.Context, key string) (*os.File, stagecraft.BlobInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, stagecraft.BlobInfo{}, err
	}
	if err := validateKey(key); err != nil {
		return nil, stagecraft.BlobInfo{}, err
	}
	// validateKey refuses dot segments, so the path stays under l.dir.
	f, err := os.Open(l.path(key))
	if err != nil {
		return nil, stagecraft.BlobInfo{}, l.statErr(key, err)
	}
	info, err := l.info(key, f)
	if err != nil {
		_ = f.Close() // read-only: nothing to lose
		return nil, stagecraft.BlobInfo{}, err
	}
	return f, info, nil
}

// Stat returns the object's info, or ENOTFOUND.
func (l *Local) Stat(ctx context.Context, key string) (stagecraft.BlobInfo, error) {
	f, info, err := l.open(ctx, key)
	if err != nil {
		return stagecraft.BlobInfo{}, err
	}
	_ = f.Close() // read-only and unread: nothing to lose
	return info, nil
}

// info describes the open object file f.
func (l *Local) info(key string, f *os.File) (stagecraft.BlobInfo, error) {
	fi, err := f.Stat()
	if err != nil {
		return stagecraft.BlobInfo{}, fmt.Errorf("stat %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		// A directory: the key is only a prefix of other keys.
		return stagecraft.BlobInfo{}, notFound(key, nil)
	}
	info := stagecraft.BlobInfo{Key: key, Size: fi.Size(), ContentType: defaultContentType, ModTime: fi.ModTime()}
	// A missing or unreadable sidecar costs only the content type.
	if b, err := os.ReadFile(metaPath(f.Name())); err == nil {
		var m localMeta
		if json.Unmarshal(b, &m) == nil && m.ContentType != "" {
			info.ContentType = m.ContentType
		}
	}
	return info, nil
}

// Delete removes the object and its sidecar. Empty directories are left in
// place: removing them would race with a Put creating a file in them.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := validateKey(key); err != nil {
		return err
	}
	p := l.path(key)
	fi, err := os.Lstat(p)
	switch {
	case isNotExist(err):
		return nil // missing: deleting is idempotent
	case err != nil:
		return fmt.Errorf("delete %s: %w", key, err)
	case fi.IsDir():
		return nil // only a prefix of other keys
	}
	// The data goes first so that the object disappears at once.
	for _, name := range []string{p, metaPath(p)} {
		if err := os.Remove(name); err != nil && !isNotExist(err) {
			return fmt.Errorf("delete %s: %w", key, err)
		}
	}
	return nil
}

// Ping checks that the directory is still there.
func (l *Local) Ping(context.Context) error {
	fi, err := os.Stat(l.dir)
	if err != nil {
		return fmt.Errorf("ping blob directory: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("ping blob directory: %s is not a directory", l.dir)
	}
	return nil
}

// path returns the file of a valid key.
func (l *Local) path(key string) string {
	return filepath.Join(l.dir, filepath.FromSlash(key))
}

// metaPath returns the sidecar of the object file p.
func metaPath(p string) string {
	dir, base := filepath.Split(p)
	return filepath.Join(dir, "."+base+".meta")
}

func (l *Local) putErr(key string, err error) error {
	// ENOTDIR: a parent of key is an object; EISDIR/EEXIST: key is a prefix
	// of other objects. Either way the key clashes with existing keys.
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.EEXIST) {
		return &stagecraft.Error{
			Code:    stagecraft.ECONFLICT,
			Message: fmt.Sprintf("Blob key %q clashes with an existing key.", key),
			Err:     err,
		}
	}
	return fmt.Errorf("put %s: %w", key, err)
}

func (l *Local) statErr(key string, err error) error {
	if isNotExist(err) {
		return notFound(key, err)
	}
	return fmt.Errorf("open %s: %w", key, err)
}

// isNotExist also counts ENOTDIR: "a/b" cannot exist when "a" is a file.
func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

func notFound(key string, err error) error {
	if err == nil {
		err = fmt.Errorf("%s is a directory", key)
	}
	return &stagecraft.Error{Code: stagecraft.ENOTFOUND, Message: "File not found.", Err: err}
}

// removeTemp closes and deletes a temporary file that was not renamed,
// after a failure that is already being reported: its own errors (the
// file may be closed already, or gone) would add nothing to that one.
func removeTemp(f *os.File) {
	_ = f.Close()
	_ = os.Remove(f.Name())
}
