// Command loadclient drives an MCP Streamable HTTP server (clariBI or the TypeScript SDK's
// reference server) for bench/mcp. Standard library only; loopback only; every loop is bounded.
//
//	loadclient calls -target ours=http://127.0.0.1:P1/mcp/v1/ -target ts=http://127.0.0.1:P2/mcp/v1/ \
//	    -workers 8 -warmup 5s -duration 20s -rounds 4
//	    each worker initializes its own session, then issues tools/call check_pricing back to back
//	    over one keep-alive connection; the servers take turns in rounds; prints one JSON line per
//	    server with calls/s and latency percentiles.
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
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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

// callCheckPricing returns the response body's size in bytes.
func (c *client) callCheckPricing(session string, id int) (int, error) {
	status, _, payload, err := c.post(session, callBody(id))
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK || !bytes.Contains(payload, structured) || bytes.Contains(payload, isError) {
		return 0, fmt.Errorf("tools/call: HTTP %d: %.200s", status, payload)
	}
	return len(payload), nil
}

type callsReport struct {
	Label       string  `json:"label"`
	Workers     int     `json:"workers"`
	Rounds      int     `json:"rounds"`
	DurationSec float64 `json:"duration_seconds"`
	Calls       int     `json:"calls"`
	Errors      int64   `json:"errors"`
	FirstError  string  `json:"first_error,omitempty"`
	CallsPerSec float64 `json:"calls_per_second"`
	RoundRates  []int   `json:"round_calls_per_second"`
	P50Millis   float64 `json:"p50_ms"`
	P90Millis   float64 `json:"p90_ms"`
	P99Millis   float64 `json:"p99_ms"`
	MaxMillis   float64 `json:"max_ms"`
	WarmupCalls int     `json:"warmup_calls"`
	// ServerCPUMicrosPerCall is the server process's user+system CPU during its measured rounds
	// divided by its calls; 0 when no -pid was given for it.
	ServerCPUMicrosPerCall float64 `json:"server_cpu_us_per_call"`
	ResponseBytes          int64   `json:"response_bytes"`
}

// processCPU is the user+system CPU a local process has used, from /proc/<pid>/stat (USER_HZ 100).
func processCPU(pid int) (time.Duration, error) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	text := string(stat)
	fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	user, err := strconv.ParseInt(fields[11], 10, 64)
	if err != nil {
		return 0, err
	}
	system, err := strconv.ParseInt(fields[12], 10, 64)
	if err != nil {
		return 0, err
	}
	return time.Duration(user+system) * 10 * time.Millisecond, nil
}

// target is one server under load: its client, one session per worker, and what was measured.
type target struct {
	label      string
	client     *client
	sessions   []string
	latencies  []time.Duration
	elapsed    time.Duration
	roundRates []int
	warmCalls  int
	pid        int
	cpu        time.Duration
	errors     atomic.Int64
	firstError atomic.Value
	// responseBytes is the size of the latest successful tools/call response body.
	responseBytes atomic.Int64
}

func newTarget(label, endpoint string, workers int) (*target, error) {
	c, err := newClient(endpoint, workers)
	if err != nil {
		return nil, err
	}
	t := &target{label: label, client: c, sessions: make([]string, workers)}
	for i := range t.sessions {
		if t.sessions[i], err = c.openSession(); err != nil {
			return nil, fmt.Errorf("%s: %w", label, err)
		}
	}
	return t, nil
}

// phase runs every worker back to back for length and returns the successful calls' latencies.
func (t *target) phase(length time.Duration, maxCalls int, record bool) ([]time.Duration, time.Duration) {
	perWorker := make([][]time.Duration, len(t.sessions))
	var group sync.WaitGroup
	start := time.Now()
	deadline := start.Add(length)
	for worker := range t.sessions {
		group.Add(1)
		go func(worker int) {
			defer group.Done()
			samples := make([]time.Duration, 0, 1<<14)
			for id := 1; id <= maxCalls; id++ {
				began := time.Now()
				if !began.Before(deadline) {
					break
				}
				size, err := t.client.callCheckPricing(t.sessions[worker], id)
				if err != nil {
					if record {
						t.errors.Add(1)
						t.firstError.CompareAndSwap(nil, err.Error())
					}
					continue
				}
				samples = append(samples, time.Since(began))
				t.responseBytes.Store(int64(size))
			}
			perWorker[worker] = samples
		}(worker)
	}
	group.Wait()
	var all []time.Duration
	for _, samples := range perWorker {
		all = append(all, samples...)
	}
	return all, time.Since(start)
}

