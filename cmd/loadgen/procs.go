package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// The measured processes (API, worker, Temporal server), read from /proc:
// CPU seconds used, and peak resident memory.

func parsePIDs(s string) (map[string]int, error) {
	pids := map[string]int{}
	for _, f := range list(s) {
		role, pid, ok := strings.Cut(f, "=")
		n, err := strconv.Atoi(pid)
		if !ok || err != nil || n <= 0 {
			return nil, fmt.Errorf("-pids: %q is not role=pid", f)
		}
		pids[role] = n
	}
	return pids, nil
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on
// every Linux this runs on.
const clockTicks = 100

// cpuSeconds is the user and system CPU time the process has used.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; fields are counted after its ")".
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too short", pid)
	}
	utime, err1 := strconv.ParseFloat(fields[11], 64)
	stime, err2 := strconv.ParseFloat(fields[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad CPU times", pid)
	}
	return (utime + stime) / clockTicks, nil
}

// memoryMiB returns the process's resident memory now and its peak (VmRSS, VmHWM).
func memoryMiB(pid int) (rss, peak float64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		key, val, _ := strings.Cut(line, ":")
		f := strings.Fields(val)
		if len(f) == 0 {
			continue
		}
		kib, _ := strconv.ParseFloat(f[0], 64)
		switch key {
		case "VmRSS":
			rss = kib / 1024
		case "VmHWM":
			peak = kib / 1024
		}
	}
	return rss, peak, nil
}

// cpuSnapshot is every measured process's CPU seconds at one moment.
type cpuSnapshot map[string]float64

func (b *bench) cpu() cpuSnapshot {
	s := cpuSnapshot{}
	for role, pid := range b.o.pids {
		if sec, err := cpuSeconds(pid); err == nil {
			s[role] = sec
		}
	}
	return s
}

// resourceFigures are the CPU used since before, per unit of work done
// (per confirmed order, say), and each process's memory.
func (b *bench) resourceFigures(prefix string, before cpuSnapshot, per float64, perLabel string) []figure {
	after := b.cpu()
	roles := make([]string, 0, len(after))
	for role := range after {
		roles = append(roles, role)
	}
	sort.Strings(roles)
	var out []figure
	for _, role := range roles {
		used := after[role] - before[role]
		out = append(out, figure{Key: prefix + ".cpu_s." + role, Label: role + " CPU", Unit: "s", Value: used})
		if per > 0 {
			out = append(out, figure{Key: prefix + ".cpu_ms_per." + role, Label: role + " CPU per " + perLabel, Unit: "ms", Value: used * 1000 / per})
		}
		if rss, peak, err := memoryMiB(b.o.pids[role]); err == nil {
			out = append(out,
				figure{Key: prefix + ".rss_mib." + role, Label: role + " RSS at end", Unit: "MiB", Value: rss},
				figure{Key: prefix + ".rss_peak_mib." + role, Label: role + " peak RSS so far", Unit: "MiB", Value: peak})
			if open := b.placed.Load(); role == "worker" && open > 0 {
				out = append(out,
					figure{Key: prefix + ".open_orders", Label: "orders open (waiting for shipment)", Value: float64(open)},
					figure{Key: prefix + ".rss_kib_per_open_order.worker", Label: "worker RSS growth per open order", Unit: "KiB",
						Value: (rss - b.startRSS[role]) * 1024 / float64(open)})
			}
		}
	}
	if _, ok := after["api"]; ok && per > 0 {
		if _, ok := after["worker"]; ok {
			used := after["api"] - before["api"] + after["worker"] - before["worker"]
			out = append(out, figure{Key: prefix + ".cpu_ms_per.platform", Label: "api and worker CPU per " + perLabel, Unit: "ms", Value: used * 1000 / per})
		}
	}
	return out
}
