// Fused scaled-dot-product attention for Tk <= 64 and Dk, Dv <= 128: one work-group of 128 work-items per
// query row (bh, i). q [BH, Tq, Dk], k [BH, Tk, Dk], v [BH, Tk, Dv] contiguous; the additive mask is read
// through broadcast strides over [B, H, Tq, Tk]. Needs hash_uniform from elementwise.cl.

#define AT_WG 128
#define AT_TK 64
#define AT_D 128

typedef struct {
    int heads, tq, tk, dk, dv;
    int hasMask, mOff, msB, msH, msI, msJ;
    float scale, dropP;
    uint key0, key1;
} AttnArgs;

// probs [BH, Tq, Tk] = softmax(scale q k^T + mask) (before dropout); out [BH, Tq, Dv] = dropout(probs) v
kernel void attention_forward(AttnArgs a, global const float* q, global const float* k, global const float* v,
                              global const float* mask, global float* out, global float* probs) {
    local float qrow[AT_D];
    local float s[AT_TK];
    local float pd[AT_TK];
    int row = get_group_id(0), lid = get_local_id(0);
    int bh = row / a.tq, i = row % a.tq;
    int b = bh / a.heads, h = bh % a.heads;
    if (lid < a.dk) qrow[lid] = q[(long) row * a.dk + lid];
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < a.tk) {
        global const float* kr = k + ((long) bh * a.tk + lid) * a.dk;
        float d = 0.0f;
        for (int c = 0; c < a.dk; c++) d = fma(qrow[c], kr[c], d);
        d *= a.scale;
        if (a.hasMask) d += mask[a.mOff + b * a.msB + h * a.msH + i * a.msI + lid * a.msJ];
        s[lid] = d;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < a.tk) {
        float m = -INFINITY;
        for (int j = 0; j < a.tk; j++) m = fmax(m, s[j]);
        float sum = 0.0f;
        for (int j = 0; j < a.tk; j++) sum += exp(s[j] - m);
        float p = exp(s[lid] - m) / sum;
        long pi = (long) row * a.tk + lid;
        probs[pi] = p;
        pd[lid] = a.dropP > 0.0f ? (hash_uniform(a.key0, a.key1, (uint) pi) >= a.dropP ? p * (1.0f / (1.0f - a.dropP)) : 0.0f) : p;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < a.dv) {
        float o = 0.0f;
        for (int j = 0; j < a.tk; j++) o = fma(pd[j], v[((long) bh * a.tk + j) * a.dv + lid], o);
        out[(long) row * a.dv + lid] = o;
    }
}

// Per query row: dD = g v^T; dP = dropout(dD); dS = P (dP - rowsum(dP P)) -> ds [BH, Tq, Tk]; dq = scale dS k
kernel void attention_backward_q(AttnArgs a, global const float* g, global const float* k, global const float* v,
                                 global const float* probs, global float* ds, global float* gq) {
    local float grow[AT_D];
    local float dp[AT_TK];
    local float pl[AT_TK];
    local float dsl[AT_TK];
    int row = get_group_id(0), lid = get_local_id(0);
    int bh = row / a.tq;
    if (lid < a.dv) grow[lid] = g[(long) row * a.dv + lid];
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < a.tk) {
        global const float* vr = v + ((long) bh * a.tk + lid) * a.dv;
        float d = 0.0f;
        for (int c = 0; c < a.dv; c++) d = fma(grow[c], vr[c], d);
        long pi = (long) row * a.tk + lid;
        if (a.dropP > 0.0f) d = hash_uniform(a.key0, a.key1, (uint) pi) >= a.dropP ? d * (1.0f / (1.0f - a.dropP)) : 0.0f;
        dp[lid] = d;
        pl[lid] = probs[pi];
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < a.tk) {
        float dot = 0.0f;
        for (int j = 0; j < a.tk; j++) dot = fma(dp[j], pl[j], dot);
        float d = pl[lid] * (dp[lid] - dot);
        dsl[lid] = d;
        ds[(long) row * a.tk + lid] = d;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < a.dk) {
        float o = 0.0f;
        for (int j = 0; j < a.tk; j++) o = fma(dsl[j], k[((long) bh * a.tk + j) * a.dk + lid], o);
        gq[(long) row * a.dk + lid] = o * a.scale;
    }
}

// Per key row (bh, j): dk = scale dS^T q;  dv = dropout(P)^T g
kernel void attention_backward_kv(AttnArgs a, global const float* g, global const float* q, global const float* probs,
                                  global const float* ds, global float* gk, global float* gv) {
    int row = get_group_id(0), lid = get_local_id(0);
    int bh = row / a.tk, j = row % a.tk;
    if (lid < a.dk) {
        float o = 0.0f;
        for (int i = 0; i < a.tq; i++) o = fma(ds[((long) bh * a.tq + i) * a.tk + j], q[((long) bh * a.tq + i) * a.dk + lid], o);
        gk[(long) row * a.dk + lid] = o * a.scale;
    }
    if (lid < a.dv) {
        float o = 0.0f;
        for (int i = 0; i < a.tq; i++) {
            long pi = ((long) bh * a.tq + i) * a.tk + j;
            float p = probs[pi];
            if (a.dropP > 0.0f) p = hash_uniform(a.key0, a.key1, (uint) pi) >= a.dropP ? p * (1.0f / (1.0f - a.dropP)) : 0.0f;
            o = fma(p, g[((long) bh * a.tq + i) * a.dv + lid], o);
        }
        gv[(long) row * a.dv + lid] = o;
    }
}
