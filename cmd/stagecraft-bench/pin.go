package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// serverCPUs, when set, is the CPU list (taskset syntax) the servers a
// benchmark starts are pinned to, so that they do not compete with the
// load generator for the same cores.
var serverCPUs string

// command is exec.Command, under taskset when serverCPUs is set.
func command(name string, args ...string) *exec.Cmd {
	if serverCPUs == "" {
		return exec.Command(name, args...)
	}
	return exec.Command("taskset", append([]string{"-c", serverCPUs, name}, args...)...)
}

// pinSelf re-runs this program under taskset on cpus, once: a Go program
// cannot move its own threads once the runtime has started them.
func pinSelf(cpus string) error {
	if cpus == "" || os.Getenv("STAGECRAFT_BENCH_PINNED") == cpus {
		return nil
	}
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return fmt.Errorf("pinning needs taskset (util-linux): %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	env := append(os.Environ(), "STAGECRAFT_BENCH_PINNED="+cpus)
	return syscall.Exec(taskset, append([]string{"taskset", "-c", cpus, self}, os.Args[1:]...), env) //nolint:gosec // G204: our own binary, flags from the command line
}
