package io.mater.audio;

import io.mater.engine.Simd;

/** Dot product of two float runs, the audio pipeline's one hot loop; the Vector API kernel when enabled. */
final class Dot {
    private Dot() {}

    /** sum_{j<n} a[ao + j] * b[bo + j]. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        return Simd.ENABLED ? VectorDot.dot(a, ao, b, bo, n) : scalar(a, ao, b, bo, n);
    }

    /** Plain reference: four interleaved partial sums (j mod 4), added as (s0 + s1) + (s2 + s3). */
    static float scalar(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 += a[ao + j] * b[bo + j];
            s1 += a[ao + j + 1] * b[bo + j + 1];
            s2 += a[ao + j + 2] * b[bo + j + 2];
            s3 += a[ao + j + 3] * b[bo + j + 3];
        }
        for (; j < n; j++) s0 += a[ao + j] * b[bo + j];
        return (s0 + s1) + (s2 + s3);
    }
}
