// Elementwise kernels over strided, broadcast operands. A Meta describes the output's shape (row-major,
// n elements) and, for up to three operands, their strides (0 on broadcast axes) and offsets.

#define MAXR 8

typedef struct {
    int rank;
    int n;
    int shape[MAXR];
    int st[3][MAXR];
    int off[3];
} Meta;

// Offset of the i-th output element (row-major) in operand k.
inline int at(const Meta* m, int k, int i) {
    int o = m->off[k];
    for (int d = m->rank - 1; d >= 0; d--) {
        int s = m->shape[d];
        o += (i % s) * m->st[k][d];
        i /= s;
    }
    return o;
}

// erf by Abramowitz & Stegun 7.1.26, as the CPU kernels
inline float erf_as(float x) {
    float ax = fabs(x);
    float t = 1.0f / (1.0f + 0.3275911f * ax);
    float y = 1.0f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t * exp(-ax * ax);
    return x < 0 ? -y : y;
}

// UnaryOp ordinals
#define U_NEG 0
#define U_EXP 1
#define U_LOG 2
#define U_SQRT 3
#define U_ABS 4
#define U_SIGN 5
#define U_RELU 6
#define U_GELU 7
#define U_TANH 8
#define U_SIGMOID 9
#define U_SQUARE 10
#define U_RECIPROCAL 11
#define U_AFFINE 12
#define U_POW 13
#define U_CLAMP 14
#define U_INSIDE 15
#define U_GT 16
#define U_LT 17
#define U_EQ 18

inline float unary_op(int op, float x, float p, float q) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return exp(x);
        case U_LOG: return log(x);
        case U_SQRT: return sqrt(x);
        case U_ABS: return fabs(x);
        case U_SIGN: return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x;
        case U_RELU: return x > 0.0f ? x : 0.0f;
        case U_GELU: return 0.5f * x * (1.0f + erf_as(x * 0.70710678118654752f));
        case U_TANH: return tanh(x);
        case U_SIGMOID: return 1.0f / (1.0f + exp(-x));
        case U_SQUARE: return x * x;
        case U_RECIPROCAL: return 1.0f / x;
        case U_AFFINE: return p * x + q;
        case U_POW: return pow(x, p);
        case U_CLAMP: return fmin(fmax(x, p), q);
        case U_INSIDE: return x >= p && x <= q ? 1.0f : 0.0f;
        case U_GT: return x > p ? 1.0f : 0.0f;
        case U_LT: return x < p ? 1.0f : 0.0f;
        case U_EQ: return x == p ? 1.0f : 0.0f;
    }
    return NAN;
}

// BinaryOp ordinals
#define B_ADD 0
#define B_SUB 1
#define B_MUL 2
#define B_DIV 3
#define B_POW 4
#define B_MAXIMUM 5
#define B_MINIMUM 6
#define B_GT 7
#define B_LT 8
#define B_EQ 9
#define B_RELU_BACKWARD 10
#define B_GELU_BACKWARD 11
#define B_TANH_BACKWARD 12
#define B_SIGMOID_BACKWARD 13

inline float binary_op(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_POW: return pow(a, b);
        case B_MAXIMUM: return isnan(a) || isnan(b) ? NAN : fmax(a, b);
        case B_MINIMUM: return isnan(a) || isnan(b) ? NAN : fmin(a, b);
        case B_GT: return a > b ? 1.0f : 0.0f;
        case B_LT: return a < b ? 1.0f : 0.0f;
        case B_EQ: return a == b ? 1.0f : 0.0f;
        case B_RELU_BACKWARD: return b > 0.0f ? a : 0.0f;
        case B_GELU_BACKWARD: {
            float cdf = 0.5f * (1.0f + erf_as(b * 0.70710678118654752f));
            float pdf = 0.39894228040143268f * exp(-0.5f * b * b);
            return a * (cdf + b * pdf);
        }
        case B_TANH_BACKWARD: return a * (1.0f - b * b);
        case B_SIGMOID_BACKWARD: return a * b * (1.0f - b);
    }
    return NAN;
}

