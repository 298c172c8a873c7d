/*
 * The SGEMM micro-kernel's loop written in C (AVX2 + FMA), the reference for KernelBench: it shows what a
 * register tile can do on this core when a C compiler, not C2, allocates the registers and the addresses.
 *
 *   gcc -O2 -mavx2 -mfma -DROWS=4 -DVECS=2 bench/kernel_twin.c -o twin && ./twin [seconds]
 *   gcc -O2 -mavx2 -mfma -DPEAK bench/kernel_twin.c -o peak && ./peak [seconds]
 *
 * ROWS x (8 * VECS) tile: ROWS broadcasts of packed A and VECS vector loads of packed B per k, ROWS * VECS
 * accumulators. The engine's kernel (GemmVector.kernel) is ROWS=4, VECS=2. As in KernelBench: kc = 512,
 * 16 packed A panels [k][ROWS] and 16 packed B slivers [k][8 * VECS], every sliver against every panel,
 * each tile stored to a row-major C. PEAK instead runs 10 independent FMA chains with no loads: the core's
 * FMA limit. Prints one number: GFLOPS (median of 25 rounds).
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define KC 512
#define PANELS 16
#define SLIVERS 16

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#ifdef PEAK
/* 10 chains of dependent FMAs, two per cycle at 4 cycles latency need 8; no memory operands. */
static double round_flops(long reps, float *sink) {
    __m256 acc[10], x = _mm256_set1_ps(1.0000001f), y = _mm256_set1_ps(0.9999999f);
    for (int i = 0; i < 10; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long r = 0; r < reps; r++) {
#pragma GCC unroll 10
        for (int i = 0; i < 10; i++) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
    }
    for (int i = 0; i < 10; i++) *sink += acc[i][0];
    return 2.0 * 8 * 10 * reps;
}
#define REPS 20000000L
#else
#define NR (8 * VECS)
static float *ap, *bp, *c;

/* C[ROWS x NR] at c + cOff (row stride ldc) = A panel x B sliver over KC steps. */
static void kernel(const float *a, const float *b, float *cc, int ldc) {
    __m256 acc[ROWS][VECS];
#pragma GCC unroll 16
    for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 4
        for (int v = 0; v < VECS; v++) acc[r][v] = _mm256_setzero_ps();
    for (int p = 0; p < KC; p++, a += ROWS, b += NR) {
        __m256 bv[VECS];
#pragma GCC unroll 4
        for (int v = 0; v < VECS; v++) bv[v] = _mm256_load_ps(b + 8 * v);
#pragma GCC unroll 16
        for (int r = 0; r < ROWS; r++) {
            __m256 x = _mm256_broadcast_ss(a + r);
#pragma GCC unroll 4
            for (int v = 0; v < VECS; v++) acc[r][v] = _mm256_fmadd_ps(x, bv[v], acc[r][v]);
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < ROWS; r++)
#pragma GCC unroll 4
        for (int v = 0; v < VECS; v++) _mm256_storeu_ps(cc + r * ldc + 8 * v, acc[r][v]);
}

static double round_flops(long reps, float *sink) {
    int ldc = SLIVERS * NR;
    for (long rep = 0; rep < reps; rep++)
        for (int jr = 0; jr < SLIVERS; jr++)
            for (int ir = 0; ir < PANELS; ir++)
                kernel(ap + ir * KC * ROWS, bp + jr * KC * NR, c + ir * ROWS * ldc + jr * NR, ldc);
    *sink += c[0];
    return 2.0 * ROWS * NR * KC * PANELS * SLIVERS * reps;
}
#define REPS 20L
#endif

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
#ifndef PEAK
    ap = aligned_alloc(64, sizeof(float) * KC * ROWS * PANELS);
    bp = aligned_alloc(64, sizeof(float) * KC * NR * SLIVERS);
    c = aligned_alloc(64, sizeof(float) * ROWS * PANELS * NR * SLIVERS);
    for (long i = 0; i < (long)KC * ROWS * PANELS; i++) ap[i] = (float)(i % 7) * 1e-3f;
    for (long i = 0; i < (long)KC * NR * SLIVERS; i++) bp[i] = (float)(i % 5) * 1e-3f;
#endif
    float sink = 0;
    double rates[25];
    round_flops(REPS, &sink); /* warm the caches */
    for (int i = 0; i < 25; i++) {
        double t = now(), f = 0;
        do f += round_flops(REPS, &sink); while (now() - t < seconds / 25);
        rates[i] = f / (now() - t) / 1e9;
    }
    qsort(rates, 25, sizeof(double), cmp);
    printf("%.1f\n", rates[12] + 0 * sink);
    return 0;
}
