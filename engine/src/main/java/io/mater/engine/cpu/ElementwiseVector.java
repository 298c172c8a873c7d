package io.mater.engine.cpu;

import io.mater.engine.BinaryOp;
import io.mater.engine.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API twins of {@link ElementwiseScalar}. Runs with unit or zero strides are vectorised; anything else,
 * and the tails, go to the scalar kernel. Exponentials use {@link VecMath#exp}; LOG, TANH and POW stay scalar
 * (Math's are deterministic, the Vector API's are not), so results never depend on JIT state.
 */
public final class ElementwiseVector {
    private ElementwiseVector() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final int L = F.length();

    /** erf by Abramowitz & Stegun 7.1.26, lane-wise. */
    static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = ax.mul(0.3275911f).add(1f);
        t = FloatVector.broadcast(F, 1f).div(t);
        FloatVector poly = t.mul(1.061405429f).add(-1.453152027f).mul(t).add(1.421413741f).mul(t).add(-0.284496736f).mul(t).add(0.254829592f).mul(t);
        FloatVector y = poly.mul(VecMath.exp(ax.mul(ax).neg())).neg().add(1f);
        return y.blend(y.neg(), x.compare(VectorOperators.LT, 0f));
    }

    public static void unary(UnaryOp op, float[] x, int xo, int xs, float[] y, int yo, int n, float p, float q) {
        if (xs != 1) {
            ElementwiseScalar.unary(op, x, xo, xs, y, yo, n, p, q);
            return;
        }
        int i = 0, upper = F.loopBound(n);
        switch (op) {
            case NEG -> { for (; i < upper; i += L) FloatVector.fromArray(F, x, xo + i).neg().intoArray(y, yo + i); }
            case EXP -> { for (; i < upper; i += L) VecMath.exp(FloatVector.fromArray(F, x, xo + i)).intoArray(y, yo + i); }
                        case SQRT -> { for (; i < upper; i += L) FloatVector.fromArray(F, x, xo + i).sqrt().intoArray(y, yo + i); }
            case ABS -> { for (; i < upper; i += L) FloatVector.fromArray(F, x, xo + i).abs().intoArray(y, yo + i); }
            case RELU -> { for (; i < upper; i += L) FloatVector.fromArray(F, x, xo + i).max(0f).intoArray(y, yo + i); }
                        case SIGMOID -> {
                for (; i < upper; i += L) {
                    var v = FloatVector.fromArray(F, x, xo + i);
                    FloatVector.broadcast(F, 1f).div(VecMath.exp(v.neg()).add(1f)).intoArray(y, yo + i);
                }
            }
            case GELU -> {
                for (; i < upper; i += L) {
                    var v = FloatVector.fromArray(F, x, xo + i);
                    v.mul(0.5f).mul(erf(v.mul((float) ElementwiseScalar.INV_SQRT2)).add(1f)).intoArray(y, yo + i);
                }
            }
            case SQUARE -> { for (; i < upper; i += L) { var v = FloatVector.fromArray(F, x, xo + i); v.mul(v).intoArray(y, yo + i); } }
            case RECIPROCAL -> { for (; i < upper; i += L) FloatVector.broadcast(F, 1f).div(FloatVector.fromArray(F, x, xo + i)).intoArray(y, yo + i); }
            case AFFINE -> { for (; i < upper; i += L) FloatVector.fromArray(F, x, xo + i).mul(p).add(q).intoArray(y, yo + i); }
            case CLAMP -> { for (; i < upper; i += L) FloatVector.fromArray(F, x, xo + i).max(p).min(q).intoArray(y, yo + i); }
            default -> { }
        }
        ElementwiseScalar.unary(op, x, xo + i, 1, y, yo + i, n - i, p, q);
    }

    public static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] c, int co, int n) {
        // POW stays scalar: a vector pow would round differently in compiled and interpreted code
        if (op == BinaryOp.POW || (as != 0 && as != 1) || (bs != 0 && bs != 1) || (as == 0 && bs == 0)) {
            ElementwiseScalar.binary(op, a, ao, as, b, bo, bs, c, co, n);
            return;
        }
        int i = 0, upper = F.loopBound(n);
        FloatVector ab = FloatVector.broadcast(F, a[ao]), bb = FloatVector.broadcast(F, b[bo]);
        FloatVector one = FloatVector.broadcast(F, 1f), zero = FloatVector.zero(F);
        for (; i < upper; i += L) {
            FloatVector va = as == 1 ? FloatVector.fromArray(F, a, ao + i) : ab;
            FloatVector vb = bs == 1 ? FloatVector.fromArray(F, b, bo + i) : bb;
            FloatVector r = switch (op) {
                case ADD -> va.add(vb);
                case SUB -> va.sub(vb);
                case MUL -> va.mul(vb);
                case DIV -> va.div(vb);
                case POW -> throw new AssertionError("POW runs on the scalar path");
                case MAXIMUM -> va.max(vb);
                case MINIMUM -> va.min(vb);
                case GT -> zero.blend(one, va.compare(VectorOperators.GT, vb));
                case LT -> zero.blend(one, va.compare(VectorOperators.LT, vb));
                case EQ -> zero.blend(one, va.compare(VectorOperators.EQ, vb));
                case RELU_BACKWARD -> zero.blend(va, vb.compare(VectorOperators.GT, 0f));
                case GELU_BACKWARD -> {
                    FloatVector cdf = erf(vb.mul((float) ElementwiseScalar.INV_SQRT2)).add(1f).mul(0.5f);
                    FloatVector pdf = VecMath.exp(vb.mul(vb).mul(-0.5f)).mul((float) ElementwiseScalar.INV_SQRT_2PI);
                    yield va.mul(cdf.add(vb.mul(pdf)));
                }
                case TANH_BACKWARD -> va.mul(one.sub(vb.mul(vb)));
                case SIGMOID_BACKWARD -> va.mul(vb).mul(one.sub(vb));
            };
            r.intoArray(c, co + i);
        }
        ElementwiseScalar.binary(op, a, ao + i * as, as, b, bo + i * bs, bs, c, co + i, n - i);
    }

    public static void dropout(float[] x, int xo, float[] y, int yo, int n, float p, int key0, int key1, int index0) {
        float scale = 1f / (1f - p);
        int i = 0, upper = Math.min(F.loopBound(n), I.loopBound(n));
        if (I.length() == L) {
            IntVector lane = IntVector.zero(I).addIndex(1);
            FloatVector zero = FloatVector.zero(F);
            for (; i < upper; i += L) {
                IntVector h = lane.add(index0 + i).mul(0x9E3779B9).add(key0).lanewise(VectorOperators.XOR, key1);
                h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(0x85EBCA6B);
                h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 13)).mul(0xC2B2AE35);
                h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
                FloatVector u = ((FloatVector) h.lanewise(VectorOperators.LSHR, 8).convert(VectorOperators.I2F, 0)).mul(0x1.0p-24f);
                VectorMask<Float> keep = u.compare(VectorOperators.GE, p);
                zero.blend(FloatVector.fromArray(F, x, xo + i).mul(scale), keep).intoArray(y, yo + i);
            }
        }
        ElementwiseScalar.dropout(x, xo + i, y, yo + i, n - i, p, key0, key1, index0 + i);
    }

    public static void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                            float lr, float beta1, float beta2, float eps, float wd, boolean decoupled, float stepSize, float bc2Sqrt) {
        int i = 0, upper = F.loopBound(n);
        float decay = decoupled ? 1f - lr * wd : 1f;
        float l2 = decoupled ? 0f : wd;
        for (; i < upper; i += L) {
            var pi = FloatVector.fromArray(F, p, po + i);
            var gi = FloatVector.fromArray(F, g, go + i);
            if (wd != 0f) {
                if (decoupled) pi = pi.mul(decay);
                else gi = gi.add(pi.mul(l2));
            }
            var mi = FloatVector.fromArray(F, m, mo + i).mul(beta1).add(gi.mul(1f - beta1));
            var vi = FloatVector.fromArray(F, v, vo + i).mul(beta2).add(gi.mul(gi).mul(1f - beta2));
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            var denom = vi.sqrt().div(bc2Sqrt).add(eps);
            pi.sub(mi.div(denom).mul(stepSize)).intoArray(p, po + i);
        }
        ElementwiseScalar.adam(p, po + i, g, go + i, m, mo + i, v, vo + i, n - i, lr, beta1, beta2, eps, wd, decoupled, stepSize, bc2Sqrt);
    }
}
