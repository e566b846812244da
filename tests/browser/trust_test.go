//go:build browser

package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestAnotherSiteCannotDriveTheRunner opens, in headless Chromium, a page on another site
// (http://localhost:<other port>, cross-site to the runner's 127.0.0.1) whose script posts
// to the runner as any page may without asking: a text/plain body to /_local/clock and to
// the Invoke API. Chromium sends its own Origin and Sec-Fetch-Site; the runner must refuse
// both, so the clock stays put. The page then reports that its posts were answered, so the
// test knows they were sent. Then the browser reaches the runner under a rebound name
// (--host-resolver-rules maps rebind.test to 127.0.0.1, as DNS rebinding would) and gets
// 403 forbidden instead of the published messages.
func TestAnotherSiteCannotDriveTheRunner(t *testing.T) {
	browser := chromium(t)
	const start = "2026-11-29T21:00:00Z"
	r := startRunner(t, "LOCAL_NOW="+start, "LOCAL_SCHEDULES=off", "LOCAL_DEV_USER=ops-viewer", "LOCAL_DEV_GROUPS=ops")
	c := newClient(t, r.URL)

	sent := make(chan string, 1)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/sent" {
			select {
			case sent <- req.URL.RawQuery:
			default:
			}
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><title>another site</title><script>
const post = (url, body) => fetch(url, {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body});
Promise.allSettled([
  post(%[1]q + "/_local/clock", '{"now":"2027-06-01T00:00:00Z"}'),
  post(%[1]q + "/2015-03-31/functions/BurnRateCheckFunction/invocations", "{}"),
]).then(rs => fetch("/sent?" + rs.map(r => r.status).join(",")));
</script>`, r.URL)
	}))
	defer site.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(site.URL, "http://"))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := browser.Run(ctx, "--virtual-time-budget=5000", "--dump-dom", "http://localhost:"+port+"/"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-sent:
		if got != "fulfilled,fulfilled" {
			t.Fatalf("the page's posts: %s, want both answered", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the other site's page never reported its posts")
	}
	status, _, b := c.do("GET", "/_local/clock", "", nil, nil)
	var clock struct{ Now time.Time }
	if status != 200 || json.Unmarshal(b, &clock) != nil {
		t.Fatalf("GET /_local/clock: %d %s", status, b)
	}
	if clock.Now.Year() != 2026 {
		t.Errorf("another site's page moved the runner's clock to %v", clock.Now)
	}

	// DNS rebinding: the same runner under a name that resolves to 127.0.0.1.
	_, runnerPort, _ := net.SplitHostPort(strings.TrimPrefix(r.URL, "http://"))
	dom, err := browser.Run(ctx, "--host-resolver-rules=MAP rebind.test 127.0.0.1", "--dump-dom",
		"http://rebind.test:"+runnerPort+"/_local/sns/messages")
	if err != nil {
		t.Fatal(err)
	}
	if s := string(dom); !strings.Contains(s, `"code":"forbidden"`) || strings.Contains(s, `"messages"`) {
		t.Errorf("the runner under a rebound name answered:\n%s\nwant 403 forbidden", s)
	}
}
