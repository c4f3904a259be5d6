//! What every benchmark needs to measure and to print: memory read from `/proc` (Linux; `None`
//! elsewhere), medians and percentiles of timings, their formats, the machine's state, and a
//! scratch folder.

use crate::{BenchError, Result};
use std::path::PathBuf;
use std::time::Duration;

/// A field of a process's `/proc/…/status` in kB, as MiB.
fn status_mib(status: &str, name: &str) -> Option<f64> {
    let kb: f64 = status.lines().find(|l| l.starts_with(name))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Resident and peak resident memory (VmRSS, VmHWM) of a process in MiB.
pub fn memory_mib(pid: Option<u32>) -> (Option<f64>, Option<f64>) {
    let Some(status) = pid.and_then(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok()) else {
        return (None, None);
    };
    (status_mib(&status, "VmRSS:"), status_mib(&status, "VmHWM:"))
}

/// Resident memory (VmRSS) of a process in MiB.
pub fn rss_mib(pid: Option<u32>) -> Option<f64> {
    memory_mib(pid).0
}

/// A memory figure, or "n/a" where it could not be read.
pub fn mib(value: Option<f64>) -> String {
    value.map_or("n/a".to_string(), |v| format!("{v:.1} MiB"))
}

/// The median and the minimum of some timings (zero for none).
pub fn median(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    match (times.get(times.len() / 2), times.first()) {
        (Some(median), Some(min)) => (*median, *min),
        _ => (Duration::ZERO, Duration::ZERO),
    }
}

/// The `q` quantile (0.5 = median) of SORTED timings, by rank; zero for none.
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    let Some(last) = sorted.len().checked_sub(1) else { return Duration::ZERO };
    sorted[((sorted.len() as f64 * q) as usize).min(last)]
}

/// A duration in milliseconds with `decimals` digits after the point: "2.47 ms".
pub fn millis(d: Duration, decimals: usize) -> String {
    format!("{:.*} ms", decimals, d.as_secs_f64() * 1000.0)
}

/// A duration in seconds with two digits after the point: "1.25 s".
pub fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// The 1-minute load average: other work on the machine skews every figure.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "n/a".into())
}

/// Logical CPUs this process may use (0 when unknown).
pub fn available_cpus() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}

/// An empty folder `accord-bench-LABEL-PID` in the system's temporary folder (emptied first if
/// a process with the same id left one); the benchmark removes it when done.
pub fn temp_dir(label: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("accord-bench-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| BenchError::failed(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles_by_rank() {
        let ms = |n: u64| Duration::from_millis(n);
        assert_eq!(median(vec![ms(5), ms(1), ms(3), ms(9)]), (ms(5), ms(1)));
        assert_eq!(median(Vec::new()), (Duration::ZERO, Duration::ZERO));
        let sorted: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 0.5), ms(51));
        assert_eq!(percentile(&sorted, 0.99), ms(100));
        assert_eq!(percentile(&sorted, 1.0), ms(100));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
        assert_eq!(millis(Duration::from_micros(2470), 2), "2.47 ms");
        assert_eq!(millis(Duration::from_micros(2470), 1), "2.5 ms");
        assert_eq!(secs(Duration::from_millis(1250)), "1.25 s");
    }

    #[test]
    fn reads_memory_from_a_status_file() {
        let status = "Name:\taccord\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\n";
        assert_eq!(status_mib(status, "VmRSS:"), Some(10.0));
        assert_eq!(status_mib(status, "VmHWM:"), Some(20.0));
        assert_eq!(status_mib(status, "VmSwap:"), None);
    }
}
