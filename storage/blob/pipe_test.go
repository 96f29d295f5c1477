package blob

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

type errAfter struct {
	r   io.Reader
	err error
}

func (e *errAfter) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, e.err
	}
	return n, err
}

type failWriter struct {
	limit, n int
}

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.limit {
		return 0, errors.New("disk full")
	}
	w.n += len(p)
	return len(p), nil
}

// countingReader counts what was read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestPipeCopy(t *testing.T) {
	data := make([]byte, 5<<20+123)
	rng := rand.NewChaCha8([32]byte{7})
	_, _ = rng.Read(data)

	for _, size := range []int{0, 1, 1 << 20, 1<<20 + 1, len(data)} {
		var out bytes.Buffer
		// iotest-style small reads exercise the buffer filling loop.
		n, err := pipeCopy(&out, io.LimitReader(bytes.NewReader(data), int64(size)))
		if err != nil || n != int64(size) || !bytes.Equal(out.Bytes(), data[:size]) {
			t.Errorf("size %d: n=%d err=%v equal=%v", size, n, err, bytes.Equal(out.Bytes(), data[:size]))
		}
	}

	for _, readErr := range []error{errors.New("connection reset"), io.ErrUnexpectedEOF} {
		_, err := pipeCopy(io.Discard, &errAfter{r: bytes.NewReader(data[:3<<20]), err: readErr})
		if !errors.Is(err, readErr) {
			t.Errorf("read error %v: got %v", readErr, err)
		}
	}

	src := &countingReader{r: bytes.NewReader(data)}
	_, err := pipeCopy(&failWriter{limit: 1 << 20}, src)
	if err == nil || err.Error() != "disk full" {
		t.Errorf("write error: got %v", err)
	}
	if src.n == int64(len(data)) {
		t.Error("a failed write did not stop the reading")
	}
}
