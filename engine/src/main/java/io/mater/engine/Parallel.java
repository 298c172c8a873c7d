package io.mater.engine;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's one bounded thread pool. Work is split into a fixed number of contiguous chunks that
 * depends only on the thread count, so the same thread count always gives bit-identical results.
 *
 * <p>The thread count comes from {@link #setThreads(int)}, else {@code -Dmater.threads}, else the number
 * of available processors.
 *
 * <p>A training step forks hundreds of small loops, so a fork must be cheap. Waking a parked thread took about
 * 100 µs on the 2-core VM this was measured on, longer than many of those loops; so a worker that has just
 * finished a chunk spins for a while ({@code -Dmater.spin.us}, default 200) before it parks, and the caller
 * spins the same way while it waits for the workers.
 */
public final class Parallel {
    /** Body of a parallel loop over the half-open range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static volatile int threads = initialThreads();
    private static final long SPIN_NS = spinMicros() * 1000L;
    private static Pool pool;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    private static int initialThreads() {
        var prop = System.getProperty("mater.threads");
        if (prop != null && !prop.isBlank()) {
            try {
                int t = Integer.parseInt(prop.trim());
                if (t >= 1) return t;
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("-Dmater.threads must be a positive integer, got '" + prop + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static long spinMicros() {
        var prop = System.getProperty("mater.spin.us");
        if (prop == null || prop.isBlank()) return 200;
        try {
            long us = Long.parseLong(prop.trim());
            if (us >= 0) return us;
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("-Dmater.spin.us must be a non-negative integer (microseconds), got '" + prop + "'");
    }

    /** Number of threads parallel loops use. */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads (>= 1). Takes effect for the next parallel loop. Not from inside a loop's body: the
     * old pool is shut down once its loop is over, which that body would wait for.
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (INSIDE.get()) throw new IllegalStateException("Parallel.setThreads called from inside a parallel loop's body");
        if (n != threads) {
            threads = n;
            if (pool != null) {
                pool.shutdown();
                pool = null;
            }
        }
    }

    private static synchronized Pool pool(int workers) {
        if (pool == null || pool.workers.length != workers) {
            if (pool != null) pool.shutdown();
            pool = new Pool(workers);
        }
        return pool;
    }

    /**
     * Runs body over [0, n) in at most {@link #threads()} contiguous chunks; chunks are not split further
     * below {@code grain} iterations. The caller runs the first chunk. Nested calls run inline; a call made while
     * another thread's loop holds the pool runs its chunks one after another on the calling thread.
     */
    public static void range(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int t = threads;
        int chunks = Math.min(t, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || INSIDE.get()) {
            body.run(0, n);
            return;
        }
        var p = pool(t - 1);
        if (!p.lock.tryLock()) {
            runInline(n, chunks, body);
            return;
        }
        try {
            if (p.closed) runInline(n, chunks, body); // setThreads replaced this pool meanwhile
            else p.fork(n, chunks, body);
        } finally {
            p.lock.unlock();
        }
    }

    /** The same chunks one after another on the calling thread (so the same results). */
    private static void runInline(int n, int chunks, RangeBody body) {
        INSIDE.set(true);
        try {
            for (int c = 0; c < chunks; c++) body.run(chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
        } finally {
            INSIDE.set(false);
        }
    }

    /** Start of chunk c when [0, n) is cut into `chunks` near-equal contiguous pieces. */
    public static int chunkStart(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    /** Worker threads, each with a one-chunk mailbox; one loop at a time (the lock). */
    private static final class Pool {
        final ReentrantLock lock = new ReentrantLock();
        final Worker[] workers;
        volatile boolean closed;

        Pool(int count) {
            workers = new Worker[count];
            for (int i = 0; i < count; i++) {
                workers[i] = new Worker();
                var thread = new Thread(workers[i], "mater-worker-" + (i + 1));
                thread.setDaemon(true);
                workers[i].thread = thread;
                thread.start();
            }
        }

        /** Chunk 0 on the calling thread, chunk c on worker c - 1; rethrows the first failure. */
        void fork(int n, int chunks, RangeBody body) {
            var caller = Thread.currentThread();
            for (int c = 1; c < chunks; c++) workers[c - 1].post(caller, body, chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1));
            Throwable failure = null;
            INSIDE.set(true);
            try {
                body.run(0, chunkStart(n, chunks, 1));
            } catch (Throwable e) {
                failure = e;
            } finally {
                INSIDE.set(false);
            }
            // wait for the workers: spin, then park (each worker unparks the caller when it is done)
            long start = System.nanoTime();
            for (int c = 1; c < chunks; c++) {
                var w = workers[c - 1];
                while (!w.done) {
                    if (System.nanoTime() - start < SPIN_NS) Thread.onSpinWait();
                    else LockSupport.parkNanos(100_000L);
                }
                if (failure == null) failure = w.failure;
                w.failure = null;
            }
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error err) throw err;
            if (failure != null) throw new RuntimeException(failure);
        }

        /** Stops the workers once the loop in progress, if any, is over. */
        void shutdown() {
            lock.lock();
            try {
                closed = true;
                for (var w : workers) {
                    w.stop = true;
                    LockSupport.unpark(w.thread);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private static final class Worker implements Runnable {
        Thread thread;
        volatile Thread caller;
        volatile RangeBody body;
        volatile boolean done = true, stop;
        int from, to;
        Throwable failure;

        /** Hands this worker one chunk (it is idle: the pool's lock is held and its last chunk is done). */
        void post(Thread caller, RangeBody body, int from, int to) {
            this.caller = caller;
            this.from = from;
            this.to = to;
            done = false;
            this.body = body; // volatile write last: publishes the fields above
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            INSIDE.set(true);
            while (!stop) {
                long start = System.nanoTime();
                RangeBody b;
                while ((b = body) == null && !stop) {
                    if (System.nanoTime() - start < SPIN_NS) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
                if (b == null) return;
                body = null;
                try {
                    b.run(from, to);
                } catch (Throwable e) {
                    failure = e;
                }
                done = true; // volatile write: publishes failure
                LockSupport.unpark(caller);
            }
        }
    }
}
