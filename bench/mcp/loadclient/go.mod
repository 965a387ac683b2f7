module claribi.local/bench/mcp/loadclient

go 1.22
