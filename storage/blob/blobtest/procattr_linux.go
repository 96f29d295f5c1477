package blobtest

import "syscall"

// sysProcAttr makes the kernel kill MinIO if the test binary dies without
// running its cleanups (a panic in another goroutine, a -timeout kill), so
// no server outlives its test.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
