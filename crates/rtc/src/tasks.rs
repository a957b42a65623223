//! Counting the session's tasks and threads, so that a hang-up provably stops them all.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Shared count of running tasks and threads.
#[derive(Clone, Default)]
pub struct TaskCounter(Arc<AtomicUsize>);

impl TaskCounter {
    /// A guard to keep inside a task or thread: counted until dropped.
    pub fn guard(&self) -> TaskGuard {
        self.0.fetch_add(1, Ordering::SeqCst);
        TaskGuard(Arc::clone(&self.0))
    }

    /// How many are running.
    pub fn running(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Counts one running task or thread.
pub struct TaskGuard(Arc<AtomicUsize>);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_count_until_dropped() {
        let c = TaskCounter::default();
        let a = c.guard();
        let b = c.guard();
        assert_eq!(c.running(), 2);
        drop(a);
        drop(b);
        assert_eq!(c.running(), 0);
    }
}
