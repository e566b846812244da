package harness

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Emulator is a bootstrap running under the Lambda Runtime Interface Emulator.
type Emulator struct {
	*Process
	URL string
}

// StartEmulator runs bootstrap under aws-lambda-rie, bound to 127.0.0.1
// (both the invoke address and the runtime API), with env added to the
// function's environment.
func StartEmulator(bootstrap string, env []string) (*Emulator, error) {
	bin, err := Find("aws-lambda-rie")
	if err != nil {
		return nil, err
	}
	invokePort, err := FreePort()
	if err != nil {
		return nil, err
	}
	runtimePort, err := FreePort()
	if err != nil {
		return nil, err
	}
	args := []string{
		"--runtime-interface-emulator-address", "127.0.0.1:" + itoa(invokePort),
		"--runtime-api-address", "127.0.0.1:" + itoa(runtimePort),
		bootstrap,
	}
	p, err := Start(bin, args, append(lambdaEnviron(), env...), filepath.Dir(bootstrap))
	if err != nil {
		return nil, err
	}
	e := &Emulator{Process: p, URL: "http://127.0.0.1:" + itoa(invokePort) + "/2015-03-31/functions/function/invocations"}
	if err := p.WaitHTTP("http://127.0.0.1:"+itoa(invokePort)+"/", 30*time.Second); err != nil {
		p.Stop()
		return nil, err
	}
	return e, nil
}

// lambdaEnviron is this process's environment less what Lambda never sets and the SDK acts
// on: AWS_CA_BUNDLE (a machine's proxy CA bundle) makes every SDK configuration parse it, 12
// ms of INIT a function does not pay in Lambda; the tests' endpoints are plain http.
func lambdaEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_CA_BUNDLE=") {
			env = append(env, kv)
		}
	}
	return env
}

// Invoke sends one event and returns the function's response payload.
func (e *Emulator) Invoke(payload []byte) ([]byte, error) {
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Post(e.URL, "application/json", bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return b, fmt.Errorf("invoke: status %d: %s", resp.StatusCode, b)
	}
	return b, nil
}

var initDuration = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// InitDuration is the INIT duration the emulator reported, if it has.
func (e *Emulator) InitDuration() (float64, bool) {
	m := initDuration.FindStringSubmatch(e.Output())
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}
