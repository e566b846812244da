package harness

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/websocket"
)

// Browser is a headless Chromium driven over the DevTools protocol, for flows of more than
// one page (sign in, then click): --dump-dom loads one page only. It listens for DevTools on
// 127.0.0.1 (a port of its own choosing, read from DevToolsActivePort) and is stopped, with
// its helpers, by its process group.
type Browser struct {
	cmd  *exec.Cmd
	ws   *websocket.Conn
	mu   sync.Mutex
	next int
}

// StartBrowser starts c's browser headless with remote debugging and attaches to its page.
func (c *Chromium) StartBrowser(ctx context.Context, width, height int) (*Browser, error) {
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + c.UserDataDir,
		"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
		"--remote-allow-origins=http://127.0.0.1", fmt.Sprintf("--window-size=%d,%d", width, height), "about:blank",
	}
	cmd := exec.Command(c.Bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b := &Browser{cmd: cmd}
	port, err := waitFile(ctx, filepath.Join(c.UserDataDir, "DevToolsActivePort"))
	if err != nil {
		b.Close()
		return nil, err
	}
	var targets []struct{ Type, WebSocketDebuggerURL string }
	for {
		resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&targets)
			resp.Body.Close()
		}
		if err == nil && len(targets) > 0 {
			break
		}
		if ctx.Err() != nil {
			b.Close()
			return nil, fmt.Errorf("no DevTools page target: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, t := range targets {
		if t.Type == "page" {
			if b.ws, err = websocket.Dial(t.WebSocketDebuggerURL, "", "http://127.0.0.1"); err != nil {
				b.Close()
				return nil, err
			}
			return b, nil
		}
	}
	b.Close()
	return nil, errors.New("the browser has no page target")
}

func waitFile(ctx context.Context, path string) (string, error) {
	for {
		if b, err := os.ReadFile(path); err == nil {
			if port, _, ok := strings.Cut(string(b), "\n"); ok && port != "" {
				return port, nil
			}
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("the browser wrote no %s", path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Close stops the browser and its helper processes.
func (b *Browser) Close() {
	if b.ws != nil {
		_ = b.ws.Close()
	}
	if b.cmd.Process != nil {
		_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		_, _ = b.cmd.Process.Wait()
	}
}

// Call sends one DevTools command and decodes its result into out (may be nil). Events the
// browser sends meanwhile are skipped.
func (b *Browser) Call(method string, params, out any) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	id := b.next
	if err := websocket.JSON.Send(b.ws, map[string]any{"id": id, "method": method, "params": params}); err != nil {
		return err
	}
	_ = b.ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		var msg struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := websocket.JSON.Receive(b.ws, &msg); err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
		if msg.ID != id {
			continue
		}
		if msg.Error != nil {
			return fmt.Errorf("%s: %s", method, msg.Error.Message)
		}
		if out != nil {
			return json.Unmarshal(msg.Result, out)
		}
		return nil
	}
}

// Navigate opens url in the page.
func (b *Browser) Navigate(url string) error {
	return b.Call("Page.navigate", map[string]any{"url": url}, nil)
}

// Eval evaluates a JavaScript expression in the page and returns its value as a string.
func (b *Browser) Eval(expr string) (string, error) {
	var out struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := b.Call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &out); err != nil {
		return "", err
	}
	if out.ExceptionDetails != nil {
		return "", fmt.Errorf("%s: %s", expr, out.ExceptionDetails.Text)
	}
	if s, ok := out.Result.Value.(string); ok {
		return s, nil
	}
	return fmt.Sprint(out.Result.Value), nil
}

// WaitFor polls the page until its URL has prefix and its document is loaded, and returns
// the URL.
func (b *Browser) WaitFor(ctx context.Context, prefix string) (string, error) {
	var last string
	for {
		if s, err := b.Eval(`document.readyState + " " + location.href`); err == nil {
			last = s
			if state, href, _ := strings.Cut(s, " "); state == "complete" && strings.HasPrefix(href, prefix) {
				return href, nil
			}
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("the page never reached %s (last: %s)", prefix, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Cookie is a cookie as the browser keeps it.
type Cookie struct {
	Name     string `json:"name"`
	Path     string `json:"path"`
	HTTPOnly bool   `json:"httpOnly"`
	Secure   bool   `json:"secure"`
	SameSite string `json:"sameSite"`
}

// Cookies are the browser's cookies for url.
func (b *Browser) Cookies(url string) ([]Cookie, error) {
	var out struct {
		Cookies []Cookie `json:"cookies"`
	}
	err := b.Call("Network.getCookies", map[string]any{"urls": []string{url}}, &out)
	return out.Cookies, err
}

// Screenshot is a PNG of the page at width x height (CSS pixels).
func (b *Browser) Screenshot(width, height int) ([]byte, error) {
	if err := b.Call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		return nil, err
	}
	var out struct {
		Data string `json:"data"`
	}
	if err := b.Call("Page.captureScreenshot", map[string]any{"format": "png"}, &out); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(out.Data)
}
