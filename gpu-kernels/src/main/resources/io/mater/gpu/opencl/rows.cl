// Row kernels over contiguous [rows, cols] blocks: one work-group of WG work-items per row, each work-item
// strides over the columns and the partial results meet in a fixed-order tree in local memory (deterministic).

#define WG 64

#define R_SUM 0
#define R_MAX 1
#define R_MIN 2

inline float combine(int op, float a, float b) {
    return op == R_SUM ? a + b : op == R_MAX ? (isnan(a) || isnan(b) ? NAN : fmax(a, b)) : (isnan(a) || isnan(b) ? NAN : fmin(a, b));
}

// Tree reduction of buf[0..WG) into buf[0]; every work-item gets the result.
inline float tree(local float* buf, int op) {
    int lid = get_local_id(0);
    for (int s = WG / 2; s > 0; s >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < s) buf[lid] = combine(op, buf[lid], buf[lid + s]);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    float r = buf[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

kernel void reduce_rows(global const float* x, global float* y, int cols, int op) {
    local float buf[WG];
    int row = get_group_id(0), lid = get_local_id(0);
    global const float* xr = x + (long) row * cols;
    float acc = op == R_SUM ? 0.0f : op == R_MAX ? -INFINITY : INFINITY;
    for (int c = lid; c < cols; c += WG) acc = combine(op, acc, xr[c]);
    buf[lid] = acc;
    float r = tree(buf, op);
    if (lid == 0) y[row] = r;
}

// index of the first maximum (NaN counts as maximum, as the CPU kernel's Math.max ordering)
kernel void argmax_rows(global const float* x, global float* y, int cols) {
    local float val[WG];
    local int idx[WG];
    int row = get_group_id(0), lid = get_local_id(0);
    global const float* xr = x + (long) row * cols;
    float best = -INFINITY;
    int bi = cols;
    for (int c = lid; c < cols; c += WG) {
        float v = xr[c];
        if (bi == cols || v > best || (isnan(v) && !isnan(best))) { best = v; bi = c; }
    }
    val[lid] = best;
    idx[lid] = bi;
    for (int s = WG / 2; s > 0; s >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < s) {
            float a = val[lid], b = val[lid + s];
            int ia = idx[lid], ib = idx[lid + s];
            bool takeB = ib < cols && (ia == cols || b > a || (isnan(b) && !isnan(a)) || (b == a && ib < ia) || (isnan(a) && isnan(b) && ib < ia));
            if (takeB) { val[lid] = b; idx[lid] = ib; }
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid == 0) y[row] = (float) (idx[0] == cols ? 0 : idx[0]);
}

// y = softmax(scale x + mask) or log_softmax(scale x + mask) per row. The optional additive mask is read
// through broadcast strides over [B, H, Tq, cols] (rows = B H Tq), as attention scores need; scale 1 and
// no mask is the plain softmax.
typedef struct {
    float scale;
    int hasMask, mOff, heads, tq, msB, msH, msI, msJ;
} SoftmaxArgs;

inline float softmax_in(SoftmaxArgs a, global const float* xr, global const float* mask, long mrow, int c) {
    float v = a.scale * xr[c];
    return a.hasMask ? v + mask[mrow + (long) c * a.msJ] : v;
}

kernel void softmax_rows(SoftmaxArgs a, global const float* x, global const float* mask, global float* y, int cols, int logMode) {
    local float buf[WG];
    int row = get_group_id(0), lid = get_local_id(0);
    global const float* xr = x + (long) row * cols;
    global float* yr = y + (long) row * cols;
    long mrow = 0;
    if (a.hasMask) {
        int i = row % a.tq, bh = row / a.tq;
        mrow = a.mOff + (long) (bh / a.heads) * a.msB + (long) (bh % a.heads) * a.msH + (long) i * a.msI;
    }
    float m = -INFINITY;
    for (int c = lid; c < cols; c += WG) m = fmax(m, softmax_in(a, xr, mask, mrow, c));
    buf[lid] = m;
    m = tree(buf, R_MAX);
    float s = 0.0f;
    for (int c = lid; c < cols; c += WG) s += exp(softmax_in(a, xr, mask, mrow, c) - m);
    buf[lid] = s;
    s = tree(buf, R_SUM);
    if (logMode) {
        float lse = m + log(s);
        for (int c = lid; c < cols; c += WG) yr[c] = softmax_in(a, xr, mask, mrow, c) - lse;
    } else {
        float inv = 1.0f / s;
        for (int c = lid; c < cols; c += WG) yr[c] = exp(softmax_in(a, xr, mask, mrow, c) - m) * inv;
    }
}

// softmax: gx = y (gy - sum(gy y));  log_softmax: gx = gy - exp(y) sum(gy)
kernel void softmax_backward_rows(global const float* y, global const float* gy, global float* gx, int cols, int logMode) {
    local float buf[WG];
    int row = get_group_id(0), lid = get_local_id(0);
    long base = (long) row * cols;
    float s = 0.0f;
    for (int c = lid; c < cols; c += WG) s += logMode ? gy[base + c] : gy[base + c] * y[base + c];
    buf[lid] = s;
    s = tree(buf, R_SUM);
    for (int c = lid; c < cols; c += WG)
        gx[base + c] = logMode ? gy[base + c] - exp(y[base + c]) * s : y[base + c] * (gy[base + c] - s);
}

// y = (x - mean) rstd w + b per row (biased variance); w, b used when hasW / hasB
kernel void layernorm_rows(global const float* x, global const float* w, global const float* b, global float* y,
                           global float* mean, global float* rstd, int cols, float eps, int hasW, int hasB) {
    local float buf[WG];
    int row = get_group_id(0), lid = get_local_id(0);
    long base = (long) row * cols;
    float s = 0.0f;
    for (int c = lid; c < cols; c += WG) s += x[base + c];
    buf[lid] = s;
    float mu = tree(buf, R_SUM) / cols;
    float v = 0.0f;
    for (int c = lid; c < cols; c += WG) { float d = x[base + c] - mu; v += d * d; }
    buf[lid] = v;
    float rs = rsqrt(tree(buf, R_SUM) / cols + eps);
    if (lid == 0) { mean[row] = mu; rstd[row] = rs; }
    for (int c = lid; c < cols; c += WG) {
        float xh = (x[base + c] - mu) * rs;
        y[base + c] = (hasW ? xh * w[c] : xh) + (hasB ? b[c] : 0.0f);
    }
}

// gx = rstd (gxh - mean(gxh) - xh mean(gxh xh)), xh = (x - mean) rstd, gxh = gy w
kernel void layernorm_backward_rows(global const float* gy, global const float* x, global const float* w, global const float* mean,
                                    global const float* rstd, global float* gx, int cols, int hasW) {
    local float buf[WG];
    int row = get_group_id(0), lid = get_local_id(0);
    long base = (long) row * cols;
    float mu = mean[row], rs = rstd[row];
    float s1 = 0.0f, s2 = 0.0f;
    for (int c = lid; c < cols; c += WG) {
        float gxh = hasW ? gy[base + c] * w[c] : gy[base + c];
        s1 += gxh;
        s2 += gxh * (x[base + c] - mu) * rs;
    }
    buf[lid] = s1;
    float m1 = tree(buf, R_SUM) / cols;
    buf[lid] = s2;
    float m2 = tree(buf, R_SUM) / cols;
    for (int c = lid; c < cols; c += WG) {
        float gxh = hasW ? gy[base + c] * w[c] : gy[base + c];
        float xh = (x[base + c] - mu) * rs;
        gx[base + c] = rs * (gxh - m1 - xh * m2);
    }
}

// gw[c] = sum over rows of gy xh;  gb[c] = sum over rows of gy: one work-item per column
kernel void layernorm_params(global const float* gy, global const float* x, global const float* mean, global const float* rstd,
                             global float* gw, global float* gb, int rows, int cols) {
    int c = get_global_id(0);
    if (c >= cols) return;
    float sw = 0.0f, sb = 0.0f;
    for (int r = 0; r < rows; r++) {
        float g = gy[(long) r * cols + c];
        sw += g * (x[(long) r * cols + c] - mean[r]) * rstd[r];
        sb += g;
    }
    gw[c] = sw;
    gb[c] = sb;
}

// loss[i] = -logp[i, label[i]] (0 for ignored), logp = log_softmax(logits) (already computed)
kernel void cross_entropy(global const float* logp, global const float* labels, global float* loss, int n, int c, int ignoreIndex) {
    int i = get_global_id(0);
    if (i >= n) return;
    int l = (int) labels[i];
    loss[i] = l == ignoreIndex ? 0.0f : -logp[(long) i * c + l];
}

// gx[i, j] = g[i] (exp(logp[i, j]) - [j == label[i]]), zero rows for ignored labels; g may be broadcast (gStride 0)
kernel void cross_entropy_backward(global const float* logp, global const float* labels, global const float* g, int gOff, int gStride,
                                   global float* gx, int n, int c, int ignoreIndex) {
    int idx = get_global_id(0);
    if (idx >= n * c) return;
    int i = idx / c, j = idx % c;
    int l = (int) labels[i];
    gx[idx] = l == ignoreIndex ? 0.0f : g[gOff + i * gStride] * (exp(logp[idx]) - (j == l ? 1.0f : 0.0f));
}
