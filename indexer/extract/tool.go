package extract

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// waitDelay is how long Wait waits for the output pipes once the tool was
// killed: a grandchild that escaped the kill may hold them open.
const waitDelay = 2 * time.Second

// maxStderr caps the stderr kept from a tool; fuzzed PDFs make poppler
// print one warning per broken object.
const maxStderr = 64 << 10

// lookTool resolves a configured tool path, or name on PATH when path is "".
func lookTool(path, name string) (string, error) {
	if path == "" {
		path = name
	}
	return exec.LookPath(path)
}

// toolRun is the outcome of running an external tool.
type toolRun struct {
	startErr error  // the tool could not be started at all
	err      error  // Wait's error: a non-zero exit, a signal
	stopped  bool   // the sink refused more output, so the tool was killed
	stderr   string // the first stderr line, trimmed, for the error
	oom      bool   // the tool reported running out of memory
	password bool   // the tool reported an incorrect password
}

// runTool runs tool with args under the memory cap (via prlimit when it is
// installed) until it exits or ctx is done, passing its stdout to sink. When
// sink returns false the tool is killed and the run marked stopped.
func runTool(ctx context.Context, l Limits, tool string, args []string, sink func([]byte) bool) toolRun {
	argv := append([]string{tool}, args...)
	if prlimit, err := exec.LookPath("prlimit"); err == nil {
		// prlimit execs the tool, so the limit and the pid are the tool's.
		argv = append([]string{prlimit, "--as=" + strconv.FormatInt(l.MaxMemory, 10), "--"}, argv...)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	// No shell: the tool is one of ours (pdftotext, pdfinfo) and the file
	// is one argument, whatever its name.
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...) //nolint:gosec // G204: our tool and flags, no shell
	killGroupOnCancel(cmd)
	cmd.WaitDelay = waitDelay
	out := &sinkWriter{sink: sink, stop: stop}
	errOut := &stderrWriter{}
	cmd.Stdout, cmd.Stderr = out, errOut

	var run toolRun
	if err := cmd.Start(); err != nil {
		run.startErr = err
		return run
	}
	run.err = cmd.Wait()
	run.stopped = out.stopped
	run.oom, run.password = errOut.oom, errOut.password
	first, _, _ := strings.Cut(strings.TrimSpace(errOut.buf.String()), "\n")
	run.stderr = cutRunes(strings.ToValidUTF8(strings.TrimSpace(first), "?"), 300)
	return run
}

// errSinkFull stops the copy of a tool's output once the sink is full.
var errSinkFull = errors.New("output limit reached")

// sinkWriter passes a tool's stdout to a sink and kills the tool (through
// its context) when the sink wants no more.
type sinkWriter struct {
	sink    func([]byte) bool
	stop    context.CancelFunc
	stopped bool
}

func (w *sinkWriter) Write(p []byte) (int, error) {
	if w.stopped {
		return 0, errSinkFull
	}
	if !w.sink(p) {
		w.stopped = true
		w.stop()
		return 0, errSinkFull
	}
	return len(p), nil
}

// stderrWriter keeps the start of a tool's stderr and watches all of it for
// the few messages that decide the error kind, even past the kept part.
type stderrWriter struct {
	buf      bytes.Buffer
	tail     []byte // end of the previous write, for messages split in two
	oom      bool
	password bool
}

func (w *stderrWriter) Write(p []byte) (int, error) {
	if room := maxStderr - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(room, len(p))])
	}
	s := append(w.tail, p...)
	w.oom = w.oom || bytes.Contains(s, []byte("Out of memory")) || bytes.Contains(s, []byte("bad_alloc"))
	w.password = w.password || bytes.Contains(s, []byte("Incorrect password"))
	w.tail = append(w.tail[:0], s[max(0, len(s)-32):]...)
	return len(p), nil
}

// boundedBuffer is a sink that keeps at most max bytes and refuses more.
type boundedBuffer struct {
	bytes.Buffer
	max      int
	overflow bool
}

func (b *boundedBuffer) sink(p []byte) bool {
	if b.Len()+len(p) > b.max {
		b.overflow = true
		return false
	}
	b.Write(p)
	return true
}
