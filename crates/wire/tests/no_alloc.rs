//! The hot path allocates nothing: decoding pipelined requests from a warm
//! buffer and encoding their answers into a warm output vector.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

use wire::{LineDecoder, ReadBuffer, Request};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn decoding_and_encoding_a_batch_does_not_allocate() {
    let mut dec = LineDecoder::new();
    let mut input = ReadBuffer::for_decoder(&dec);
    let mut output: Vec<u8> = Vec::with_capacity(64 * 1024);
    let batch = b"1+2*3\r\n2**100\n\xff\nexit\n".repeat(200);
    // Warm up: the buffer allocates its storage on first use.
    input.extend_from_slice(b"warm\n");
    while dec.decode(&mut input).is_some() {}

    // The counter does see allocations on this thread.
    let probe_start = allocations();
    drop(std::hint::black_box(Vec::<u8>::with_capacity(16)));
    assert_eq!(allocations() - probe_start, 1);

    let before = allocations();
    let mut answered = 0;
    let mut rest = &batch[..];
    while !rest.is_empty() {
        let n = input.extend_from_slice(rest);
        rest = &rest[n..];
        while let Some(item) = dec.decode(&mut input) {
            match item {
                Ok(Request::Eval(text)) => wire::encode_ok(&mut output, text.len()),
                Ok(Request::Exit) => wire::encode_bye(&mut output, Duration::from_millis(1234)),
                Err(e) => wire::encode_frame_error(&mut output, &e),
            }
            answered += 1;
        }
    }
    let after = allocations();
    assert_eq!(answered, 800);
    assert_eq!(after - before, 0, "allocations on the request path");
    assert!(output.starts_with(b"OK 5\nOK 6\nERR ValueError: "));
}
