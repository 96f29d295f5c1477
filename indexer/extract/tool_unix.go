//go:build unix

package extract

import (
	"os/exec"
	"syscall"
)

// killGroupOnCancel runs the tool in its own process group and kills the
// whole group when its context is done, so that helpers it forked (or a
// wrapper script's children) die with it instead of holding its pipes.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
