// Batched SGEMM: C[b] [M, N] = A[b] [M, K] B[b] [K, N] (+ bias [N]). A and B are read through element
// strides (row stride, column stride), so transposed views need no copy; batch dims broadcast through
// per-operand batch strides (0 on broadcast dims). C is contiguous [batch, M, N].
// Tiling: a 64x64 tile of C per 16x16 work-group, 4x4 outputs per work-item (register blocking), K in
// steps of 16 through local memory. Edge tiles are guarded (PoCL has no non-uniform work-groups).

#define TM 64
#define TN 64
#define TK 16
#define LS 16

typedef struct {
    int M, N, K;
    int aOff, ars, acs;
    int bOff, brs, bcs;
    int nb;
    int bshape[4];
    int abst[4];
    int bbst[4];
    int hasBias;
} GemmArgs;

kernel void sgemm(GemmArgs g, global const float* A, global const float* B, global const float* bias, global float* C) {
    local float As[TK][TM + 1];
    local float Bs[TK][TN + 1];
    int tx = get_local_id(0), ty = get_local_id(1);
    int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM;
    int batch = get_global_id(2);
    int aBase = g.aOff, bBase = g.bOff;
    int rest = batch;
    for (int d = g.nb - 1; d >= 0; d--) {
        int i = rest % g.bshape[d];
        rest /= g.bshape[d];
        aBase += i * g.abst[d];
        bBase += i * g.bbst[d];
    }
    float acc[4][4];
    for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] = 0.0f;
    int t = ty * LS + tx;
    for (int k0 = 0; k0 < g.K; k0 += TK) {
        for (int r = 0; r < 4; r++) {
            int e = t + 256 * r;
            int row = e / TK, kk = e % TK;
            int m = m0 + row, k = k0 + kk;
            As[kk][row] = m < g.M && k < g.K ? A[aBase + m * g.ars + k * g.acs] : 0.0f;
            int kb = e / TN, col = e % TN;
            int n = n0 + col, k2 = k0 + kb;
            Bs[kb][col] = n < g.N && k2 < g.K ? B[bBase + k2 * g.brs + n * g.bcs] : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int kk = 0; kk < TK; kk++) {
            float a[4], b[4];
            for (int i = 0; i < 4; i++) a[i] = As[kk][ty + LS * i];
            for (int j = 0; j < 4; j++) b[j] = Bs[kk][tx + LS * j];
            for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    global float* Cb = C + (long) batch * g.M * g.N;
    for (int i = 0; i < 4; i++) {
        int m = m0 + ty + LS * i;
        if (m >= g.M) continue;
        for (int j = 0; j < 4; j++) {
            int n = n0 + tx + LS * j;
            if (n < g.N) Cb[(long) m * g.N + n] = acc[i][j] + (g.hasBias ? bias[n] : 0.0f);
        }
    }
}
