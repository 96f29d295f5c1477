//go:build unix

package convert

import (
	"os/exec"
	"syscall"
)

// killGroupOnCancel runs the tool in its own process group and kills the
// whole group when its context is done: soffice is a wrapper script that
// starts oosplash, which starts soffice.bin, and all of them must die.
func killGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