func (t *target) report(rounds int) callsReport {
	all := t.latencies
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	percentile := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000
	}
	report := callsReport{
		Label:         t.label,
		Workers:       len(t.sessions),
		Rounds:        rounds,
		DurationSec:   t.elapsed.Seconds(),
		Calls:         len(all),
		Errors:        t.errors.Load(),
		CallsPerSec:   float64(len(all)) / t.elapsed.Seconds(),
		RoundRates:    t.roundRates,
		P50Millis:     percentile(0.50),
		P90Millis:     percentile(0.90),
		P99Millis:     percentile(0.99),
		MaxMillis:     percentile(1.0),
		WarmupCalls:   t.warmCalls,
		ResponseBytes: t.responseBytes.Load(),
	}
	if message, ok := t.firstError.Load().(string); ok {
		report.FirstError = message
	}
	if t.pid > 0 && len(all) > 0 {
		report.ServerCPUMicrosPerCall = float64(t.cpu.Microseconds()) / float64(len(all))
	}
	return report
}

// runCalls measures one server, or several given as label=url pairs. With several, the measured
// time is split into rounds that alternate between them, so a change in the machine's background
// load (a shared build machine) hits every server alike.
func runCalls(arguments []string) error {
	flags := flag.NewFlagSet("calls", flag.ExitOnError)
	var targets []string
	flags.Func("target", "label=url of an MCP endpoint; repeat to compare servers", func(value string) error {
		targets = append(targets, value)
		return nil
	})
	pids := map[string]int{}
	flags.Func("pid", "label=pid of a target's local server process, to report its CPU per call", func(value string) error {
		label, text, found := strings.Cut(value, "=")
		pid, err := strconv.Atoi(text)
		if !found || err != nil || pid <= 0 {
			return fmt.Errorf("pid %q is not label=pid", value)
		}
		pids[label] = pid
		return nil
	})
	workers := flags.Int("workers", 8, "concurrent workers per server, one session and one connection each")
	warmup := flags.Duration("warmup", 5*time.Second, "unrecorded warm-up per server")
	duration := flags.Duration("duration", 20*time.Second, "recorded time per server, split into rounds")
	rounds := flags.Int("rounds", 4, "alternating rounds")
	maxCalls := flags.Int("max-calls", 5_000_000, "upper bound on calls per worker and round")
	flags.Parse(arguments)
	if len(targets) == 0 || len(targets) > 4 {
		return errors.New("give 1 to 4 -target label=url")
	}
	if *workers < 1 || *workers > 256 || *duration <= 0 || *duration > 10*time.Minute || *rounds < 1 || *rounds > 100 {
		return errors.New("workers must be 1..256, duration 0..10m, rounds 1..100")
	}
	var servers []*target
	var err error
	for _, value := range targets {
		label, endpoint, found := strings.Cut(value, "=")
		if !found {
			return fmt.Errorf("target %q is not label=url", value)
		}
		server, err := newTarget(label, endpoint, *workers)
		if err != nil {
			return err
		}
		server.pid = pids[label]
		servers = append(servers, server)
	}
	for _, server := range servers {
		warm, _ := server.phase(*warmup, *maxCalls, false)
		server.warmCalls = len(warm)
	}
	roundLength := *duration / time.Duration(*rounds)
	for round := 0; round < *rounds; round++ {
		for _, server := range servers {
			var before time.Duration
			if server.pid > 0 {
				if before, err = processCPU(server.pid); err != nil {
					return err
				}
			}
			samples, elapsed := server.phase(roundLength, *maxCalls, true)
			if server.pid > 0 {
				after, err := processCPU(server.pid)
				if err != nil {
					return err
				}
				server.cpu += after - before
			}
			server.latencies = append(server.latencies, samples...)
			server.elapsed += elapsed
			server.roundRates = append(server.roundRates, int(float64(len(samples))/elapsed.Seconds()))
		}
	}
	encoder := json.NewEncoder(os.Stdout)
	for _, server := range servers {
		if err := encoder.Encode(server.report(*rounds)); err != nil {
			return err
		}
	}
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return err
	}
	cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
	return encoder.Encode(map[string]any{"label": "loadclient", "cpu_seconds": cpu.Seconds()})
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
		fmt.Fprintln(os.Stderr, "usage: loadclient calls -target label=url [-target label=url] [flags] | sessions -url url [flags]")
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
