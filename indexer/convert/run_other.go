//go:build !unix

package convert

import "os/exec"

// killGroupOnCancel keeps exec's default of killing the process itself;
// WaitDelay still bounds the wait for pipes held by its children.
func killGroupOnCancel(cmd *exec.Cmd) {}
