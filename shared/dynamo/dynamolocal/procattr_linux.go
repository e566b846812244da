package dynamolocal

import "syscall"

// procAttr puts DynamoDB Local in its own process group, so Stop can end
// it by its PID and the terminal's signals reach only the caller. Pdeathsig
// stops it if the caller dies without calling Stop (SIGKILL, a test binary
// that times out): the kernel sends it when the thread that started the
// process exits, and Go's threads outlive their goroutines unless locked.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
