//go:build !linux

package blobtest

import "syscall"

// sysProcAttr has no parent-death signal outside Linux; cleanups stop MinIO.
func sysProcAttr() *syscall.SysProcAttr { return nil }
