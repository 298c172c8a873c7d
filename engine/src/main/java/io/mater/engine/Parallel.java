package io.mater.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's one bounded thread pool. Work is split into a fixed number of contiguous chunks that
 * depends only on the thread count, so the same thread count always gives bit-identical results.
 *
 * <p>The thread count comes from {@link #setThreads(int)}, else {@code -Dmater.threads}, else the number
 * of available processors.
 */
public final class Parallel {
    /** Body of a parallel loop over the half-open range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static volatile int threads = initialThreads();
    private static ExecutorService pool;
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

    /** Number of threads parallel loops use. */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads (>= 1). Takes effect for the next parallel loop. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n != threads) {
            threads = n;
            if (pool != null) {
                pool.shutdown();
                pool = null;
            }
        }
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            var counter = new AtomicInteger();
            pool = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
                var t = new Thread(r, "mater-worker-" + counter.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /**
     * Runs body over [0, n) in at most {@link #threads()} contiguous chunks; chunks are not split further
     * below {@code grain} iterations. The caller runs the first chunk. Nested calls run inline.
     */
    public static void range(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int t = threads;
        int chunks = Math.min(t, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || INSIDE.get()) {
            body.run(0, n);
            return;
        }
        var exec = pool();
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = chunkStart(n, chunks, c), to = chunkStart(n, chunks, c + 1);
            futures[c - 1] = exec.submit(() -> {
                INSIDE.set(true);
                try {
                    body.run(from, to);
                } finally {
                    INSIDE.set(false);
                }
            });
        }
        Throwable failure = null;
        INSIDE.set(true);
        try {
            body.run(0, chunkStart(n, chunks, 1));
        } catch (Throwable e) {
            failure = e;
        } finally {
            INSIDE.set(false);
        }
        for (var f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new RuntimeException(failure);
    }

    /** Start of chunk c when [0, n) is cut into `chunks` near-equal contiguous pieces. */
    public static int chunkStart(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }
}
