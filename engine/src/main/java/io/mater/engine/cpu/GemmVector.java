package io.mater.engine.cpu;

import io.mater.engine.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API SGEMM (arguments and semantics as {@link GemmScalar#sgemm}); loaded only when
 * {@link io.mater.engine.Simd#ENABLED}.
 *
 * <p>Goto/BLIS structure: C is computed in MR x NR tiles (4 rows x 2 vectors) by a register-blocked FMA
 * micro-kernel. B is packed into NR-wide column slivers [p][NR] (whatever its transpose), A into MR-row panels
 * [p][MR] (whatever its transpose), so the micro-kernel sees one layout and reads one index of each per step.
 * K is cut into blocks of at most KC (a B sliver of 32 KB, about L1; KC 512 measured 0-17 % faster than 256 on
 * Zen 3: C is read and written half as often), M into blocks of MC rows (the A block, 128 KB, stays in L2), N
 * into NC columns (the B panel stays in L3).
 *
 * <p>Determinism: each element of C is the same chain of FMAs over k whatever the tile, block or thread it
 * falls in (K blocks depend on k alone, edge tiles run the full kernel and store fewer lanes), and threads
 * split C over rows or columns, never over k; so every thread count gives bit-identical results.
 *
 * <p>A B^T with few rows (attention's Q K^T) uses a kernel of vector dot products instead, picked from the
 * shape alone (so again the same for every thread count).
 */
final class GemmVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Micro-tile rows and columns. */
    static final int MR = 4, NR = 2 * L;
    /** Cache blocks: K depth, rows of A, columns of B. */
    static final int KC = 512, MC = 64, NC = 2048;
    /** Below this many multiply-adds a GEMM runs on the calling thread. */
    private static final long PARALLEL_MIN = 1L << 18;

    private GemmVector() {}

    /** Per-thread packing buffers, grown on demand and reused. */
    private static final class Buffers {
        float[] a = new float[0], b = new float[0];
        final float[] tile = new float[MR * NR];

        float[] a(int size) {
            if (a.length < size) a = new float[size];
            return a;
        }

        float[] b(int size) {
            if (b.length < size) b = new float[size];
            return b;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** Parallel over the engine's pool: C is split over rows or columns into one piece per thread. */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        int threads = Parallel.threads();
        if (threads == 1 || (long) m * n * k < PARALLEL_MIN || k == 0) {
            sgemmSerial(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Path path = path(transA, transB, m, n, k);
        int tilesM = ceilDiv(m, MR), tilesN = ceilDiv(n, NR);
        // Each thread packs its own panels: a split over columns makes every thread pack all of A, a split over
        // rows all of B. So divide the operand whose packing is a transpose; else the larger side.
        boolean overN = path == Path.DOT || (transA != transB ? transB : tilesN >= tilesM);
        if (overN ? tilesN < threads && tilesM > tilesN : tilesM < threads && tilesN > tilesM) overN = !overN;
        if (overN) {
            Parallel.range(tilesN, 1, (t0, t1) -> {
                int j0 = t0 * NR, j1 = Math.min(n, t1 * NR);
                run(path, transA, transB, m, j1 - j0, k, alpha, a, aOff, lda,
                        b, transB ? bOff + j0 * ldb : bOff + j0, ldb, beta, c, cOff + j0, ldc);
            });
        } else {
            Parallel.range(tilesM, 1, (t0, t1) -> {
                int i0 = t0 * MR, i1 = Math.min(m, t1 * MR);
                run(path, transA, transB, i1 - i0, n, k, alpha, a, transA ? aOff + i0 : aOff + i0 * lda, lda,
                        b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
            });
        }
    }

    /** Single-threaded. */
    static void sgemmSerial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) return;
        run(path(transA, transB, m, n, k), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** batch independent GEMMs, matrix i at offset + i * stride of each array; parallel over the batch. */
    static void sgemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int strideA, int lda, float[] b, int bOff, int strideB, int ldb,
                             float beta, float[] c, int cOff, int strideC, int ldc, int batch) {
        if (m == 0 || n == 0 || batch == 0) return;
        Path path = path(transA, transB, m, n, k);
        long work = Math.max(1L, (long) m * n * k);
        int grain = (int) Math.max(1, Math.min(batch, (1L << 16) / work));
        Parallel.range(batch, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                run(path, transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                        beta, c, cOff + i * strideC, ldc);
            }
        });
    }

    /** How a GEMM is computed; chosen from the whole problem's shape, so the same for every thread split. */
    enum Path {
        /** Cache-blocked with packed A and B panels. */
        BLOCKED,
        /** Small, B not transposed: A and B read in place, no cache blocking. */
        DIRECT,
        /** A B^T with few rows: vector dot products of rows. */
        DOT
    }

    /** B (k x n floats, k at most DIRECT_MAX_K) small enough to be read in place from L1/L2 by the direct path. */
    private static final int DIRECT_MAX_B = 16 * 1024, DIRECT_MAX_K = 256;

    static Path path(boolean transA, boolean transB, int m, int n, int k) {
        if (DOT && !transA && transB && m <= DOT_MAX_M && k >= DOT_MIN_K) return Path.DOT;
        if (!transB && k <= DIRECT_MAX_K && (long) k * n <= DIRECT_MAX_B) return Path.DIRECT;
        return Path.BLOCKED;
    }

    private static void run(Path path, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        switch (path) {
            case DOT -> dotProducts(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            case DIRECT -> direct(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            case BLOCKED -> blocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** C = beta * C (k == 0); beta == 0 writes zeros without reading C. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[ci + j] = beta == 0f ? 0f : beta * c[ci + j];
        }
    }

    /** Depth of each K block: k cut into near-equal blocks of at most KC. Depends on k alone. */
    static int blockK(int k) {
        int blocks = ceilDiv(k, KC);
        return ceilDiv(k, blocks);
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    // ---------------------------------------------------------------- blocked GEMM with packed panels

    private static void blocked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        var buf = BUFFERS.get();
        int kcMax = blockK(k);
        int ncMax = Math.min(NC, ceilDiv(n, NR) * NR);
        float[] bp = buf.b(kcMax * ncMax);
        float[] ap = buf.a(kcMax * ceilDiv(Math.min(MC, m), MR) * MR);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                float bet = pc == 0 ? beta : 1f;
                packB(transB, b, bOff, ldb, pc, jc, kc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, pc, mc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            kernel(kc, ap, ir * kc, bp, jr * kc, c, cOff + (ic + ir) * ldc + jc + jr, ldc,
                                    Math.min(MR, mc - ir), nr, alpha, bet, buf.tile);
                        }
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel: C[mr x nr] tile at c[cOff] = alpha * sum_p A[r][p] * B[p][0..NR) + beta * C, where
     * A[r][p] is ap[aOff + p * MR + r] (a panel packed by {@link #packA}) and B[p] is bp[bOff + p * NR] (a sliver
     * packed by {@link #packB}). Always computes the full MR x NR tile. Both strides are constants, so C2 drops
     * the bounds checks from the loop (with a variable stride it checks every load). Package-private for bench's
     * KernelBench, which times it alone beside its C twin (bench/kernel_twin.c).
     */
    static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff,
                       float[] c, int cOff, int ldc, int mr, int nr, float alpha, float beta, float[] tile) {
        var c00 = FloatVector.zero(S);
        var c01 = c00;
        var c10 = c00;
        var c11 = c00;
        var c20 = c00;
        var c21 = c00;
        var c30 = c00;
        var c31 = c00;
        // The A index is the loop variable and B's follows from it (NR = 2L is a multiple of MR = 4): C2 then
        // spends 4 integer instructions per k (one lea, a sign extension, the increment, the compare-and-branch)
        // instead of 7 when it derives both indices from a counter p, and the loop runs about 1.3x faster.
        int d = bOff - aOff * (NR / MR), aEnd = aOff + kc * MR;
        for (int ai = aOff; ai < aEnd; ai += MR) {
            int bi = ai * (NR / MR) + d;
            var b0 = FloatVector.fromArray(S, bp, bi);
            var b1 = FloatVector.fromArray(S, bp, bi + L);
            var x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        // C = alpha * acc + beta * C, written out in each kernel (C2 does not inline a helper taking the
        // accumulators, and would box its vectors)
        if (mr == MR && nr == NR) {
            // in the same operation order as storeEdge
            if (alpha != 1f) {
                c00 = c00.mul(alpha);
                c01 = c01.mul(alpha);
                c10 = c10.mul(alpha);
                c11 = c11.mul(alpha);
                c20 = c20.mul(alpha);
                c21 = c21.mul(alpha);
                c30 = c30.mul(alpha);
                c31 = c31.mul(alpha);
            }
            int i0 = cOff, i1 = i0 + ldc, i2 = i1 + ldc, i3 = i2 + ldc;
            if (beta != 0f) {
                c00 = c00.add(FloatVector.fromArray(S, c, i0).mul(beta));
                c01 = c01.add(FloatVector.fromArray(S, c, i0 + L).mul(beta));
                c10 = c10.add(FloatVector.fromArray(S, c, i1).mul(beta));
                c11 = c11.add(FloatVector.fromArray(S, c, i1 + L).mul(beta));
                c20 = c20.add(FloatVector.fromArray(S, c, i2).mul(beta));
                c21 = c21.add(FloatVector.fromArray(S, c, i2 + L).mul(beta));
                c30 = c30.add(FloatVector.fromArray(S, c, i3).mul(beta));
                c31 = c31.add(FloatVector.fromArray(S, c, i3 + L).mul(beta));
            }
            c00.intoArray(c, i0);
            c01.intoArray(c, i0 + L);
            c10.intoArray(c, i1);
            c11.intoArray(c, i1 + L);
            c20.intoArray(c, i2);
            c21.intoArray(c, i2 + L);
            c30.intoArray(c, i3);
            c31.intoArray(c, i3 + L);
        } else {
            // edge tile: spill the accumulators, store the valid part in scalar code
            c00.intoArray(tile, 0);
            c01.intoArray(tile, L);
            c10.intoArray(tile, NR);
            c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR);
            c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR);
            c31.intoArray(tile, 3 * NR + L);
            storeEdge(tile, c, cOff, ldc, mr, nr, alpha, beta);
        }
    }

    /**
     * Small problems with B not transposed: B is read in place (only a last partial sliver of columns is copied,
     * zero-padded, so no row of B is read past its end), A in place or, when transposed, copied row-major once.
     * Packing would cost as much as these small products themselves.
     */
    private static void direct(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        var buf = BUFFERS.get();
        float[] ar = a;
        int aBase = aOff, rowStride = lda;
        if (transA) {
            ar = buf.a(m * k);
            for (int p = 0; p < k; p++) {
                for (int i = 0; i < m; i++) ar[i * k + p] = a[aOff + p * lda + i];
            }
            aBase = 0;
            rowStride = k;
        }
        for (int jr = 0; jr < n; jr += NR) {
            int nr = Math.min(NR, n - jr);
            float[] bq = b;
            int bBase = bOff + jr, bStride = ldb;
            if (nr < NR) {
                bq = buf.b(k * NR);
                packB(false, b, bOff, ldb, 0, jr, k, nr, bq);
                bBase = 0;
                bStride = NR;
            }
            for (int ir = 0; ir < m; ir += MR) {
                int mr = Math.min(MR, m - ir);
                // rows past the edge re-read the last real row; their results are not stored
                int a0 = aBase + ir * rowStride;
                int a1 = a0 + Math.min(1, mr - 1) * rowStride;
                int a2 = a0 + Math.min(2, mr - 1) * rowStride;
                int a3 = a0 + Math.min(3, mr - 1) * rowStride;
                kernelInPlace(k, ar, a0, a1, a2, a3, bq, bBase, bStride, c, cOff + ir * ldc + jr, ldc, mr, nr, alpha,
                        beta, buf.tile);
            }
        }
    }

    /**
     * {@link #kernel} on operands in place (the same arithmetic): row r of A is a[a_r + p], B[p] is
     * b[bOff + p * bStride]. The variable stride keeps a bounds check on every load, which short loops can afford.
     */
    private static void kernelInPlace(int k, float[] a, int a0, int a1, int a2, int a3, float[] b, int bOff, int bStride,
                                      float[] c, int cOff, int ldc, int mr, int nr, float alpha, float beta, float[] tile) {
        var c00 = FloatVector.zero(S);
        var c01 = c00;
        var c10 = c00;
        var c11 = c00;
        var c20 = c00;
        var c21 = c00;
        var c30 = c00;
        var c31 = c00;
        for (int p = 0; p < k; p++) {
            int bi = bOff + p * bStride;
            var b0 = FloatVector.fromArray(S, b, bi);
            var b1 = FloatVector.fromArray(S, b, bi + L);
            var x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        // C = alpha * acc + beta * C, written out in each kernel (C2 does not inline a helper taking the
        // accumulators, and would box its vectors)
        if (mr == MR && nr == NR) {
            // in the same operation order as storeEdge
            if (alpha != 1f) {
                c00 = c00.mul(alpha);
                c01 = c01.mul(alpha);
                c10 = c10.mul(alpha);
                c11 = c11.mul(alpha);
                c20 = c20.mul(alpha);
                c21 = c21.mul(alpha);
                c30 = c30.mul(alpha);
                c31 = c31.mul(alpha);
            }
            int i0 = cOff, i1 = i0 + ldc, i2 = i1 + ldc, i3 = i2 + ldc;
            if (beta != 0f) {
                c00 = c00.add(FloatVector.fromArray(S, c, i0).mul(beta));
                c01 = c01.add(FloatVector.fromArray(S, c, i0 + L).mul(beta));
                c10 = c10.add(FloatVector.fromArray(S, c, i1).mul(beta));
                c11 = c11.add(FloatVector.fromArray(S, c, i1 + L).mul(beta));
                c20 = c20.add(FloatVector.fromArray(S, c, i2).mul(beta));
                c21 = c21.add(FloatVector.fromArray(S, c, i2 + L).mul(beta));
                c30 = c30.add(FloatVector.fromArray(S, c, i3).mul(beta));
                c31 = c31.add(FloatVector.fromArray(S, c, i3 + L).mul(beta));
            }
            c00.intoArray(c, i0);
            c01.intoArray(c, i0 + L);
            c10.intoArray(c, i1);
            c11.intoArray(c, i1 + L);
            c20.intoArray(c, i2);
            c21.intoArray(c, i2 + L);
            c30.intoArray(c, i3);
            c31.intoArray(c, i3 + L);
        } else {
            // edge tile: spill the accumulators, store the valid part in scalar code
            c00.intoArray(tile, 0);
            c01.intoArray(tile, L);
            c10.intoArray(tile, NR);
            c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR);
            c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR);
            c31.intoArray(tile, 3 * NR + L);
            storeEdge(tile, c, cOff, ldc, mr, nr, alpha, beta);
        }
    }

    /** c = alpha * acc + beta * c for rows [0, mr) and columns [0, nr) of an MR x NR tile of accumulators. */
    private static void storeEdge(float[] tile, float[] c, int cOff, int ldc, int mr, int nr, float alpha, float beta) {
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                float v = tile[r * NR + j];
                if (alpha != 1f) v = v * alpha;
                int ci = cOff + r * ldc + j;
                if (beta != 0f) v = v + c[ci] * beta;
                c[ci] = v;
            }
        }
    }

    /**
     * Packs op(B)[pc..pc+kc, jc..jc+nc) into NR-wide slivers: sliver s holds op(B)[p][jc + s*NR + j] at
     * bp[s*NR*kc + p*NR + j], zero past column nc.
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = jr * kc;
            if (!transB) {
                int src = bOff + pc * ldb + jc + jr;
                if (nr == NR) {
                    for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                        FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                        FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                    }
                } else {
                    // a last, partial sliver: a whole vector where nr allows one (A/B: 2.7-2.9x on 512 products of
                    // 8x8x64 NN), the rest element by element, zero past nr
                    var zero = FloatVector.zero(S);
                    for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                        int j = 0;
                        if (nr >= L) {
                            FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                            j = L;
                        }
                        for (; j < nr; j++) bp[dst + j] = b[src + j];
                        if (j == L) zero.intoArray(bp, dst + L);
                        else for (; j < NR; j++) bp[dst + j] = 0f;
                    }
                }
            } else {
                // op(B)[p][j] = b[bOff + j*ldb + p]: each column j of the sliver is a contiguous run over p
                for (int j = 0; j < nr; j++) {
                    int src = bOff + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = b[src + p];
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = 0f;
                }
            }
        }
    }

    /**
     * Packs op(A)[ic..ic+mc, pc..pc+kc) into MR-row panels with the rows interleaved: row ir + r of the block,
     * column p, is at ap[ir*kc + p*MR + r] (ir a multiple of MR), so the micro-kernel reads its MR values of A
     * for one p from one place. Rows past mc are zero.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir), dst = ir * kc;
            if (!transA && mr == MR) {
                // a full panel: four rows read side by side, the panel written in order (A/B: +1..7 % on the NT
                // shapes against the row-at-a-time loop below)
                int s0 = aOff + (ic + ir) * lda + pc, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda;
                for (int p = 0, d = dst; p < kc; p++, d += MR) {
                    ap[d] = a[s0 + p];
                    ap[d + 1] = a[s1 + p];
                    ap[d + 2] = a[s2 + p];
                    ap[d + 3] = a[s3 + p];
                }
            } else if (!transA) {
                // row i of op(A) is contiguous over p
                for (int r = 0; r < mr; r++) {
                    int src = aOff + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) ap[dst + p * MR + r] = a[src + p];
                }
            } else if (mr == MR) {
                // op(A)[i][p] = a[aOff + p*lda + i]: for each p the panel's rows are MR contiguous floats. (Copied
                // one by one: as a 128-bit vector C2 sometimes boxes them, next to the 256-bit vectors of this
                // class, and allocated a fifth of a gigabyte per MATER training step.)
                for (int p = 0, src = aOff + pc * lda + ic + ir, d = dst; p < kc; p++, src += lda, d += MR) {
                    ap[d] = a[src];
                    ap[d + 1] = a[src + 1];
                    ap[d + 2] = a[src + 2];
                    ap[d + 3] = a[src + 3];
                }
            } else {
                // the same, a partial panel
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir;
                    for (int r = 0; r < mr; r++) ap[dst + p * MR + r] = a[src + r];
                }
            }
            for (int r = mr; r < MR; r++) {
                for (int p = 0; p < kc; p++) ap[dst + p * MR + r] = 0f;
            }
        }
    }

    // ---------------------------------------------------------------- dot products: A B^T, few rows

    /*
     * C = alpha * A B^T + beta * C with A [m x k] and B [n x k] both row-major (attention's Q K^T): every element
     * is a dot product of two contiguous rows. A row of C is computed L columns at a time: L vector accumulators,
     * then a transpose-and-add tree (fold) that leaves dot j in lane j. Lane-wise adds and fixed shuffles only,
     * never reduceLanes, whose float order differs between the interpreter and compiled code. Written for L == 8.
     */
    private static final boolean DOT = L == 8;
    private static final VectorMask<Float> HI4 = VectorMask.fromLong(S, 0b11110000L);
    private static final VectorMask<Float> HI2 = VectorMask.fromLong(S, 0b11001100L);
    private static final VectorMask<Float> HI1 = VectorMask.fromLong(S, 0b10101010L);
    private static final VectorShuffle<Float> XOR4 = VectorShuffle.fromOp(S, i -> i ^ 4);
    private static final VectorShuffle<Float> XOR2 = VectorShuffle.fromOp(S, i -> i ^ 2);
    private static final VectorShuffle<Float> XOR1 = VectorShuffle.fromOp(S, i -> i ^ 1);

    /**
     * A B^T uses dot products up to DOT_MAX_M rows of C and from DOT_MIN_K on; otherwise packing B^T once pays off
     * (A/B, 512 products, 1 and 2 threads: dot products 3.2x faster at 8x8x64, 1.3x at 16x16x64; the packed path
     * 1.2x faster at 32x32x64, 1.6x at 16x64x32 and 1.9x at 8x64x8; the two about even at 8x64x32 and 8x64x48).
     */
    private static final int DOT_MAX_M = 16, DOT_MIN_K = 48;

    private static void dotProducts(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        for (int j = 0; j < n; j += L) {
            int nr = Math.min(L, n - j);
            // columns past the edge re-read the last real row of B; their results are not stored
            int b0 = bOff + j * ldb, last = nr - 1;
            int b1 = b0 + Math.min(1, last) * ldb, b2 = b0 + Math.min(2, last) * ldb, b3 = b0 + Math.min(3, last) * ldb;
            int b4 = b0 + Math.min(4, last) * ldb, b5 = b0 + Math.min(5, last) * ldb, b6 = b0 + Math.min(6, last) * ldb;
            int b7 = b0 + Math.min(7, last) * ldb;
            for (int i = 0; i < m; i++) {
                dotRow(k, a, aOff + i * lda, b, b0, b1, b2, b3, b4, b5, b6, b7, c, cOff + i * ldc + j, nr, alpha, beta);
            }
        }
    }

    /** c[ci + j] (j < nr) = alpha * dot(a[ai..ai+k), b[b_j..b_j+k)) + beta * c[ci + j]. */
    private static void dotRow(int k, float[] a, int ai, float[] b, int b0, int b1, int b2, int b3,
                               int b4, int b5, int b6, int b7, float[] c, int ci, int nr, float alpha, float beta) {
        var s0 = FloatVector.zero(S);
        var s1 = s0;
        var s2 = s0;
        var s3 = s0;
        var s4 = s0;
        var s5 = s0;
        var s6 = s0;
        var s7 = s0;
        int kv = k - k % L;
        for (int p = 0; p < kv; p += L) {
            var x = FloatVector.fromArray(S, a, ai + p);
            s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
            s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
            s4 = x.fma(FloatVector.fromArray(S, b, b4 + p), s4);
            s5 = x.fma(FloatVector.fromArray(S, b, b5 + p), s5);
            s6 = x.fma(FloatVector.fromArray(S, b, b6 + p), s6);
            s7 = x.fma(FloatVector.fromArray(S, b, b7 + p), s7);
        }
        // lane j of the result is the sum of the lanes of s_j
        var even = fold(fold(s0, s4, HI4, XOR4), fold(s2, s6, HI4, XOR4), HI2, XOR2);
        var odd = fold(fold(s1, s5, HI4, XOR4), fold(s3, s7, HI4, XOR4), HI2, XOR2);
        var dots = fold(even, odd, HI1, XOR1);
        // the k % L tail in plain Java, kept out of line: a smaller dotRow is compiled with every Vector API
        // call inlined (with a masked tail here it was not, and ran through the slow non-intrinsic path)
        if (kv < k) dots = dots.add(FloatVector.fromArray(S, dotTail(k, kv, a, ai, b, b0, b1, b2, b3, b4, b5, b6, b7), 0));
        if (alpha != 1f) dots = dots.mul(alpha);
        if (nr == L) {
            if (beta != 0f) dots = dots.add(FloatVector.fromArray(S, c, ci).mul(beta));
            dots.intoArray(c, ci);
        } else {
            var mask = S.indexInRange(0, nr);
            if (beta != 0f) dots = dots.add(FloatVector.fromArray(S, c, ci, mask).mul(beta));
            dots.intoArray(c, ci, mask);
        }
    }

    /** The dot products of the last k - kv elements for the 8 rows of B, in plain Java. */
    private static float[] dotTail(int k, int kv, float[] a, int ai, float[] b, int b0, int b1, int b2, int b3,
                                   int b4, int b5, int b6, int b7) {
        int[] rows = {b0, b1, b2, b3, b4, b5, b6, b7};
        float[] t = new float[8];
        for (int j = 0; j < 8; j++)
            for (int p = kv; p < k; p++) t[j] += a[ai + p] * b[rows[j] + p];
        return t;
    }

    /** Lane i: x[i] + x[i^d] where bit d of i is clear, y[i] + y[i^d] where it is set. */
    private static FloatVector fold(FloatVector x, FloatVector y, VectorMask<Float> hi, VectorShuffle<Float> xor) {
        return x.blend(y, hi).add(y.blend(x, hi).rearrange(xor));
    }
}
