package io.mater.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ParallelTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    @Test
    void everyIndexRunsOnceInTheSameChunksForEveryCall() {
        for (int t : new int[] {1, 2, 3, 5}) {
            Parallel.setThreads(t);
            for (int n : new int[] {1, 2, 3, 7, 100, 1001}) {
                for (int round = 0; round < 50; round++) {
                    int[] hits = new int[n];
                    List<String> chunks = Collections.synchronizedList(new ArrayList<>());
                    Parallel.range(n, 1, (from, to) -> {
                        chunks.add(from + ".." + to);
                        for (int i = from; i < to; i++) hits[i]++;
                    });
                    int[] once = new int[n];
                    java.util.Arrays.fill(once, 1);
                    assertArrayEquals(once, hits, "threads " + t + ", n " + n);
                    int expected = Math.min(t, n);
                    assertEquals(expected, chunks.size(), "threads " + t + ", n " + n);
                    for (int c = 0; c < expected; c++) {
                        String want = Parallel.chunkStart(n, expected, c) + ".." + Parallel.chunkStart(n, expected, c + 1);
                        assertTrue(chunks.contains(want), want + " missing from " + chunks);
                    }
                }
            }
        }
    }

    @Test
    void chunksRunOnOtherThreads() {
        Parallel.setThreads(2);
        var names = Collections.synchronizedSet(new java.util.HashSet<String>());
        Parallel.range(2, 1, (from, to) -> names.add(Thread.currentThread().getName()));
        assertEquals(2, names.size(), names.toString());
        assertTrue(names.contains(Thread.currentThread().getName()), "the caller runs the first chunk: " + names);
    }

    @Test
    void failuresInAnyChunkReachTheCaller() {
        Parallel.setThreads(3);
        for (int bad = 0; bad < 3; bad++) {
            int which = bad;
            var e = assertThrows(IllegalStateException.class, () -> Parallel.range(3, 1, (from, to) -> {
                if (from == which) throw new IllegalStateException("chunk " + which);
            }));
            assertEquals("chunk " + which, e.getMessage());
            // and the pool still works afterwards
            var count = new AtomicInteger();
            Parallel.range(3, 1, (from, to) -> count.addAndGet(to - from));
            assertEquals(3, count.get());
        }
        var err = new AssertionError("from a worker");
        assertSame(err, assertThrows(AssertionError.class, () -> Parallel.range(2, 1, (from, to) -> {
            if (from == 1) throw err; // chunk 1 runs on a worker
        })));
    }

    @Test
    void nestedLoopsRunInline() {
        Parallel.setThreads(2);
        int[] inner = new int[2];
        Parallel.range(2, 1, (from, to) -> {
            var outer = Thread.currentThread();
            Parallel.range(4, 1, (f, t) -> {
                assertSame(outer, Thread.currentThread());
                synchronized (inner) {
                    inner[from] += t - f;
                }
            });
        });
        assertArrayEquals(new int[] {4, 4}, inner);
    }

    @Test
    void loopsFromSeveralThreadsAtOnceAllComplete() throws Exception {
        Parallel.setThreads(2);
        int callers = 4, rounds = 300, n = 64;
        var start = new CountDownLatch(1);
        var failures = Collections.synchronizedList(new ArrayList<Throwable>());
        var threads = new ArrayList<Thread>();
        for (int c = 0; c < callers; c++) {
            var th = new Thread(() -> {
                try {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        long[] sums = new long[n];
                        Parallel.range(n, 1, (from, to) -> {
                            for (int i = from; i < to; i++) sums[i] = (long) i * i;
                        });
                        for (int i = 0; i < n; i++) if (sums[i] != (long) i * i) throw new AssertionError("index " + i);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        start.countDown();
        for (var th : threads) th.join();
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void changingTheThreadCountBetweenLoops() {
        for (int t : new int[] {2, 4, 1, 3, 2}) {
            Parallel.setThreads(t);
            var count = new AtomicInteger();
            Parallel.range(10, 1, (from, to) -> count.addAndGet(to - from));
            assertEquals(10, count.get(), "threads " + t);
        }
    }

    @Test
    void setThreadsInsideALoopIsAnErrorNotAHang() {
        Parallel.setThreads(2);
        var e = assertThrows(IllegalStateException.class, () -> Parallel.range(2, 1, (from, to) -> Parallel.setThreads(3)));
        assertTrue(e.getMessage().contains("inside a parallel loop"), e.getMessage());
        assertEquals(2, Parallel.threads());
    }

    @Test
    void workersThatSleepAreWokenUp() throws Exception {
        // longer than the spin: the worker has parked, and the next loop must wake it
        Parallel.setThreads(2);
        for (int round = 0; round < 3; round++) {
            Thread.sleep(5);
            var count = new AtomicInteger();
            Parallel.range(2, 1, (from, to) -> count.addAndGet(to - from));
            assertEquals(2, count.get());
        }
    }
}
