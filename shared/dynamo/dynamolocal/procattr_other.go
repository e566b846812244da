//go:build !linux

package dynamolocal

import "syscall"

// procAttr puts DynamoDB Local in its own process group, so Stop can end
// it by its PID and the terminal's signals reach only the caller.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
