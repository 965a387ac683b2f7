// Command loadclient drives an MCP Streamable HTTP server (clariBI or the TypeScript SDK's
// reference server) for bench/mcp. Standard library only; loopback only; every loop is bounded.
//
//	loadclient calls -url http://127.0.0.1:PORT/mcp/v1/ -workers 8 -warmup 5s -duration 20s
//	    each worker initializes its own session, then issues tools/call check_pricing back to back
//	    over one keep-alive connection; prints calls/s and latency percentiles as one JSON line.
//	loadclient sessions -url ... -count 10000 -concurrency 16
//	    opens count sessions (initialize + notifications/initialized) and leaves them idle.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const protocolVersion = "2025-11-25"

type client struct {
	http     *http.Client
	endpoint string
}

func newClient(endpoint string, connections int) (*client, error) {
	parsed, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	host := parsed.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("refusing non-loopback host %q", host)
	}
	transport := &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        connections,
		MaxIdleConnsPerHost: connections,
		MaxConnsPerHost:     connections,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	}
	return &client{http: &http.Client{Transport: transport, Timeout: 30 * time.Second}, endpoint: endpoint}, nil
}

// post sends one JSON-RPC message and returns the status, the session header and the whole body
// (a JSON object or an SSE stream, read to its end so the connection can be reused).
func (c *client) post(session string, body []byte) (int, string, []byte, error) {
	request, err := http.NewRequest(http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, "", nil, err
	}
	request.Header.Set("Content-Type", "application/json")
	request.Header.Set("Accept", "application/json, text/event-stream")
	request.Header.Set("MCP-Protocol-Version", protocolVersion)
	if session != "" {
		request.Header.Set("MCP-Session-Id", session)
	}
	response, err := c.http.Do(request)
	if err != nil {
		return 0, "", nil, err
	}
	defer response.Body.Close()
	payload, err := io.ReadAll(io.LimitReader(response.Body, 1<<20))
	if err != nil {
		return 0, "", nil, err
	}
	return response.StatusCode, response.Header.Get("Mcp-Session-Id"), payload, nil
}

var initializeBody = []byte(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"` + protocolVersion +
	`","capabilities":{},"clientInfo":{"name":"claribi-bench","version":"1.0.0"}}}`)
var initializedBody = []byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)

func (c *client) openSession() (string, error) {
	status, session, payload, err := c.post("", initializeBody)
	if err != nil {
		return "", err
	}
	if status != http.StatusOK || session == "" || !bytes.Contains(payload, []byte(`"protocolVersion"`)) {
		return "", fmt.Errorf("initialize: HTTP %d, session %q: %.200s", status, session, payload)
	}
	status, _, payload, err = c.post(session, initializedBody)
	if err != nil {
		return "", err
	}
	if status != http.StatusAccepted {
		return "", fmt.Errorf("notifications/initialized: HTTP %d: %.200s", status, payload)
	}
	return session, nil
}

func callBody(id int) []byte {
	return []byte(`{"jsonrpc":"2.0","id":` + strconv.Itoa(id) +
		`,"method":"tools/call","params":{"name":"check_pricing","arguments":{}}}`)
}

var (
	structured = []byte(`"structuredContent"`)
	isError    = []byte(`"isError":true`)
)

func (c *client) callCheckPricing(session string, id int) error {
	status, _, payload, err := c.post(session, callBody(id))
	if err != nil {
		return err
	}
	if status != http.StatusOK || !bytes.Contains(payload, structured) || bytes.Contains(payload, isError) {
		return fmt.Errorf("tools/call: HTTP %d: %.200s", status, payload)
	}
	return nil
}

type callsReport struct {
	Label        string  `json:"label"`
	Workers      int     `json:"workers"`
	DurationSec  float64 `json:"duration_seconds"`
	Calls        int     `json:"calls"`
	Errors       int64   `json:"errors"`
	FirstError   string  `json:"first_error,omitempty"`
	CallsPerSec  float64 `json:"calls_per_second"`
	P50Millis    float64 `json:"p50_ms"`
	P90Millis    float64 `json:"p90_ms"`
	P99Millis    float64 `json:"p99_ms"`
	MaxMillis    float64 `json:"max_ms"`
	WarmupCalls  int     `json:"warmup_calls"`
	WarmupSecond float64 `json:"warmup_seconds"`
}

