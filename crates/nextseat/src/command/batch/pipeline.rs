//! An ordered parallel pipeline over plain threads: one reader fills numbered chunks,
//! `jobs` workers take chunk after chunk from one shared queue (whichever is free takes
//! the next), and the caller's thread hands the results to `write` in input order.
//!
//! Memory stays flat however long the input is. The queues are bounded; a chunk's
//! input buffers go back to the reader only once its results are written, and the
//! reader makes at most `2 × jobs + 2` of them, so the chunks read and not yet written
//! are bounded. Output buffers go back to the workers the same way, so after the first
//! few chunks nothing is allocated per chunk.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;

/// Why a pipeline stopped early.
#[derive(Debug)]
pub enum Failure<R, W> {
    /// Reading failed; the chunks read before were still processed and written.
    Read(R),
    /// Writing failed; the reader was stopped and nothing more was written.
    Write(W),
    /// A thread could not be started, or the reader panicked.
    Thread(String),
}

/// Runs the pipeline until the input ends, `stop` is set, or a stage fails.
///
/// - `new_input` makes an empty input buffer (at most `2 × jobs + 2` are made);
/// - `read` fills a buffer (reusing what it holds) and says whether it holds anything;
///   `false` ends the input;
/// - `make_worker` makes each worker's function, which turns an input buffer into an
///   output buffer (one that may still hold an earlier chunk's output: clear it first);
/// - `write` gets every chunk's input and output, in input order, on this thread.
pub fn run<In, Out, W, R, F>(
    jobs: usize,
    stop: &AtomicBool,
    new_input: impl Fn() -> In + Send,
    mut read: impl FnMut(&mut In) -> Result<bool, R> + Send,
    make_worker: impl Fn() -> W + Sync,
    mut write: impl FnMut(&In, &Out) -> Result<(), F>,
) -> Result<(), Failure<R, F>>
where
    In: Send,
    Out: Default + Send,
    W: FnMut(&mut In, &mut Out),
    R: Send,
{
    let jobs = jobs.max(1);
    let slots = 2 * jobs + 2;
    let (to_workers, chunks) = sync_channel::<(u64, In)>(jobs);
    let chunks = Mutex::new(chunks);
    let (done, finished) = sync_channel::<(u64, In, Out)>(slots);
    // Written chunks' input buffers go back to the reader, their output buffers to the
    // workers. Neither queue can fill: each holds at most the buffers in flight.
    let (inputs_back, spare_inputs) = sync_channel::<In>(slots);
    let (outputs_back, spare_outputs) = sync_channel::<Out>(slots + jobs);
    let spare_outputs = Mutex::new(spare_outputs);
    std::thread::scope(|scope| {
        for w in 0..jobs {
            let (done, chunks, spare_outputs, make_worker) =
                (done.clone(), &chunks, &spare_outputs, &make_worker);
            std::thread::Builder::new()
                .name(format!("batch-worker-{w}"))
                .spawn_scoped(scope, move || {
                    let mut work = make_worker();
                    loop {
                        // A worker that panicked while holding a lock ends the others.
                        let next = match chunks.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        let Ok((seq, mut input)) = next else {
                            return;
                        };
                        let mut output = match spare_outputs.lock() {
                            Ok(spare) => spare.try_recv().unwrap_or_default(),
                            Err(_) => return,
                        };
                        work(&mut input, &mut output);
                        if done.send((seq, input, output)).is_err() {
                            return;
                        }
                    }
                })
                .map_err(|e| Failure::Thread(format!("cannot start a worker thread: {e}")))?;
        }
        drop(done);
        let reader = std::thread::Builder::new()
            .name("batch-reader".into())
            .spawn_scoped(scope, move || -> Result<(), R> {
                let mut made = 0;
                for seq in 0u64.. {
                    if stop.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                    let mut input = match spare_inputs.try_recv() {
                        Ok(input) => input,
                        Err(_) if made < slots => {
                            made += 1;
                            new_input()
                        }
                        // Every buffer is in flight: wait for the oldest to be written.
                        Err(_) => match spare_inputs.recv() {
                            Ok(input) => input,
                            Err(_) => return Ok(()),
                        },
                    };
                    if !read(&mut input)? {
                        return Ok(());
                    }
                    if to_workers.send((seq, input)).is_err() {
                        return Ok(());
                    }
                }
                Ok(())
            })
            .map_err(|e| Failure::Thread(format!("cannot start the reader thread: {e}")))?;

        // Results arrive in whatever order the workers finish and are written in input
        // order. The queue ends when every worker has stopped, which they do once the
        // reader is done.
        let mut failure = None;
        let mut waiting: Vec<(u64, In, Out)> = Vec::with_capacity(slots);
        let mut next = 0u64;
        for result in finished.iter() {
            waiting.push(result);
            while let Some(i) = waiting.iter().position(|d| d.0 == next) {
                let (_, input, output) = waiting.swap_remove(i);
                next += 1;
                if failure.is_none()
                    && let Err(e) = write(&input, &output)
                {
                    failure = Some(e);
                    stop.store(true, Ordering::Relaxed);
                }
                let _ = outputs_back.try_send(output);
                let _ = inputs_back.try_send(input);
            }
        }
        // No more buffers will come back: a reader still waiting for one (only if a
        // worker died with a chunk) stops instead of waiting forever.
        drop(inputs_back);
        let read = reader
            .join()
            .map_err(|_| Failure::Thread("the reader thread failed".into()))?;
        match (failure, read) {
            (Some(e), _) => Err(Failure::Write(e)),
            (None, Err(e)) => Err(Failure::Read(e)),
            (None, Ok(())) => Ok(()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// What a test run wrote, how many input buffers it made, how many chunks it read,
    /// and how it ended.
    type Run = (Vec<u64>, usize, usize, Result<(), Failure<String, String>>);

    /// Chunks of `sizes[k]` numbers, counted from 0; each worker squares its chunk with
    /// an uneven amount of busy work so that chunks finish out of order.
    fn squares(
        jobs: usize,
        sizes: &[usize],
        fail_read_at: Option<usize>,
        fail_write_at: Option<usize>,
    ) -> Run {
        let made = AtomicUsize::new(0);
        let mut reads = 0usize;
        let mut next = 0u64;
        let mut written = Vec::new();
        let mut chunks_written = 0usize;
        let stop = AtomicBool::new(false);
        let result = run(
            jobs,
            &stop,
            || {
                made.fetch_add(1, Ordering::Relaxed);
                Vec::<u64>::new()
            },
            |input: &mut Vec<u64>| {
                if fail_read_at == Some(reads) {
                    return Err(format!("read {reads} failed"));
                }
                let Some(&n) = sizes.get(reads) else {
                    return Ok(false);
                };
                reads += 1;
                input.clear();
                input.extend(next..next + n as u64);
                next += n as u64;
                Ok(true)
            },
            || {
                |input: &mut Vec<u64>, out: &mut Vec<u64>| {
                    out.clear();
                    for &x in input.iter() {
                        let mut spin = x % 7 * 50;
                        while spin > 0 {
                            spin = std::hint::black_box(spin - 1);
                        }
                        out.push(x * x);
                    }
                }
            },
            |input: &Vec<u64>, out: &Vec<u64>| {
                assert_eq!(input.len(), out.len());
                if fail_write_at == Some(chunks_written) {
                    return Err("disk full".to_string());
                }
                chunks_written += 1;
                written.extend_from_slice(out);
                Ok(())
            },
        );
        (written, made.into_inner(), reads, result)
    }

    proptest::proptest! {
        #[test]
        fn results_come_out_in_input_order_with_bounded_buffers(
            jobs in 1usize..6,
            sizes in proptest::collection::vec(0usize..40, 0..60),
        ) {
            let (written, made, _, result) = squares(jobs, &sizes, None, None);
            proptest::prop_assert!(result.is_ok());
            let total: u64 = sizes.iter().map(|&n| n as u64).sum();
            let expected: Vec<u64> = (0..total).map(|x| x * x).collect();
            proptest::prop_assert_eq!(written, expected);
            proptest::prop_assert!(made <= 2 * jobs + 2, "{} buffers made", made);
        }
    }

    #[test]
    fn a_read_error_is_reported_after_what_was_read_is_written() {
        let (written, _, _, result) = squares(3, &[5; 20], Some(4), None);
        assert!(matches!(result, Err(Failure::Read(ref e)) if e == "read 4 failed"));
        let expected: Vec<u64> = (0..20).map(|x| x * x).collect();
        assert_eq!(written, expected);
    }

    #[test]
    fn a_write_error_stops_the_reader_and_is_reported() {
        let (written, _, reads, result) = squares(2, &[10; 1_000], None, Some(3));
        assert!(matches!(result, Err(Failure::Write(ref e)) if e == "disk full"));
        assert_eq!(written.len(), 30);
        assert!(reads < 1_000, "the reader went on to the end");
    }
}