// y[i] = op(a[at0(i)]), y contiguous
kernel void unary(Meta m, global const float* a, global float* y, int op, float p, float q) {
    int i = get_global_id(0);
    if (i >= m.n) return;
    y[i] = unary_op(op, a[at(&m, 0, i)], p, q);
}

kernel void binary(Meta m, global const float* a, global const float* b, global float* y, int op) {
    int i = get_global_id(0);
    if (i >= m.n) return;
    y[i] = binary_op(op, a[at(&m, 0, i)], b[at(&m, 1, i)]);
}

kernel void where3(Meta m, global const float* c, global const float* a, global const float* b, global float* y) {
    int i = get_global_id(0);
    if (i >= m.n) return;
    y[i] = c[at(&m, 0, i)] != 0.0f ? a[at(&m, 1, i)] : b[at(&m, 2, i)];
}

// dst[at1(i)] = src[at0(i)] (accumulate: +=); dst is a non-overlapping strided view
kernel void copy_strided(Meta m, global const float* src, global float* dst, int accumulate) {
    int i = get_global_id(0);
    if (i >= m.n) return;
    int d = at(&m, 1, i);
    float s = src[at(&m, 0, i)];
    dst[d] = accumulate ? dst[d] + s : s;
}

kernel void fill_strided(Meta m, global float* dst, float value) {
    int i = get_global_id(0);
    if (i >= m.n) return;
    dst[at(&m, 0, i)] = value;
}

// Counter-based hash uniform in [0, 1): the same arithmetic as Rng.hashUniform(key0, key1, index).
inline float hash_uniform(uint key0, uint key1, uint index) {
    uint h = index * 0x9E3779B9u + key0;
    h ^= key1;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return (float) (h >> 8) * 0x1.0p-24f;
}

// y[i] = keep(i) ? x[i] / (1 - p) : 0 over contiguous x
kernel void dropout(global const float* x, global float* y, int n, float p, uint key0, uint key1) {
    int i = get_global_id(0);
    if (i >= n) return;
    float scale = 1.0f / (1.0f - p);
    y[i] = hash_uniform(key0, key1, (uint) i) >= p ? x[i] * scale : 0.0f;
}

// One Adam/AdamW step per element with PyTorch's arithmetic (stepSize = lr / (1 - beta1^t), bc2Sqrt = sqrt(1 - beta2^t)).
kernel void adam(global float* p, global const float* g, global float* m, global float* v, int n, float lr, float beta1,
                 float beta2, float eps, float wd, int decoupled, float stepSize, float bc2Sqrt) {
    int i = get_global_id(0);
    if (i >= n) return;
    float pi = p[i], gi = g[i];
    if (wd != 0.0f) {
        if (decoupled) pi *= 1.0f - lr * wd;
        else gi += wd * pi;
    }
    float mi = beta1 * m[i] + (1.0f - beta1) * gi;
    float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    float denom = sqrt(vi) / bc2Sqrt + eps;
    p[i] = pi - stepSize * (mi / denom);
}

// out [outer, nIdx, inner] = a [outer, axisLen, inner] at index along the middle axis
kernel void index_select(global const float* a, global const float* index, global float* out, int outer, int axisLen,
                         int nIdx, int inner) {
    int i = get_global_id(0);
    if (i >= outer * nIdx * inner) return;
    int r = i % inner, t = (i / inner) % nIdx, o = i / (inner * nIdx);
    int src = (int) index[t];
    out[i] = a[(o * axisLen + src) * inner + r];
}

// out [outer, axisLen, inner] = sum over t with index[t] == a of g [outer, nIdx, inner] (deterministic order)
kernel void index_add(global const float* g, global const float* index, global float* out, int outer, int axisLen,
                      int nIdx, int inner) {
    int i = get_global_id(0);
    if (i >= outer * axisLen * inner) return;
    int r = i % inner, a = (i / inner) % axisLen, o = i / (inner * axisLen);
    float s = 0.0f;
    for (int t = 0; t < nIdx; t++)
        if ((int) index[t] == a) s += g[(o * nIdx + t) * inner + r];
    out[i] = s;
}
