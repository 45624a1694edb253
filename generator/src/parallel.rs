//! Running independent jobs on every core, with results in job order.
//!
//! Generation has independent parts (one spec to parse and resolve, one crate to emit).
//! Running them side by side divides the wall time by the number of cores without changing
//! a byte of the output: results come back in the order the jobs were given.

use std::sync::Mutex;

/// A job: any closure that can run on another thread.
pub(crate) type Job<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

/// Runs `jobs` on up to as many threads as there are cores; returns their results in the
/// order of `jobs`. Give the longest jobs first: threads take jobs in order.
pub(crate) fn run_all<T: Send>(jobs: Vec<Job<'_, T>>) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    if threads <= 1 {
        return jobs.into_iter().map(|job| job()).collect();
    }
    let count = jobs.len();
    let queue = Mutex::new(jobs.into_iter().enumerate());
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..count).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                // A poisoned lock means another job panicked; that panic is re-raised
                // when the scope joins, so this thread just stops.
                let Some((index, job)) = queue.lock().ok().and_then(|mut q| q.next()) else {
                    return;
                };
                let result = job();
                if let Ok(mut results) = results.lock() {
                    results[index] = Some(result);
                }
            });
        }
    });
    // Every slot is filled: a job that panicked has re-raised its panic when the scope
    // joined, so a missing result here would be a bug of this function.
    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .map(|result| result.expect("every job ran and stored its result"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{run_all, Job};

    #[test]
    fn results_keep_job_order() {
        let jobs: Vec<Job<'_, usize>> = (0..20_usize)
            .map(|i| {
                Box::new(move || {
                    std::thread::sleep(std::time::Duration::from_millis((20 - i) as u64));
                    i
                }) as Job<'_, usize>
            })
            .collect();
        assert_eq!(run_all(jobs), (0..20).collect::<Vec<_>>());
    }
}
