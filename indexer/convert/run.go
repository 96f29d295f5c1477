package convert

import (
	"bytes"
	"context"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// waitDelay is how long Wait waits for output pipes once the tool was
// killed: a grandchild that escaped the kill may hold them open.
const waitDelay = 2 * time.Second

// maxOutput caps what is kept of a tool's stdout and stderr.
const maxOutput = 64 << 10

// run is the outcome of running a tool.
type run struct {
	startErr error  // the tool could not be started at all
	err      error  // Wait's error: a non-zero exit, a signal
	out      string // stdout and stderr, capped
}

// runTool runs tool with args under the memory cap (via prlimit when it is
// installed: the limit is inherited by everything the tool forks) until it
// exits or ctx is done, when its whole process group is killed. It is the
// pattern of indexer/extract's runner, with output collected rather than
// streamed: LibreOffice and pdftoppm write files.
func runTool(ctx context.Context, maxMemory int64, env []string, tool string, args ...string) run {
	argv := append([]string{tool}, args...)
	if prlimit, err := exec.LookPath("prlimit"); err == nil {
		argv = append([]string{prlimit, "--as=" + strconv.FormatInt(maxMemory, 10), "--"}, argv...)
	}
	// No shell: the tool is one of ours and every path is one argument.
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...) //nolint:gosec // G204: our tool and flags, no shell
	killGroupOnCancel(cmd)
	cmd.WaitDelay = waitDelay
	cmd.Env = env
	var out capped
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return run{startErr: err}
	}
	err := cmd.Wait()
	return run{err: err, out: strings.ToValidUTF8(strings.TrimSpace(out.String()), "?")}
}

// capped keeps the first maxOutput bytes written to it.
type capped struct{ bytes.Buffer }

func (c *capped) Write(p []byte) (int, error) {
	if room := maxOutput - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// firstLine returns the first line of s that is not noise, for errors.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		// LibreOffice's wrapper warns about Java on every run.
		if line != "" && !strings.Contains(line, "javaldx") {
			if len(line) > 300 {
				line = line[:300]
			}
			return line
		}
	}
	return ""
}