func runCalls(arguments []string) error {
	flags := flag.NewFlagSet("calls", flag.ExitOnError)
	endpoint := flags.String("url", "", "MCP endpoint, e.g. http://127.0.0.1:8080/mcp/v1/")
	label := flags.String("label", "server", "name printed in the report")
	workers := flags.Int("workers", 8, "concurrent workers, one session and one connection each")
	warmup := flags.Duration("warmup", 5*time.Second, "unrecorded warm-up")
	duration := flags.Duration("duration", 20*time.Second, "recorded run")
	maxCalls := flags.Int("max-calls", 5_000_000, "upper bound on recorded calls per worker")
	flags.Parse(arguments)
	if *workers < 1 || *workers > 256 || *duration <= 0 || *duration > 10*time.Minute {
		return errors.New("workers must be 1..256 and duration 0..10m")
	}
	c, err := newClient(*endpoint, *workers)
	if err != nil {
		return err
	}
	sessions := make([]string, *workers)
	for i := range sessions {
		if sessions[i], err = c.openSession(); err != nil {
			return err
		}
	}

	var errorCount atomic.Int64
	var firstError atomic.Value
	phase := func(length time.Duration, record bool) ([][]time.Duration, time.Duration) {
		latencies := make([][]time.Duration, *workers)
		var group sync.WaitGroup
		start := time.Now()
		deadline := start.Add(length)
		for worker := 0; worker < *workers; worker++ {
			group.Add(1)
			go func(worker int) {
				defer group.Done()
				samples := make([]time.Duration, 0, 1<<16)
				for id := 1; id <= *maxCalls; id++ {
					began := time.Now()
					if !began.Before(deadline) {
						break
					}
					if err := c.callCheckPricing(sessions[worker], id); err != nil {
						if record {
							errorCount.Add(1)
							firstError.CompareAndSwap(nil, err.Error())
						}
						continue
					}
					samples = append(samples, time.Since(began))
				}
				latencies[worker] = samples
			}(worker)
		}
		group.Wait()
		return latencies, time.Since(start)
	}

	warm, warmElapsed := phase(*warmup, false)
	warmCalls := 0
	for _, samples := range warm {
		warmCalls += len(samples)
	}
	measured, elapsed := phase(*duration, true)
	var all []time.Duration
	for _, samples := range measured {
		all = append(all, samples...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	percentile := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		index := int(float64(len(all)-1) * p)
		return float64(all[index].Microseconds()) / 1000
	}
	report := callsReport{
		Label:        *label,
		Workers:      *workers,
		DurationSec:  elapsed.Seconds(),
		Calls:        len(all),
		Errors:       errorCount.Load(),
		CallsPerSec:  float64(len(all)) / elapsed.Seconds(),
		P50Millis:    percentile(0.50),
		P90Millis:    percentile(0.90),
		P99Millis:    percentile(0.99),
		MaxMillis:    percentile(1.0),
		WarmupCalls:  warmCalls,
		WarmupSecond: warmElapsed.Seconds(),
	}
	if message, ok := firstError.Load().(string); ok {
		report.FirstError = message
	}
	return json.NewEncoder(os.Stdout).Encode(report)
}

type sessionsReport struct {
	Opened       int     `json:"opened"`
	Failed       int64   `json:"failed"`
	FirstError   string  `json:"first_error,omitempty"`
	Seconds      float64 `json:"seconds"`
	PerSecond    float64 `json:"sessions_per_second"`
	Concurrency  int     `json:"concurrency"`
	RequestedNum int     `json:"requested"`
}

func runSessions(arguments []string) error {
	flags := flag.NewFlagSet("sessions", flag.ExitOnError)
	endpoint := flags.String("url", "", "MCP endpoint")
	count := flags.Int("count", 10_000, "sessions to open")
	concurrency := flags.Int("concurrency", 16, "sessions opened at once")
	flags.Parse(arguments)
	if *count < 1 || *count > 1_000_000 || *concurrency < 1 || *concurrency > 256 {
		return errors.New("count must be 1..1000000 and concurrency 1..256")
	}
	c, err := newClient(*endpoint, *concurrency)
	if err != nil {
		return err
	}
	var next, opened, failed atomic.Int64
	var firstError atomic.Value
	var group sync.WaitGroup
	start := time.Now()
	for worker := 0; worker < *concurrency; worker++ {
		group.Add(1)
		go func() {
			defer group.Done()
			for next.Add(1) <= int64(*count) {
				if _, err := c.openSession(); err != nil {
					failed.Add(1)
					firstError.CompareAndSwap(nil, err.Error())
					continue
				}
				opened.Add(1)
			}
		}()
	}
	group.Wait()
	elapsed := time.Since(start)
	report := sessionsReport{
		Opened:       int(opened.Load()),
		Failed:       failed.Load(),
		Seconds:      elapsed.Seconds(),
		PerSecond:    float64(opened.Load()) / elapsed.Seconds(),
		Concurrency:  *concurrency,
		RequestedNum: *count,
	}
	if message, ok := firstError.Load().(string); ok {
		report.FirstError = message
	}
	return json.NewEncoder(os.Stdout).Encode(report)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadclient calls|sessions -url http://127.0.0.1:PORT/mcp/v1/ [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "calls":
		err = runCalls(os.Args[2:])
	case "sessions":
		err = runSessions(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadclient:", err)
		os.Exit(1)
	}
}
